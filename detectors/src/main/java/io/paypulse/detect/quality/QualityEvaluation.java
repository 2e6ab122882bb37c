package io.paypulse.detect.quality;

import io.paypulse.detect.Detector;
import io.paypulse.detect.DetectorConfig;
import io.paypulse.detect.Detectors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the detectors, exactly as the job creates them ({@link Detectors#create}), over labelled
 * scenarios and scores them.
 *
 * <ul>
 *   <li>An incident is detected when a series it shows in has an anomalous window inside the incident,
 *       or in the two windows of that series after it ends.</li>
 *   <li>Its delay is the number of that series' windows from the first one inside the incident to the
 *       first anomalous one (0 = flagged in its first window); the smallest over its series counts.</li>
 *   <li>An alarm is a run of consecutive anomalous windows of one series. It is true when it overlaps
 *       (with the same grace) an incident that shows in that series, false otherwise.</li>
 *   <li>A page is what the job would send: alarms of one series closer than
 *       {@value #RESOLVE_AFTER_WINDOWS} normal windows apart are one page (the job resolves an incident
 *       after that many normal windows). It is true when any of its alarms is.</li>
 * </ul>
 */
public final class QualityEvaluation {

    /** Windows of a series after an incident's end in which an alarm still counts for it. */
    public static final int GRACE_WINDOWS = 2;
    /** Normal windows after which the job resolves an incident (its default {@code PAYPULSE_RESOLVE_AFTER_WINDOWS}). */
    public static final int RESOLVE_AFTER_WINDOWS = 5;

    private QualityEvaluation() {
    }

    /** Told about each scenario once it is scored, with that scenario's own report: for progress lines. */
    @FunctionalInterface
    public interface Progress {
        void scored(Scenario scenario, QualityReport scenarioReport);
    }

    public static QualityReport run(List<ScenarioCatalog.Entry> entries, DetectorConfig config) {
        return run(entries, config, (scenario, scenarioReport) -> {
        });
    }

    /** As {@link #run(List, DetectorConfig)}, telling {@code progress} after each scenario. */
    public static QualityReport run(List<ScenarioCatalog.Entry> entries, DetectorConfig config, Progress progress) {
        List<QualityReport.IncidentResult> incidents = new ArrayList<>();
        List<QualityReport.Alarm> alarms = new ArrayList<>();
        long windows = 0;
        double seriesDays = 0;
        for (ScenarioCatalog.Entry entry : entries) {
            Scenario scenario = entry.generate();
            List<QualityReport.IncidentResult> scenarioIncidents = new ArrayList<>();
            List<QualityReport.Alarm> scenarioAlarms = new ArrayList<>();
            long scenarioWindows = 0;
            double scenarioDays = 0;
            Map<String, boolean[]> anomalous = new HashMap<>();
            Map<String, LabelledSeries> byName = new HashMap<>();
            for (LabelledSeries series : scenario.series()) {
                anomalous.put(series.name(), detect(series, config));
                byName.put(series.name(), series);
                scenarioWindows += series.size();
                if (series.size() > 1) {
                    double days = (series.windowStarts()[series.size() - 1] - series.windowStarts()[0]) / 86400.0;
                    scenarioDays += days;
                    seriesDays += days;
                }
            }
            for (Incident incident : scenario.incidents()) {
                scenarioIncidents.add(score(scenario.name(), incident, byName, anomalous));
            }
            for (LabelledSeries series : scenario.series()) {
                scenarioAlarms.addAll(alarms(scenario, series, anomalous.get(series.name())));
            }
            incidents.addAll(scenarioIncidents);
            alarms.addAll(scenarioAlarms);
            windows += scenarioWindows;
            progress.scored(scenario, new QualityReport(scenarioIncidents, scenarioAlarms, scenarioWindows, scenarioDays));
        }
        return new QualityReport(incidents, alarms, windows, seriesDays);
    }

    static boolean[] detect(LabelledSeries series, DetectorConfig config) {
        Detector detector = Detectors.create(series.kind(), config);
        boolean[] anomalous = new boolean[series.size()];
        for (int i = 0; i < series.size(); i++) {
            anomalous[i] = detector.observe(series.observation(i)).anomalous();
        }
        return anomalous;
    }

    private static QualityReport.IncidentResult score(String scenario, Incident incident, Map<String, LabelledSeries> series,
                                                      Map<String, boolean[]> anomalous) {
        int bestDelay = -1;
        String by = null;
        for (String name : incident.series()) {
            LabelledSeries s = series.get(name);
            if (s == null) {
                throw new IllegalStateException("incident " + incident.type() + " in " + scenario + " names unknown series " + name);
            }
            int[] span = span(s, incident);
            if (span == null) {
                continue;
            }
            boolean[] flags = anomalous.get(name);
            for (int i = span[0]; i <= span[1]; i++) {
                if (flags[i]) {
                    int delay = i - span[0];
                    if (bestDelay < 0 || delay < bestDelay) {
                        bestDelay = delay;
                        by = name;
                    }
                    break;
                }
            }
        }
        return new QualityReport.IncidentResult(scenario, incident, bestDelay >= 0, bestDelay, by);
    }

    /** Indexes of the series' first window inside the incident and its last one, grace included; null if none. */
    static int[] span(LabelledSeries s, Incident incident) {
        long[] starts = s.windowStarts();
        int first = lowerBound(starts, incident.start());
        if (first >= starts.length || starts[first] >= incident.end()) {
            return null;
        }
        int last = lowerBound(starts, incident.end()) - 1 + GRACE_WINDOWS;
        return new int[]{first, Math.min(last, starts.length - 1)};
    }

    private static List<QualityReport.Alarm> alarms(Scenario scenario, LabelledSeries series, boolean[] flags) {
        List<int[]> spans = new ArrayList<>();
        for (Incident incident : scenario.incidents()) {
            if (incident.series().contains(series.name())) {
                int[] span = span(series, incident);
                if (span != null) {
                    spans.add(span);
                }
            }
        }
        List<QualityReport.Alarm> out = new ArrayList<>();
        int i = 0;
        while (i < flags.length) {
            if (!flags[i]) {
                i++;
                continue;
            }
            int start = i;
            while (i < flags.length && flags[i]) {
                i++;
            }
            int end = i - 1;
            boolean matched = false;
            for (int[] span : spans) {
                matched |= start <= span[1] && end >= span[0];
            }
            out.add(new QualityReport.Alarm(scenario.name(), series.name(), series.windowStarts()[start],
                    series.windowStarts()[end], start, end, matched));
        }
        return out;
    }

    /** Alarms of one series merged into pages: fewer than RESOLVE_AFTER_WINDOWS normal windows apart. */
    static List<QualityReport.Alarm> pages(List<QualityReport.Alarm> alarms) {
        List<QualityReport.Alarm> pages = new ArrayList<>();
        QualityReport.Alarm open = null;
        for (QualityReport.Alarm a : alarms) {
            if (open != null && open.scenario().equals(a.scenario()) && open.series().equals(a.series())
                    && a.firstIndex() - open.lastIndex() - 1 < RESOLVE_AFTER_WINDOWS) {
                open = new QualityReport.Alarm(open.scenario(), open.series(), open.firstWindow(), a.lastWindow(),
                        open.firstIndex(), a.lastIndex(), open.truePositive() || a.truePositive());
            } else {
                if (open != null) {
                    pages.add(open);
                }
                open = a;
            }
        }
        if (open != null) {
            pages.add(open);
        }
        return pages;
    }

    private static int lowerBound(long[] sorted, long key) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
