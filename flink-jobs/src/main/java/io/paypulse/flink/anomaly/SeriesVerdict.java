package io.paypulse.flink.anomaly;

/**
 * A detector's judgement of one {@link SeriesPoint}.
 *
 * @param expected  what the series' baseline expected
 * @param score     in [0,1]
 * @param anomalous whether the detector flags this window
 * @param direction {@code UP}, {@code DOWN} or {@code NONE}
 */
public record SeriesVerdict(SeriesPoint point, double expected, double score, boolean anomalous, String direction) {
}
