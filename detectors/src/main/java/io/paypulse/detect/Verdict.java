package io.paypulse.detect;

/**
 * A detector's judgement of one window.
 *
 * @param windowStart the observation's window start, epoch seconds
 * @param value       the observed value; for {@link Kind#FAILURES}, the failed payouts the score is about: the window's,
 *                    or those of the recent run of payouts the detector found stronger evidence in
 * @param count       the volume behind {@code value}: the window's count, or for {@link Kind#FAILURES} the payouts
 *                    among which those failures came
 * @param expected    the baseline for {@code value}, in its unit (for {@link Kind#FAILURES}: expected failures among
 *                    those payouts)
 * @param score       surprise in [0, 1]: {@code min(1, -log10(p) / 10)} where p is the chance of a departure this
 *                    large in a direction that pages, scaled to the series' windows per day; 0 when there is not
 *                    enough volume or the change is too small to matter
 * @param anomalous   warmed up and {@code score >= scoreThreshold}
 * @param direction   the side of the departure the score is about (or of value against expected when the score is 0)
 * @param warmedUp    whether the detector has seen enough windows to alert
 */
public record Verdict(long windowStart, double value, long count, double expected, double score,
                      boolean anomalous, Direction direction, boolean warmedUp) {
}
