package io.paypulse.flink.model;

import java.time.Instant;
import java.util.List;

/**
 * One record of the bridge's dead-letter topic as a row of {@code dlq_events}: why the body was refused,
 * how large it was, and where it sits on the topic. The body itself is not copied (it may hold personal
 * data); partition and offset find it on the topic. They are also the row's key, so a replay rewrites it.
 *
 * @param receivedAtMillis bridge clock at receipt, epoch milliseconds
 * @param reason           the {@code paypulse.dlq.reason} header, e.g. {@code invalid_json}
 * @param sizeBytes        size of the body
 * @param bridgeInstance   the bridge instance that received it
 * @param partition        partition of the DLQ topic
 * @param offset           offset in that partition
 */
public record DlqEventRow(long receivedAtMillis, String reason, int sizeBytes, String bridgeInstance, int partition,
                          long offset) {

    /** The ClickHouse table these rows go to (schemas/clickhouse/migrations/V005). */
    public static final String TABLE = "dlq_events";

    /** Column names of {@code dlq_events}, in the order of the record components. */
    public static final List<String> COLUMNS =
            List.of("received_at", "reason", "size_bytes", "bridge_instance", "partition", "offset");

    /** Values for {@link #COLUMNS} in the Java types the ClickHouse sink writes. */
    public Object[] toColumnValues() {
        return new Object[] {Instant.ofEpochMilli(receivedAtMillis), reason, sizeBytes, bridgeInstance, partition, offset};
    }
}
