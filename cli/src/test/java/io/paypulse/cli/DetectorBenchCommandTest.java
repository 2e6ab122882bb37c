package io.paypulse.cli;

import io.paypulse.detect.quality.ScenarioCatalog;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code paypulse bench detectors} runs the whole scenario set and reports its figures. */
class DetectorBenchCommandTest {

    @Test
    void scoresEveryScenarioAndPrintsRecallPrecisionAndTargets() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = PaypulseCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("bench", "detectors");

        assertEquals(0, exit, err.toString());
        // Every scenario comes from a fixed seed, so the figures are exact: those of docs/benchmarks.md ("Detector quality").
        assertEquals(List.of(
                "detector bench: 9 scenarios, 30 incidents of 13 types, 1,725,485 windows over 1,581 series-days; default settings"
                        + " (warm-up 60 windows, score threshold 0.60)",
                "",
                "incident type              incidents  detected  median delay (windows)",
                "approval-drop                      3         3             1",
                "card-testing                       2         2             0",
                "decline-creep                      2         2            42",
                "decline-rate-drop                  2         2           0.5",
                "decline-spike-segment              2         2             4",
                "endpoint-silence                   3         3             0",
                "issuer-outage-low-volume           2         2           2.5",
                "latency-p99-spike                  2         2             0",
                "latency-step                       3         3             0",
                "payout-delay                       2         1             0",
                "payout-failures                    2         2             6",
                "series-silence                     2         2             1",
                "volume-drop                        3         3             0",
                "",
                "recall:               0.967 (29 of 30 incidents detected)",
                "median delay:         0 windows (from an incident's first window to its first anomalous one)",
                "precision, alarms:    0.992 (376 alarms, 3 false)",
                "precision, pages:     0.967 (90 pages, 3 false)",
                "precision, incidents: 0.906 (29 detected incidents, 3 false pages)",
                "missed: payouts-marketplace payout-delay from 2026-11-20T00:00:00Z for 2 days in settlement:p95",
                "false page: mid-market rate:mastercard-US at 2026-10-16T08:58:00Z (1 window)",
                "false page: mid-market rate:mastercard-US at 2026-10-22T20:19:00Z (1 window)",
                "false page: enterprise rate:visa-BR from 2026-10-07T09:52:00Z to 2026-10-07T09:53:00Z (2 windows)",
                "targets: recall >= 0.90 met; alarm precision >= 0.90 met; median delay <= 2 windows met"),
                out.toString().lines().toList());
        List<String> progress = err.toString().lines().toList();
        for (ScenarioCatalog.Entry entry : ScenarioCatalog.standard()) {
            assertEquals(1, progress.stream().filter(l -> l.startsWith("paypulse:   " + entry.name() + ": ")).count(),
                    err.toString());
        }
    }
}
