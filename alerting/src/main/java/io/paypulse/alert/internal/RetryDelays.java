package io.paypulse.alert.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * How long to wait before a retry: exponential backoff with jitter, or what the server asked for in
 * {@code Retry-After}.
 */
public final class RetryDelays {

    /** A longer {@code Retry-After} is cut to this, so one odd header cannot stall the sender for hours. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private final Duration initial;
    private final Duration max;
    private final RandomGenerator random;

    public RetryDelays(Duration initial, Duration max, RandomGenerator random) {
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /**
     * The wait before retry number {@code retry} (1 for the first retry): {@code initial × 2^(retry-1)}, capped at the
     * maximum, then drawn uniformly from its upper half. The jitter keeps many senders from retrying in step; the
     * lower bound keeps every wait at least half the nominal backoff.
     */
    public Duration backoff(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry counts from 1, got " + retry);
        }
        long nominal = initial.toMillis();
        for (int i = 1; i < retry && nominal < max.toMillis(); i++) {
            nominal *= 2;
        }
        nominal = Math.min(nominal, max.toMillis());
        long half = nominal / 2;
        return Duration.ofMillis(half + random.nextLong(nominal - half + 1));
    }

    /**
     * Parses a {@code Retry-After} header: delay-seconds or an HTTP date. Empty when absent or unreadable; a date in
     * the past means zero; anything longer than {@link #MAX_RETRY_AFTER} is cut to it.
     */
    public static Optional<Duration> retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.strip();
        Duration wait;
        try {
            long seconds = Long.parseLong(value);
            if (seconds < 0) {
                return Optional.empty();
            }
            wait = seconds > MAX_RETRY_AFTER.toSeconds() ? MAX_RETRY_AFTER : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                wait = Duration.between(now, at);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
        if (wait.isNegative()) {
            wait = Duration.ZERO;
        }
        return Optional.of(wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait);
    }
}
