package io.paypulse.cli;

import io.paypulse.detect.DetectorConfig;
import io.paypulse.detect.quality.Incident;
import io.paypulse.detect.quality.QualityEvaluation;
import io.paypulse.detect.quality.QualityReport;
import io.paypulse.detect.quality.QualityReport.Figures;
import io.paypulse.detect.quality.ScenarioCatalog;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code paypulse bench detectors}: how well the job's detectors, with its defaults, find the labelled
 * incidents of the standard scenario set, and how often they page for nothing.
 */
@Command(name = "detectors",
        mixinStandardHelpOptions = true,
        description = {
                "Recall, detection delay and precision of the job's detectors over labelled scenarios.",
                "",
                "Runs the job's detectors (Detectors.create, default settings) over the standard scenario set: "
                        + "three merchants of different sizes over three weeks and two payout platforms over eight "
                        + "weeks, with incidents of many types, and a clean history of each kind. Everything is "
                        + "generated from fixed seeds, so the figures are the same on every machine. Prints per "
                        + "incident type the incidents, how many were detected and the median delay; then recall, "
                        + "precision over alarms, pages and incidents, every missed incident and false page, and "
                        + "whether the targets are met. Progress goes to stderr. Exits 0 whatever the figures."})
final class DetectorBenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DetectorConfig config = DetectorConfig.defaults();
        List<ScenarioCatalog.Entry> entries = ScenarioCatalog.standard();
        err.println("paypulse: scoring " + entries.size() + " scenarios with the job's detectors and defaults ...");
        long started = System.nanoTime();
        long[] scenarioStarted = {started};
        QualityReport report = QualityEvaluation.run(entries, config, (scenario, own) -> {
            long now = System.nanoTime();
            Figures f = own.overall();
            err.println(String.format(Locale.ROOT, "paypulse:   %s: %d series, %s, %d detected, %s (%.1f s)",
                    scenario.name(), scenario.series().size(), count(f.incidents(), "incident"), f.detected(),
                    count(f.falsePages(), "false page"), (now - scenarioStarted[0]) / 1e9));
            scenarioStarted[0] = now;
        });
        err.println(String.format(Locale.ROOT, "paypulse:   done in %.1f s", (System.nanoTime() - started) / 1e9));
        print(report, entries.size(), config, out);
        out.flush();
        return 0;
    }

    static void print(QualityReport report, int scenarios, DetectorConfig config, PrintWriter out) {
        Figures all = report.overall();
        Map<String, Figures> byType = report.byType();
        out.println(String.format(Locale.ROOT,
                "detector bench: %d scenarios, %d incidents of %d types, %,d windows over %,.0f series-days; "
                        + "default settings (warm-up %d windows, score threshold %.2f)",
                scenarios, all.incidents(), byType.size(), report.windows(), report.seriesDays(), config.warmupWindows(),
                config.scoreThreshold()));
        out.println();
        out.println(String.format(Locale.ROOT, "%-26s %9s %9s  %s", "incident type", "incidents", "detected",
                "median delay (windows)"));
        byType.forEach((type, f) -> out.println(String.format(Locale.ROOT, "%-26s %9d %9d  %12s",
                type, f.incidents(), f.detected(), delay(f.medianDelay()))));
        out.println();
        out.println(String.format(Locale.ROOT, "recall:               %.3f (%d of %d incidents detected)",
                all.recall(), all.detected(), all.incidents()));
        out.println(String.format(Locale.ROOT, "median delay:         %s windows (from an incident's first window to its first anomalous one)",
                delay(all.medianDelay())));
        out.println(String.format(Locale.ROOT, "precision, alarms:    %.3f (%d alarms, %d false)",
                all.precision(), all.alarms(), all.falseAlarms()));
        out.println(String.format(Locale.ROOT, "precision, pages:     %.3f (%d pages, %d false)",
                all.pagePrecision(), all.pages(), all.falsePages()));
        out.println(String.format(Locale.ROOT, "precision, incidents: %.3f (%d detected incidents, %d false pages)",
                all.incidentPrecision(), all.detected(), all.falsePages()));
        for (QualityReport.IncidentResult missed : report.missed()) {
            Incident i = missed.incident();
            out.println("missed: " + missed.scenario() + " " + i.type() + " from " + Instant.ofEpochSecond(i.start())
                    + " for " + span(i.end() - i.start()) + " in " + String.join(", ", i.series()));
        }
        for (QualityReport.Alarm page : report.pages()) {
            if (!page.truePositive()) {
                int windows = page.lastIndex() - page.firstIndex() + 1;
                out.println("false page: " + page.scenario() + " " + page.series()
                        + (windows == 1 ? " at " + Instant.ofEpochSecond(page.firstWindow())
                        : " from " + Instant.ofEpochSecond(page.firstWindow()) + " to " + Instant.ofEpochSecond(page.lastWindow()))
                        + " (" + count(windows, "window") + ")");
            }
        }
        out.println(String.format(Locale.ROOT, "targets: recall >= %.2f %s; alarm precision >= %.2f %s; median delay <= %.0f windows %s",
                QualityReport.TARGET_RECALL, met(all.recall() >= QualityReport.TARGET_RECALL),
                QualityReport.TARGET_PRECISION, met(all.precision() >= QualityReport.TARGET_PRECISION),
                QualityReport.TARGET_MEDIAN_DELAY, met(all.medianDelay() <= QualityReport.TARGET_MEDIAN_DELAY)));
    }

    private static String delay(double windows) {
        return Double.isNaN(windows) ? "-" : windows == Math.rint(windows) ? Long.toString((long) windows)
                : String.format(Locale.ROOT, "%.1f", windows);
    }

    private static String span(long seconds) {
        return seconds % 86400 == 0 ? seconds / 86400 + (seconds == 86400 ? " day" : " days") : seconds / 60 + " min";
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    private static String met(boolean met) {
        return met ? "met" : "NOT MET";
    }
}
