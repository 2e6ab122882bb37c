package io.paypulse.simulator;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in scenario files and flags: {@code 700ms}, {@code 90s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601. */
public final class SimDurations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");
    private static final Pattern SHORT = Pattern.compile("-?(?:\\d+(?:\\.\\d+)?\\s*(?:ms|s|m|h|d)\\s*)+");

    private SimDurations() {
    }

    /** Parses {@code text}; the exception's message says what is wrong and how to write it, without naming a field. */
    public static Duration parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (SHORT.matcher(value).matches()) {
                double millis = 0;
                Matcher m = PART.matcher(value);
                while (m.find()) {
                    double n = Double.parseDouble(m.group(1));
                    millis += switch (m.group(2)) {
                        case "ms" -> n;
                        case "s" -> n * 1_000;
                        case "m" -> n * 60_000;
                        case "h" -> n * 3_600_000;
                        default -> n * 86_400_000;
                    };
                }
                return Duration.ofMillis(Math.round(value.startsWith("-") ? -millis : millis));
            }
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 700ms, 90s, 5m, 2h30m, 1d or PT1H", e);
        }
    }

    /** {@code 1d2h}, {@code 5m}, {@code 90s}, {@code 700ms}: short and exact, for progress lines. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        StringBuilder out = new StringBuilder();
        if (s < 0) {
            out.append('-');
            s = -s;
        }
        long days = s / 86_400;
        long hours = s % 86_400 / 3600;
        long minutes = s % 3600 / 60;
        long seconds = s % 60;
        if (days > 0) {
            out.append(days).append('d');
        }
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(minutes).append('m');
        }
        if (seconds > 0) {
            out.append(seconds).append('s');
        }
        return out.toString();
    }
}
