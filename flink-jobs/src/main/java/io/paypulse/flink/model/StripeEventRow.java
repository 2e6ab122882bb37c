package io.paypulse.flink.model;

import java.time.Instant;
import java.util.List;

/**
 * A row of ClickHouse table {@code stripe_events} (migration V001): one deduplicated event, its
 * payload redacted under the configured policy.
 *
 * @param created          epoch seconds ({@code DateTime})
 * @param receivedAtMillis epoch milliseconds ({@code DateTime64(3)})
 * @param version          replacement version; 0, see V001
 */
public record StripeEventRow(
        String eventId,
        String type,
        long created,
        String apiVersion,
        String account,
        boolean livemode,
        long receivedAtMillis,
        String bridgeInstance,
        String payload,
        long version) {

    /** The ClickHouse table these rows go to (schemas/clickhouse/migrations). */
    public static final String TABLE = "stripe_events";

    /** Column names of {@code stripe_events} in the order of the record components. */
    public static final List<String> COLUMNS = List.of("event_id", "type", "created", "api_version", "account",
            "livemode", "received_at", "bridge_instance", "payload", "version");

    /** Values for {@link #COLUMNS} in the Java types the ClickHouse sink writes (DateTime as {@link Instant}). */
    public Object[] toColumnValues() {
        return new Object[] {eventId, type, Instant.ofEpochSecond(created), apiVersion, account, livemode,
                Instant.ofEpochMilli(receivedAtMillis), bridgeInstance, payload, version};
    }
}
