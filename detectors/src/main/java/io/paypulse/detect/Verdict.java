package io.paypulse.detect;

/**
 * A detector's judgement of one window.
 *
 * @param windowStart the observation's window start, epoch seconds
 * @param value       the observed value
 * @param expected    the baseline for this window, in the value's unit (for {@link Kind#FAILURES}: expected failures)
 * @param score       surprise in [0, 1]: {@code min(1, -log10(p) / 10)} where p is the chance of a departure this
 *                    large in a direction that pages, scaled to the series' windows per day; 0 when there is not
 *                    enough volume or the change is too small to matter
 * @param anomalous   warmed up and {@code score >= scoreThreshold}
 * @param direction   the side of the departure the score is about (or of value against expected when the score is 0)
 * @param warmedUp    whether the detector has seen enough windows to alert
 */
public record Verdict(long windowStart, double value, double expected, double score,
                      boolean anomalous, Direction direction, boolean warmedUp) {
}
