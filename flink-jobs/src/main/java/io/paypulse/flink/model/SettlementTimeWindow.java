package io.paypulse.flink.model;

import java.time.Instant;
import java.util.List;

/**
 * Payout settlement times of one one-minute window (by the payout event's {@code created}), over all
 * payouts ({@code dimensionSet = "all"}) or per currency and payout method
 * ({@code "currency,method"}); a row of ClickHouse table {@code settlement_times_1m}. Times are
 * {@code arrival_date - created} in seconds of paid payouts; failed payouts are only counted.
 *
 * @param windowStart epoch seconds
 * @param sketch      Base64 DDSketch of the paid payouts' settlement seconds
 * @param version     {@code payouts} (paid + failed), growing with late events
 */
public record SettlementTimeWindow(
        long windowStart,
        String dimensionSet,
        String currency,
        String method,
        long payouts,
        long paid,
        long failed,
        long sumSeconds,
        long maxSeconds,
        double p50Seconds,
        double p95Seconds,
        String sketch,
        long version) {

    public static final String DIMENSION_SET_CURRENCY_METHOD = "currency,method";

    /** The ClickHouse table these rows go to (schemas/clickhouse/migrations). */
    public static final String TABLE = "settlement_times_1m";

    /** Column names of {@code settlement_times_1m}, in the order of the record components. */
    public static final List<String> COLUMNS = List.of("window_start", "dimension_set", "currency", "method",
            "payouts", "paid", "failed", "sum_seconds", "max_seconds", "p50_seconds", "p95_seconds", "sketch",
            "version");

    /** Mean settlement time of paid payouts, seconds. */
    public double meanSeconds() {
        return paid == 0 ? 0.0 : (double) sumSeconds / paid;
    }

    /** Values for {@link #COLUMNS} in the Java types the ClickHouse sink writes (DateTime as {@link Instant}). */
    public Object[] toColumnValues() {
        return new Object[] {Instant.ofEpochSecond(windowStart), dimensionSet, currency, method, payouts, paid, failed,
                sumSeconds, maxSeconds, p50Seconds, p95Seconds, sketch, version};
    }
}
