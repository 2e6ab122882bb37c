package io.paypulse.cli;

import io.paypulse.detect.DetectorConfig;
import io.paypulse.detect.Kind;
import io.paypulse.detect.Observation;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One series for {@code paypulse detect}, read from CSV a row at a time so a file of any length streams
 * through: a header naming {@code timestamp}, {@code value} and optionally {@code count}, then one row
 * per window in strictly increasing time. Every problem is an {@link IllegalArgumentException} that
 * names the file, the line and what to do about it.
 */
final class SeriesCsvReader implements Closeable {

    /** A window as read: the timestamp and value as written (for the output) and what the detector is fed. */
    record Row(int line, String timestamp, String value, Observation observation) {
    }

    static final String HEADER = "timestamp,value[,count]";

    private static final Pattern EPOCH_SECONDS = Pattern.compile("-?\\d{1,18}");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern WHOLE = Pattern.compile("-?\\d{1,18}(\\.0*)?");
    /** Epoch seconds this large are past the year 5000: the file surely holds milliseconds. */
    private static final long MAX_EPOCH_SECONDS = 99_999_999_999L;

    private final String file;
    private final BufferedReader in;
    private final Kind kind;
    private final long defaultCount;
    private final int columns;
    private final int timestampColumn;
    private final int valueColumn;
    private final int countColumn;
    private int line;
    private int previousLine;
    private long previousWindow;
    private String previousTimestamp;

    private SeriesCsvReader(String file, BufferedReader in, Kind kind, DetectorConfig config) throws IOException {
        this.file = file;
        this.in = in;
        this.kind = kind;
        String header = nextLine();
        if (header == null) {
            throw new IllegalArgumentException(file + " is empty: the first line must be the header " + HEADER);
        }
        String[] names = fields(header);
        int timestamp = -1;
        int value = -1;
        int count = -1;
        for (int i = 0; i < names.length; i++) {
            String name = names[i].toLowerCase(Locale.ROOT);
            switch (name) {
                case "timestamp" -> timestamp = unique(timestamp, i, name);
                case "value" -> value = unique(value, i, name);
                case "count" -> count = unique(count, i, name);
                default -> throw badHeader(header, "no column is called '" + names[i] + "'");
            }
        }
        if (timestamp < 0 || value < 0) {
            throw badHeader(header, "it needs both timestamp and value");
        }
        if (count < 0 && requiresCount(kind)) {
            throw at("--kind " + name(kind) + " needs a count column (" + countMeaning(kind) + " in each window): "
                    + whyCountIsRequired(kind, config) + "; add it: timestamp,value,count");
        }
        this.columns = names.length;
        this.timestampColumn = timestamp;
        this.valueColumn = value;
        this.countColumn = count;
        this.defaultCount = switch (kind) {
            // Any count of at least the minimum counts the same; without one, trust every window's quantile.
            case LATENCY -> config.minLatencyEvents();
            case SETTLEMENT -> 1;
            default -> -1;
        };
    }

