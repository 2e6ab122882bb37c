package io.paypulse.flink.sink.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The rows a writer holds until its next insert, and when that insert is due: once the batch is
 * full, or once its oldest row has waited the flush interval. Times are passed in, so the policy is
 * tested without a clock.
 */
final class RowBatch {

    private final int maxRows;
    private final long flushIntervalMs;
    private final List<Object[]> rows;
    private long firstRowAtMs;

    RowBatch(int maxRows, long flushIntervalMs) {
        this.maxRows = maxRows;
        this.flushIntervalMs = flushIntervalMs;
        this.rows = new ArrayList<>(Math.min(maxRows, 10_000));
    }

    void add(Object[] row, long nowMs) {
        if (rows.isEmpty()) {
            firstRowAtMs = nowMs;
        }
        rows.add(row);
    }

    boolean isDue(long nowMs) {
        return rows.size() >= maxRows || (!rows.isEmpty() && nowMs >= deadlineMs());
    }

    /** When the oldest row has waited the flush interval; {@link Long#MAX_VALUE} while empty. */
    long deadlineMs() {
        return rows.isEmpty() ? Long.MAX_VALUE : firstRowAtMs + flushIntervalMs;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    int size() {
        return rows.size();
    }

    /** The rows in arrival order; a retry sends them in the same order, so ClickHouse sees the same block. */
    List<Object[]> rows() {
        return Collections.unmodifiableList(rows);
    }

    void clear() {
        rows.clear();
    }
}
