package io.paypulse.flink.model;

import java.time.Instant;
import java.util.List;

/**
 * Webhook delivery latency (bridge {@code received_at} minus Stripe {@code created}) of one one-minute
 * window, over all events ({@code dimensionSet = "all"}, {@code eventType = ""}) or per event type
 * ({@code dimensionSet = "event_type"}); a row of ClickHouse table {@code webhook_latency_1m}.
 * Quantiles come from a DDSketch and are within 1% of the true value; count, sum, min and max are
 * exact. {@code sketch} is the Base64 DDSketch, mergeable across windows.
 *
 * @param windowStart epoch seconds
 * @param version     {@code events}, growing with late events, the same on every replay
 */
public record WebhookLatencyWindow(
        long windowStart,
        String dimensionSet,
        String eventType,
        long events,
        long sumMs,
        long minMs,
        long maxMs,
        double p50Ms,
        double p90Ms,
        double p99Ms,
        String sketch,
        long version) {

    public static final String DIMENSION_SET_EVENT_TYPE = "event_type";

    /** The ClickHouse table these rows go to (schemas/clickhouse/migrations). */
    public static final String TABLE = "webhook_latency_1m";

    /** Column names of {@code webhook_latency_1m}, in the order of the record components. */
    public static final List<String> COLUMNS = List.of("window_start", "dimension_set", "event_type", "events",
            "sum_ms", "min_ms", "max_ms", "p50_ms", "p90_ms", "p99_ms", "sketch", "version");

    public double meanMs() {
        return events == 0 ? 0.0 : (double) sumMs / events;
    }

    /** Values for {@link #COLUMNS} in the Java types the ClickHouse sink writes (DateTime as {@link Instant}). */
    public Object[] toColumnValues() {
        return new Object[] {Instant.ofEpochSecond(windowStart), dimensionSet, eventType, events, sumMs, minMs, maxMs,
                p50Ms, p90Ms, p99Ms, sketch, version};
    }
}
