package io.paypulse.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code paypulse detect} as a person runs it: a CSV in, scored CSV out, one clear line for bad input. */
class DetectCommandTest {

    /** Tuesday 2026-11-24 05:00 UTC. */
    private static final long START = Instant.parse("2026-11-24T05:00:00Z").getEpochSecond();
    private static final int BASELINE_MINUTES = 300;
    private static final int SPIKE_MINUTES = 10;

    @TempDir
    Path dir;

    @Test
    void declineSpikeIsFlaggedFromItsFirstMinuteAndNothingBeforeIt() throws IOException {
        Path input = write("rate.csv", declineSpike(t -> Instant.ofEpochSecond(t).toString()));

        Run run = run("detect", "--input", input.toString());

        assertEquals(0, run.exit, run.err);
        List<String> rows = run.out.lines().toList();
        assertEquals("timestamp,value,score,is_anomaly", rows.get(0));
        assertEquals(1 + BASELINE_MINUTES + SPIKE_MINUTES, rows.size());
        assertEquals("2026-11-24T05:00:00Z,0.045,0.0000,false", rows.get(1));
        for (int i = 1; i <= BASELINE_MINUTES; i++) {
            assertTrue(rows.get(i).endsWith(",false"), "before the spike: " + rows.get(i));
        }
        assertEquals("2026-11-24T10:00:00Z,0.4,1.0000,true", rows.get(1 + BASELINE_MINUTES));
        for (int i = 1 + BASELINE_MINUTES; i < rows.size(); i++) {
            assertTrue(rows.get(i).endsWith(",true"), "inside the spike: " + rows.get(i));
        }
        assertEquals("paypulse detect: 310 rows, 10 anomalous, 60 in warm-up (kind rate, warm-up 60 windows)\n", run.err);
    }

    @Test
    void isoWithZoneOrOffsetOrNoneAndEpochSecondsAreTheSameWindows() throws IOException {
        List<String> iso = scores(write("iso.csv", declineSpike(t -> Instant.ofEpochSecond(t).toString())));
        DateTimeFormatter clickHouse = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        List<LongFunction<String>> others = List.of(
                Long::toString,
                t -> OffsetDateTime.ofInstant(Instant.ofEpochSecond(t), ZoneOffset.ofHours(1)).toString(),
                t -> OffsetDateTime.ofInstant(Instant.ofEpochSecond(t), ZoneOffset.UTC).format(clickHouse));
        for (LongFunction<String> format : others) {
            Path input = write("other.csv", declineSpike(format));
            assertEquals(iso, scores(input), Files.readAllLines(input).get(1));
        }
    }

    @Test
    void timestampsAndValuesAreEchoedAsGivenAndQuotesAndColumnOrderAreAccepted() throws IOException {
        Path input = write("clickhouse.csv", "\"count\",\"timestamp\",\"value\"\n"
                + "400,\"2026-11-24 10:00:00\",0.050\n"
                + "400.0,\"2026-11-24 10:01:00\",5e-2\n");

        Run run = run("detect", "--input", input.toString());

        assertEquals(0, run.exit, run.err);
        assertEquals(List.of("timestamp,value,score,is_anomaly", "2026-11-24 10:00:00,0.050,0.0000,false",
                "2026-11-24 10:01:00,5e-2,0.0000,false"), run.out.lines().toList());
        assertEquals("paypulse detect: 2 rows, 0 anomalous, 2 in warm-up (kind rate, warm-up 60 windows); every row was "
                + "in warm-up, so none could alert: give more history or a smaller --warmup\n", run.err);
    }

    @Test
    void warmupFlagDecidesWhenASeriesMayAlert() throws IOException {
        StringBuilder csv = new StringBuilder("timestamp,value,count\n");
        for (int i = 0; i < 20; i++) {
            csv.append(START + i * 60L).append(",0.05,400\n");
        }
        csv.append(START + 20 * 60L).append(",0.5,400\n");
        Path input = write("short.csv", csv.toString());

        Run defaults = run("detect", "--input", input.toString());
        Run short20 = run("detect", "--input", input.toString(), "--warmup", "20");

        assertTrue(defaults.out.strip().endsWith(",1.0000,false"), "the 21st window is still in the default warm-up");
        assertTrue(short20.out.strip().endsWith(",1.0000,true"), "after 20 windows of history it alerts");
        assertEquals("paypulse detect: 21 rows, 1 anomalous, 20 in warm-up (kind rate, warm-up 20 windows)\n", short20.err);
    }

