package io.paypulse.flink.anomaly;

/**
 * A detector's judgement of one {@link SeriesPoint}.
 *
 * @param value     what the judgement is about: the point's value, or for payout failures the failed payouts of
 *                  the recent run of payouts the detector found the strongest evidence in
 * @param count     the volume behind {@code value}: the point's count, or the payouts of that run
 * @param expected  what the series' baseline expected of {@code value}
 * @param score     in [0,1]
 * @param anomalous whether the detector flags this window
 * @param direction {@code UP}, {@code DOWN} or {@code NONE}
 */
public record SeriesVerdict(SeriesPoint point, double value, long count, double expected, double score,
                            boolean anomalous, String direction) {

    /** A judgement about the point's own value and count. */
    public SeriesVerdict(SeriesPoint point, double expected, double score, boolean anomalous, String direction) {
        this(point, point.value(), point.count(), expected, score, anomalous, direction);
    }

    /**
     * {@link #value}, or the point's when the verdict has none: a verdict held in state by a job from before these
     * fields existed comes back with 0 and 0, and a run of payouts behind a judgement always has a payout.
     */
    double observed() {
        return value == 0 && count == 0 ? point.value() : value;
    }

    /** {@link #count}, or the point's, as {@link #observed}. */
    long volume() {
        return value == 0 && count == 0 ? point.count() : count;
    }
}
