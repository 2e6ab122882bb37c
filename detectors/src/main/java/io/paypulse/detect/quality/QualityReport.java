package io.paypulse.detect.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The outcome of a {@link QualityEvaluation}: every incident and every alarm, and the figures over them. */
public record QualityReport(List<IncidentResult> incidents, List<Alarm> alarms, long windows, double seriesDays) {

    public static final double TARGET_RECALL = 0.9;
    public static final double TARGET_PRECISION = 0.9;
    public static final double TARGET_MEDIAN_DELAY = 2;

    /** One labelled incident: whether it was detected, after how many windows, and in which series first. */
    public record IncidentResult(String scenario, Incident incident, boolean detected, int delayWindows, String detectedBy) {
    }

    /**
     * A run of consecutive anomalous windows of one series (indexes into the series); true when it
     * overlaps an incident of that series.
     */
    public record Alarm(String scenario, String series, long firstWindow, long lastWindow, int firstIndex, int lastIndex,
                        boolean truePositive) {
    }

    /**
     * Recall and median delay of a group of incidents and, for the whole set, precision three ways:
     * over alarms (runs of anomalous windows), over pages (alarms merged as the job merges them), and
     * per incident (detected incidents against detected incidents plus false pages).
     */
    public record Figures(int incidents, int detected, double recall, double medianDelay,
                          int alarms, int falseAlarms, double precision,
                          int pages, int falsePages, double pagePrecision, double incidentPrecision) {
    }

    public QualityReport {
        incidents = List.copyOf(incidents);
        alarms = List.copyOf(alarms);
    }

    public Figures overall() {
        return figures(incidents, alarms);
    }

    /** Per incident type, in name order; alarms count toward a type when they overlap one of its incidents. */
    public Map<String, Figures> byType() {
        Map<String, List<IncidentResult>> groups = new TreeMap<>();
        for (IncidentResult r : incidents) {
            groups.computeIfAbsent(r.incident().type(), k -> new ArrayList<>()).add(r);
        }
        Map<String, Figures> out = new TreeMap<>();
        groups.forEach((type, results) -> out.put(type, figures(results, null)));
        return out;
    }

    public List<Alarm> falseAlarms() {
        return alarms.stream().filter(a -> !a.truePositive()).toList();
    }

    public List<IncidentResult> missed() {
        return incidents.stream().filter(r -> !r.detected()).toList();
    }

    public boolean meetsTargets() {
        Figures f = overall();
        return f.recall() >= TARGET_RECALL && f.precision() >= TARGET_PRECISION && f.medianDelay() <= TARGET_MEDIAN_DELAY;
    }

    /** Alarms merged as the job merges them into pages. */
    public List<Alarm> pages() {
        return QualityEvaluation.pages(alarms);
    }

    private static Figures figures(List<IncidentResult> results, List<Alarm> alarms) {
        int detected = 0;
        List<Integer> delays = new ArrayList<>();
        for (IncidentResult r : results) {
            if (r.detected()) {
                detected++;
                delays.add(r.delayWindows());
            }
        }
        delays.sort(null);
        double median = delays.isEmpty() ? Double.NaN : delays.size() % 2 == 1 ? delays.get(delays.size() / 2)
                : (delays.get(delays.size() / 2 - 1) + delays.get(delays.size() / 2)) / 2.0;
        double recall = results.isEmpty() ? Double.NaN : (double) detected / results.size();
        if (alarms == null) {
            return new Figures(results.size(), detected, recall, median, 0, 0, Double.NaN, 0, 0, Double.NaN, Double.NaN);
        }
        List<Alarm> pages = QualityEvaluation.pages(alarms);
        int falseAlarms = (int) alarms.stream().filter(a -> !a.truePositive()).count();
        int falsePages = (int) pages.stream().filter(a -> !a.truePositive()).count();
        return new Figures(results.size(), detected, recall, median,
                alarms.size(), falseAlarms, ratio(alarms.size() - falseAlarms, alarms.size()),
                pages.size(), falsePages, ratio(pages.size() - falsePages, pages.size()),
                ratio(detected, detected + falsePages));
    }

    private static double ratio(int part, int whole) {
        return whole == 0 ? Double.NaN : (double) part / whole;
    }
}
