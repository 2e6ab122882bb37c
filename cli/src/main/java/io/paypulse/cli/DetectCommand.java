package io.paypulse.cli;

import io.paypulse.detect.Detector;
import io.paypulse.detect.DetectorConfig;
import io.paypulse.detect.Detectors;
import io.paypulse.detect.Kind;
import io.paypulse.detect.Verdict;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code paypulse detect}: runs the job's detector for one kind of series over a CSV file and writes
 * each window's score and verdict, so a series can be judged offline exactly as the job judges it live.
 */
@Command(name = "detect",
        mixinStandardHelpOptions = true,
        description = {
                "Score a series from a CSV file with the job's own anomaly detector and write which windows are anomalous.",
                "",
                "It runs the very detector, with the same defaults, that the payment health job runs on every "
                        + "series, so an exported series scores offline as the job scored it live.",
                "",
                "Input: a header naming the columns timestamp, value and optionally count (any order; quotes "
                        + "allowed, as ClickHouse's CSVWithNames writes them), then one row per window in strictly "
                        + "increasing time. A row out of order is an error: sort the file. The file streams through, "
                        + "so any length works. timestamp is ISO-8601 with Z or an offset (2026-11-24T10:00:00Z, "
                        + "2026-11-24T11:00:00+01:00), ISO without a zone, read as UTC (2026-11-24 10:00:00), or epoch "
                        + "seconds. A window missing from the file is skipped, not taken as zero: write silent volume "
                        + "windows as rows with value 0.",
                ""},
        footer = {
                "",
                "Kinds: what value and count are",
                "  rate        decline rate, declined / attempts, in [0, 1]; count = attempts,",
                "              required (a window needs 30 attempts behind it to alert)",
                "  latency     webhook latency in ms (a window's p50 or p99); count = events,",
                "              optional: without it, every window has enough events (5)",
                "  volume      events in the window, 0 for silence; count is not used",
                "  settlement  settlement seconds (p95 of the window's paid payouts);",
                "              count = paid payouts, optional (default 1)",
                "  failures    failed payouts in the window; count = payouts in the window,",
                "              failed ones included, required",
                "",
                "Output: timestamp,value,score,is_anomaly, with timestamp and value as given.",
                "score, in [0, 1] to 4 decimals, is -log10(p)/10 with p scaled to 1,440 windows",
                "a day (0.6 = a one-in-a-million window). is_anomaly is true from 0.6 once the",
                "series is warmed up: during warm-up scores are written, nothing is anomalous.",
                "A one-line summary goes to stderr.",
                "",
                "Exit status: 0 scored; 1 bad input (one line on stderr naming the file, the",
                "line and the problem); 2 bad options."})
final class DetectCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE", required = true, description = "The series, as CSV.")
    Path input;

    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "rate", converter = KindConverter.class,
            completionCandidates = KindNames.class,
            description = "What the series measures: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Kind kind;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Write the scored CSV here (replaced only once the whole input has been scored); default stdout.")
    Path output;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Windows of history a series needs before it may alert (default: the job's, 60).")
    Integer warmup;

    @Override
    public Integer call() throws IOException {
        if (warmup != null && warmup < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--warmup must be at least 1 window, got " + warmup);
        }
        DetectorConfig config = warmup == null ? DetectorConfig.defaults() : DetectorConfig.defaults().withWarmupWindows(warmup);
        Detector detector = Detectors.create(kind, config);
        long rows = 0;
        long anomalous = 0;
        long warmingUp = 0;
        try (SeriesCsvReader series = SeriesCsvReader.open(input, kind, config);
             ScoredCsv scored = ScoredCsv.open(output, spec.commandLine().getOut())) {
            for (SeriesCsvReader.Row row = series.next(); row != null; row = series.next()) {
                Verdict verdict;
                try {
                    verdict = detector.observe(row.observation());
                } catch (IllegalArgumentException e) {
                    // The detector's own rule for the value (a rate in [0, 1], no negative duration).
                    throw new IllegalArgumentException(series.where(row) + ": " + e.getMessage(), e);
                }
                scored.write(row, verdict);
                rows++;
                anomalous += verdict.anomalous() ? 1 : 0;
                warmingUp += verdict.warmedUp() ? 0 : 1;
            }
            if (rows == 0) {
                throw new IllegalArgumentException(input + " has a header but no rows: give one row per window");
            }
            scored.commit();
        }
        spec.commandLine().getErr().println(String.format(Locale.ROOT,
                "paypulse detect: %,d %s, %,d anomalous, %,d in warm-up (kind %s, warm-up %d windows)%s", rows,
                rows == 1 ? "row" : "rows", anomalous, warmingUp, SeriesCsvReader.name(kind), config.warmupWindows(),
                warmingUp == rows ? "; every row was in warm-up, so none could alert: give more history or a smaller --warmup" : ""));
        return 0;
    }

    /**
     * The scored rows, to stdout or to a file. A file is written beside its target and moved into place
     * only once the whole input is scored, so bad input never leaves half a file behind.
     */
    private static final class ScoredCsv implements Closeable {

        private final Writer out;
        private final Path temporary;
        private final Path target;
        private boolean committed;

        private ScoredCsv(Writer out, Path temporary, Path target) throws IOException {
            this.out = out;
            this.temporary = temporary;
            this.target = target;
            out.write("timestamp,value,score,is_anomaly\n");
        }

        static ScoredCsv open(Path output, Writer stdout) throws IOException {
            if (output == null) {
                return new ScoredCsv(new BufferedWriter(stdout, 1 << 16), null, null);
            }
            Path dir = output.toAbsolutePath().getParent();
            if (Files.isDirectory(output)) {
                throw new IllegalArgumentException("--output " + output + " is a directory: give a file name");
            }
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("--output " + output + ": directory " + dir + " does not exist");
            }
            Path temporary = Files.createTempFile(dir, "." + output.getFileName() + ".", ".tmp");
            return new ScoredCsv(Files.newBufferedWriter(temporary, StandardCharsets.UTF_8), temporary, output);
        }

        void write(SeriesCsvReader.Row row, Verdict verdict) throws IOException {
            out.write(row.timestamp());
            out.write(',');
            out.write(row.value());
            out.write(',');
            out.write(score(verdict.score()));
            out.write(verdict.anomalous() ? ",true\n" : ",false\n");
        }

        void commit() throws IOException {
            out.flush();
            if (temporary != null) {
                out.close();
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            committed = true;
        }

        @Override
        public void close() throws IOException {
            if (temporary == null) {
                out.flush(); // stdout stays open
            } else if (!committed) {
                out.close();
                Files.deleteIfExists(temporary);
            }
        }

        /** A score in [0, 1] to 4 decimals, without String.format's cost on every row of a long file. */
        static String score(double score) {
            long tenThousandths = Math.round(score * 10_000);
            String fraction = Long.toString(10_000 + tenThousandths % 10_000).substring(1);
            return tenThousandths / 10_000 + "." + fraction;
        }
    }

    /** Kinds as written on the command line: lower case, any case accepted. */
    static final class KindConverter implements CommandLine.ITypeConverter<Kind> {
        @Override
        public Kind convert(String value) {
            try {
                return Kind.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a kind: use one of "
                        + String.join(", ", new KindNames()));
            }
        }
    }

    static final class KindNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Kind.values()).map(SeriesCsvReader::name).iterator();
        }
    }
}
