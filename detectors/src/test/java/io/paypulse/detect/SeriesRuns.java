package io.paypulse.detect;

import io.paypulse.detect.quality.Incident;
import io.paypulse.detect.quality.LabelledSeries;
import io.paypulse.detect.quality.Scenario;

import java.util.ArrayList;
import java.util.List;

/** Runs detectors over generated series, for tests. */
final class SeriesRuns {

    private SeriesRuns() {
    }

    static List<Verdict> run(Detector detector, LabelledSeries series) {
        List<Verdict> verdicts = new ArrayList<>(series.size());
        for (int i = 0; i < series.size(); i++) {
            verdicts.add(detector.observe(series.observation(i)));
        }
        return verdicts;
    }

    static List<Verdict> run(LabelledSeries series) {
        return run(Detectors.create(series.kind(), DetectorConfig.defaults()), series);
    }

    static LabelledSeries series(Scenario scenario, String name) {
        return scenario.series().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no series " + name + " in " + scenario.name()));
    }

    static Incident incident(Scenario scenario, String type) {
        return scenario.incidents().stream().filter(i -> i.type().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no incident " + type + " in " + scenario.name()));
    }

    /** Windows of the series from the incident's first window to its first anomalous one; -1 if none inside it. */
    static int delay(List<Verdict> verdicts, Incident incident) {
        int first = -1;
        for (int i = 0; i < verdicts.size(); i++) {
            long t = verdicts.get(i).windowStart();
            if (t < incident.start()) {
                continue;
            }
            if (t >= incident.end()) {
                break;
            }
            if (first < 0) {
                first = i;
            }
            if (verdicts.get(i).anomalous()) {
                return i - first;
            }
        }
        return -1;
    }

    /** Anomalous windows outside every incident of the scenario (an incident's span plus 2 windows' grace). */
    static List<Verdict> falseAlarms(List<Verdict> verdicts, List<Incident> incidents, long windowSeconds) {
        return verdicts.stream().filter(Verdict::anomalous)
                .filter(v -> incidents.stream().noneMatch(i -> v.windowStart() >= i.start()
                        && v.windowStart() < i.end() + 2 * windowSeconds))
                .toList();
    }
}
