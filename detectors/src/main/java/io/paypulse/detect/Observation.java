package io.paypulse.detect;

/**
 * One window of one series, as fed to a {@link Detector}.
 *
 * @param windowStart epoch seconds of the window's start
 * @param value       the window's value; its unit depends on the {@link Kind}
 * @param count       the events behind the value (attempts, events, paid payouts, payouts)
 */
public record Observation(long windowStart, double value, long count) {
}
