package io.paypulse.flink.model;

import java.time.Instant;
import java.util.List;

/**
 * A row of ClickHouse table {@code stripe_events} (migration V001): one deduplicated event, its
 * payload redacted under the configured policy.
 *
 * @param created          epoch seconds ({@code DateTime})
 * @param receivedAtMillis epoch milliseconds ({@code DateTime64(3)})
 * @param version          replacement version, {@link #firstDeliveryWins}: the earliest delivery of an event wins
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

    /**
     * The version of a row received at {@code receivedAtMillis}: the earlier the delivery, the higher the
     * version, so that {@code ReplacingMergeTree(version)} keeps an event's first delivery. Within 72 hours
     * the job drops redeliveries itself; after that (a "Resend" from Stripe's dashboard days later) the new
     * copy would otherwise replace the first, and the event's latency ({@code received_at - created}) would
     * read as days. A replay of the same delivery has the same version and writes the same row.
     */
    public static long firstDeliveryWins(long receivedAtMillis) {
        return Long.MAX_VALUE - Math.max(0L, receivedAtMillis);
    }

    /** The row of {@code event}, stored as {@code type} with {@code payload}, its first delivery winning. */
    public static StripeEventRow of(StripeEvent event, String type, String payload) {
        return new StripeEventRow(event.eventId(), type, event.created(), event.apiVersion(), event.account(),
                event.livemode(), event.receivedAtMillis(), event.bridgeInstance(), payload,
                firstDeliveryWins(event.receivedAtMillis()));
    }

    /** Values for {@link #COLUMNS} in the Java types the ClickHouse sink writes (DateTime as {@link Instant}). */
    public Object[] toColumnValues() {
        return new Object[] {eventId, type, Instant.ofEpochSecond(created), apiVersion, account, livemode,
                Instant.ofEpochMilli(receivedAtMillis), bridgeInstance, payload, version};
    }
}