    static SeriesCsvReader open(Path path, Kind kind, DetectorConfig config) throws IOException {
        String file = path.toString();
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(file + " is a directory: give the CSV file itself");
        }
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(file + " does not exist: give a CSV file whose first line is " + HEADER);
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(file + " is not readable by this user");
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(path),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
        try {
            return new SeriesCsvReader(file, in, kind, config);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** The next window, or null at the end of the file. */
    Row next() throws IOException {
        String text = nextLine();
        if (text == null) {
            return null;
        }
        String[] f = fields(text);
        if (f.length != columns) {
            throw at(f.length + (f.length == 1 ? " field" : " fields") + " where the header has " + columns
                    + "; every row needs " + String.join(",", headerOrder()));
        }
        String timestamp = f[timestampColumn];
        String value = f[valueColumn];
        long window = epochSecond(timestamp);
        if (previousTimestamp != null && window <= previousWindow) {
            throw at("timestamp " + timestamp + (window == previousWindow ? " repeats" : " comes before")
                    + " line " + previousLine + "'s " + previousTimestamp
                    + ": rows must be one per window in increasing time; sort the file by timestamp");
        }
        double v = number(value);
        long count = countColumn >= 0 && !f[countColumn].isEmpty() ? count(f[countColumn]) : defaultCount(v);
        if (kind == Kind.FAILURES && Math.round(v) > count) {
            throw at(value + " failed payouts out of " + count + ": count is every payout in the window, failed ones included");
        }
        previousLine = line;
        previousWindow = window;
        previousTimestamp = timestamp;
        return new Row(line, timestamp, value, new Observation(window, v, count));
    }

    /** Where a row is, for messages: {@code series.csv line 12}. */
    String where(Row row) {
        return file + " line " + row.line();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    static String name(Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    static boolean requiresCount(Kind kind) {
        return kind == Kind.RATE || kind == Kind.FAILURES;
    }

    /** What the count column counts for a kind. */
    static String countMeaning(Kind kind) {
        return switch (kind) {
            case RATE -> "attempts";
            case LATENCY, VOLUME -> "events";
            case SETTLEMENT -> "paid payouts";
            case FAILURES -> "payouts";
        };
    }

    private static String whyCountIsRequired(Kind kind, DetectorConfig config) {
        return kind == Kind.RATE
                ? "declines are judged as a count out of attempts, and a window with fewer than " + config.minAttempts()
                        + " attempts behind it never alerts"
                : "failures are judged against the payouts made";
    }

    private long defaultCount(double value) {
        if (kind == Kind.VOLUME) {
            return Math.max(0, Math.round(value));
        }
        if (defaultCount < 0) {
            throw at("count is empty: --kind " + name(kind) + " needs the " + countMeaning(kind) + " of every window");
        }
        return defaultCount;
    }

    private long epochSecond(String text) {
        if (EPOCH_SECONDS.matcher(text).matches()) {
            long seconds = Long.parseLong(text);
            if (Math.abs(seconds) > MAX_EPOCH_SECONDS) {
                throw at("timestamp " + text + " looks like epoch milliseconds; give epoch seconds or ISO-8601");
            }
            return seconds;
        }
        // ClickHouse writes DateTime('UTC') as "2026-11-24 10:00:00".
        String iso = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
        try {
            return OffsetDateTime.parse(iso).toEpochSecond();
        } catch (DateTimeParseException notWithOffset) {
            try {
                return LocalDateTime.parse(iso).toEpochSecond(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    return LocalDate.parse(iso).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
                } catch (DateTimeParseException notADate) {
                    throw at("timestamp '" + text + "' is neither ISO-8601 (2026-11-24T10:00:00Z, "
                            + "2026-11-24T11:00:00+01:00, 2026-11-24 10:00:00 as UTC) nor epoch seconds");
                }
            }
        }
    }

    private double number(String text) {
        if (!NUMBER.matcher(text).matches()) {
            throw at("value '" + text + "' is not a number; write it as 0.05, 412 or 1.2e3");
        }
        return Double.parseDouble(text);
    }

    private long count(String text) {
        if (!WHOLE.matcher(text).matches()) {
            throw at("count '" + text + "' is not a whole number of " + countMeaning(kind));
        }
        if (text.startsWith("-")) {
            throw at("count " + text + " is negative: it is the number of " + countMeaning(kind) + " in the window");
        }
        return Long.parseLong(text.indexOf('.') < 0 ? text : text.substring(0, text.indexOf('.')));
    }

    private String[] headerOrder() {
        String[] names = new String[columns];
        names[timestampColumn] = "timestamp";
        names[valueColumn] = "value";
        if (countColumn >= 0) {
            names[countColumn] = "count";
        }
        return names;
    }

    private int unique(int seen, int index, String name) {
        if (seen >= 0) {
            throw at("the header names the column " + name + " twice");
        }
        return index;
    }

    private IllegalArgumentException badHeader(String header, String why) {
        return at("the first line must be the header " + HEADER + " (columns in any order), got '" + header.strip()
                + "': " + why);
    }

    /** The next line that is not blank, with a byte-order mark dropped; null at the end. */
    private String nextLine() throws IOException {
        while (true) {
            String text;
            try {
                text = in.readLine();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException(file + " line " + (line + 1) + " is not UTF-8 text; save the file as UTF-8");
            }
            if (text == null) {
                return null;
            }
            line++;
            if (line == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (!text.isBlank()) {
                return text;
            }
        }
    }

    /** Comma-separated fields, trimmed, each without one pair of surrounding double quotes. */
    private static String[] fields(String text) {
        String[] f = text.split(",", -1);
        for (int i = 0; i < f.length; i++) {
            String s = f[i].strip();
            if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
                s = s.substring(1, s.length() - 1).strip();
            }
            f[i] = s;
        }
        return f;
    }

    private IllegalArgumentException at(String problem) {
        return new IllegalArgumentException(file + " line " + line + ": " + problem);
    }
}
