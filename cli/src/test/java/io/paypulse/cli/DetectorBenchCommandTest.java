package io.paypulse.cli;

import io.paypulse.detect.quality.ScenarioCatalog;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        List<String> lines = out.toString().lines().toList();
        assertTrue(lines.get(0).matches("detector bench: 9 scenarios, \\d+ incidents of \\d+ types, .*"), lines.get(0));
        assertEquals("incident type              incidents  detected  median delay (windows)", lines.get(2));
        assertEquals(1, lines.stream().filter(l -> l.matches("recall: +[01]\\.\\d{3} \\(\\d+ of \\d+ incidents detected\\)")).count(),
                out.toString());
        assertEquals(1, lines.stream().filter(l -> l.matches("precision, pages: +[01]\\.\\d{3} \\(\\d+ pages, \\d+ false\\)")).count(),
                out.toString());
        assertTrue(lines.get(lines.size() - 1).matches("targets: recall >= 0\\.90 (met|NOT MET); alarm precision >= 0\\.90 "
                + "(met|NOT MET); median delay <= 2 windows (met|NOT MET)"), lines.get(lines.size() - 1));
        List<String> progress = err.toString().lines().toList();
        for (ScenarioCatalog.Entry entry : ScenarioCatalog.standard()) {
            assertEquals(1, progress.stream().filter(l -> l.startsWith("paypulse:   " + entry.name() + ": ")).count(),
                    err.toString());
        }
    }
}