    @Test
    void latencyWithoutCountAndVolumeSilenceAreJudged() throws IOException {
        StringBuilder latency = new StringBuilder("timestamp,value\n");
        StringBuilder volume = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < 120; i++) {
            latency.append(START + i * 60L).append(',').append(300 + i % 7 * 10).append('\n');
            volume.append(START + i * 60L).append(',').append(200 + i % 5 * 10).append('\n');
        }
        latency.append(START + 120 * 60L).append(",3000\n");
        volume.append(START + 120 * 60L).append(",0\n");

        Run slow = run("detect", "--input", write("latency.csv", latency.toString()).toString(), "--kind", "latency");
        Run silent = run("detect", "--input", write("volume.csv", volume.toString()).toString(), "--kind", "VOLUME");

        assertEquals(0, slow.exit, slow.err);
        assertEquals(0, silent.exit, silent.err);
        assertEquals(1, slow.out.lines().filter(l -> l.endsWith(",true")).count(), slow.out);
        assertTrue(slow.out.strip().endsWith(",3000,1.0000,true"));
        assertEquals(1, silent.out.lines().filter(l -> l.endsWith(",true")).count(), silent.out);
        assertTrue(silent.out.strip().endsWith(",0,1.0000,true"));
    }

    @Test
    void outputFileIsWrittenAndStdoutStaysEmpty() throws IOException {
        Path input = write("rate.csv", declineSpike(t -> Instant.ofEpochSecond(t).toString()));
        Path output = dir.resolve("scored.csv");
        Files.writeString(output, "an older run\n");

        Run run = run("detect", "--input", input.toString(), "--output", output.toString());

        assertEquals(0, run.exit, run.err);
        assertEquals("", run.out);
        assertEquals(run("detect", "--input", input.toString()).out, Files.readString(output));
        assertEquals(List.of("rate.csv", "scored.csv"), filesInDir());
    }

    static Stream<Arguments> badInputs() {
        String header = "timestamp,value,count\n";
        String ok = "2026-11-24T10:00:00Z,0.05,400\n";
        return Stream.of(
                Arguments.of("", List.of(), "in.csv is empty: the first line must be the header timestamp,value[,count]"),
                Arguments.of(header, List.of(), "in.csv has a header but no rows"),
                Arguments.of("time,value\n" + ok, List.of(), "in.csv line 1: the first line must be the header "
                        + "timestamp,value[,count] (columns in any order), got 'time,value': no column is called 'time'"),
                Arguments.of(ok, List.of(), "in.csv line 1: the first line must be the header"),
                Arguments.of("timestamp,value\n2026-11-24T10:00:00Z,0.05\n", List.of(),
                        "in.csv line 1: --kind rate needs a count column (attempts in each window)"),
                Arguments.of("timestamp,value\n1795000000,0\n", List.of("--kind", "failures"),
                        "in.csv line 1: --kind failures needs a count column (payouts in each window)"),
                Arguments.of(header + ok + "yesterday,0.05,400\n", List.of(), "in.csv line 3: timestamp 'yesterday' is neither ISO-8601"),
                Arguments.of(header + "2026-11-24T10:00:00,0.05,400\n2026-11-24T25:00:00Z,0.05,400\n", List.of(),
                        "in.csv line 3: timestamp '2026-11-24T25:00:00Z' is neither ISO-8601"),
                Arguments.of(header + "1795000000000,0.05,400\n", List.of(),
                        "in.csv line 2: timestamp 1795000000000 looks like epoch milliseconds"),
                Arguments.of(header + ok + "2026-11-24T10:01:00Z,abc,400\n", List.of(), "in.csv line 3: value 'abc' is not a number"),
                Arguments.of(header + "2026-11-24T10:01:00Z,NaN,400\n", List.of(), "in.csv line 2: value 'NaN' is not a number"),
                Arguments.of(header + ok + "\n2026-11-24T10:01:00Z,0.05,-3\n", List.of(),
                        "in.csv line 4: count -3 is negative: it is the number of attempts in the window"),
                Arguments.of(header + "2026-11-24T10:01:00Z,0.05,many\n", List.of(), "in.csv line 2: count 'many' is not a whole number"),
                Arguments.of(header + ok + "2026-11-24T10:01:00Z,1.5,400\n", List.of(),
                        "in.csv line 3: RATE value is a decline rate and must be in [0, 1], got 1.5"),
                Arguments.of(header + ok + "2026-11-24T09:59:00Z,0.05,400\n", List.of(), "in.csv line 3: timestamp "
                        + "2026-11-24T09:59:00Z comes before line 2's 2026-11-24T10:00:00Z: rows must be one per window in "
                        + "increasing time; sort the file by timestamp"),
                Arguments.of(header + ok + ok, List.of(), "in.csv line 3: timestamp 2026-11-24T10:00:00Z repeats line 2's"),
                Arguments.of(header + "2026-11-24T10:00:00Z,0.05\n", List.of(),
                        "in.csv line 2: 2 fields where the header has 3; every row needs timestamp,value,count"),
                Arguments.of("timestamp,value\n1795000000,-20\n", List.of("--kind", "latency"),
                        "in.csv line 2: LATENCY value is a duration and must not be negative, got -20.0"),
                Arguments.of(header + "1795000000,3,2\n", List.of("--kind", "failures"),
                        "in.csv line 2: 3 failed payouts out of 2: count is every payout in the window"));
    }

    @ParameterizedTest
    @MethodSource("badInputs")
    void badInputIsOneLineNamingFileAndLineAndLeavesNoOutput(String content, List<String> flags, String expected)
            throws IOException {
        Path input = write("in.csv", content);
        Path output = dir.resolve("out.csv");
        List<String> args = new ArrayList<>(List.of("detect", "--input", input.toString(), "--output", output.toString()));
        args.addAll(flags);

        Run run = run(args.toArray(String[]::new));

        assertEquals(1, run.exit);
        assertOneLine(run.err);
        assertTrue(run.err.startsWith("paypulse detect: " + input), run.err);
        assertTrue(run.err.contains(expected), run.err);
        assertEquals(List.of("in.csv"), filesInDir(), "no output, not even half of one");
    }

    @Test
    void missingInputFileIsOneLine() {
        Run run = run("detect", "--input", dir.resolve("nope.csv").toString());

        assertEquals(1, run.exit);
        assertOneLine(run.err);
        assertEquals("paypulse detect: " + dir.resolve("nope.csv")
                + " does not exist: give a CSV file whose first line is timestamp,value[,count]\n", run.err);
    }

    @Test
    void badOptionsAreUsageErrors() throws IOException {
        String input = write("in.csv", "timestamp,value,count\n1795000000,0.05,400\n").toString();

        Run kind = run("detect", "--input", input, "--kind", "declines");
        Run warmup = run("detect", "--input", input, "--warmup", "0");
        Run noInput = run("detect");

        assertEquals(2, kind.exit);
        assertEquals("paypulse detect: Invalid value for option '--kind': 'declines' is not a kind: use one of rate, "
                + "latency, volume, settlement, failures\nsee ./paypulse detect --help\n", kind.err);
        assertEquals(2, warmup.exit);
        assertEquals("paypulse detect: --warmup must be at least 1 window, got 0\nsee ./paypulse detect --help\n", warmup.err);
        assertEquals(2, noInput.exit);
        assertEquals("paypulse detect: Missing required option: '--input=FILE'\nsee ./paypulse detect --help\n", noInput.err);
        for (Run r : List.of(kind, warmup, noInput)) {
            assertFalse(r.err.contains("Exception"), r.err);
        }
    }

    /** 300 minutes of a 4.5-5.5% decline rate at 400 attempts a minute, then 10 minutes at 40%. */
    private static String declineSpike(LongFunction<String> timestamp) {
        StringBuilder csv = new StringBuilder("timestamp,value,count\n");
        for (int i = 0; i < BASELINE_MINUTES + SPIKE_MINUTES; i++) {
            int declines = i < BASELINE_MINUTES ? 18 + i % 5 : 160;
            csv.append(timestamp.apply(START + i * 60L)).append(',').append(declines / 400.0).append(",400\n");
        }
        return csv.toString();
    }

    /** Each output row without its timestamp. */
    private List<String> scores(Path input) {
        Run run = run("detect", "--input", input.toString());
        assertEquals(0, run.exit, run.err);
        return run.out.lines().skip(1).map(l -> l.substring(l.indexOf(','))).toList();
    }

    private static void assertOneLine(String err) {
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.endsWith("\n"), err);
        assertFalse(err.contains("Exception"), err);
        assertFalse(err.contains("at io."), err);
        assertFalse(err.contains("at java."), err);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private List<String> filesInDir() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = PaypulseCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
