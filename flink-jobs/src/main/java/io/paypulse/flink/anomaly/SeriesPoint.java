package io.paypulse.flink.anomaly;

/**
 * One window of one series, as a detector sees it: a metric (decline rate, webhook p99, ...) at one set
 * of dimension values, in one one-minute window.
 *
 * @param family       the incident family: anomalies that can share a cause are grouped within a family
 * @param metric       the metric's name, as in {@code anomalies.metric}
 * @param kind         the detector kind ({@link io.paypulse.detect.Kind} name)
 * @param dimensionSet grouped columns, comma-separated, or {@code all}
 * @param dimensions   the grouped values, {@code name=value} comma-separated in set order; empty for all
 * @param windowStart  epoch seconds
 * @param value        what the detector judges (a rate, milliseconds, events, seconds, payouts)
 * @param count        the volume behind {@code value} (attempts, events, payouts)
 */
public record SeriesPoint(
        String family,
        String metric,
        String kind,
        String dimensionSet,
        String dimensions,
        long windowStart,
        double value,
        long count) {

    /** Identifies the series across windows; the detector state is kept per id. */
    public String seriesId() {
        return metric + "|" + dimensions;
    }

    /** The same series in another window. */
    public SeriesPoint at(long otherWindowStart, double otherValue, long otherCount) {
        return new SeriesPoint(family, metric, kind, dimensionSet, dimensions, otherWindowStart, otherValue, otherCount);
    }
}
