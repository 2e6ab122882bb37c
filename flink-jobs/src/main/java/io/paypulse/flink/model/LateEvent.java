package io.paypulse.flink.model;

import java.time.Instant;
import java.util.List;

/**
 * An event that arrived after its window had been closed for good (later than the allowed
 * lateness). It is still stored raw and as a payment attempt, but no metric window counts it; this
 * row (table {@code late_events}) says so, so nothing is dropped silently.
 *
 * @param created          epoch seconds
 * @param receivedAtMillis epoch milliseconds
 * @param windowStart      epoch seconds of the one-minute window the event belonged to
 * @param windowEnd        epoch seconds, exclusive
 * @param watermarkMillis  the event-time watermark when the event was turned away
 * @param reason           why: {@link #REASON_BEYOND_ALLOWED_LATENESS}
 */
public record LateEvent(
        String eventId,
        String type,
        long created,
        long receivedAtMillis,
        long windowStart,
        long windowEnd,
        long watermarkMillis,
        String reason) {

    public static final String REASON_BEYOND_ALLOWED_LATENESS = "beyond_allowed_lateness";

    /** The ClickHouse table these rows go to (schemas/clickhouse/migrations). */
    public static final String TABLE = "late_events";

    /** Column names of {@code late_events}, in the order of the record components. */
    public static final List<String> COLUMNS = List.of("event_id", "type", "created", "received_at",
            "window_start", "window_end", "watermark", "reason");

    /** Values for {@link #COLUMNS} in the Java types the ClickHouse sink writes (DateTime as {@link Instant}). */
    public Object[] toColumnValues() {
        return new Object[] {eventId, type, Instant.ofEpochSecond(created), Instant.ofEpochMilli(receivedAtMillis),
                Instant.ofEpochSecond(windowStart), Instant.ofEpochSecond(windowEnd), Instant.ofEpochMilli(watermarkMillis),
                reason};
    }
}
