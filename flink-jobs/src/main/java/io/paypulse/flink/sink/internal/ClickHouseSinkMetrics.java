package io.paypulse.flink.sink.internal;

import java.util.function.IntSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/** The sink writer's metrics, registered in its metric group; names are listed on {@code ClickHouseSink}. */
final class ClickHouseSinkMetrics {

    static final String ROWS_SENT = "clickhouseRowsSent";
    static final String ROWS_DROPPED = "clickhouseRowsDropped";
    static final String BATCHES_SENT = "clickhouseBatchesSent";
    static final String RETRIES = "clickhouseRetries";
    static final String FAILED_ATTEMPTS = "clickhouseFailedAttempts";
    static final String BATCH_WRITE_MS = "clickhouseBatchWriteMs";
    static final String LAST_BATCH_WRITE_MS = "clickhouseLastBatchWriteMs";
    static final String BUFFERED_ROWS = "clickhouseBufferedRows";

    private final Counter rowsSent;
    private final Counter rowsDropped;
    private final Counter batchesSent;
    private final Counter retries;
    private final Counter failedAttempts;
    private final Histogram batchWriteMs;
    private final Counter standardRecordsSent;
    private final Counter standardRecordErrors;
    private volatile long lastBatchWriteMs;

    ClickHouseSinkMetrics(SinkWriterMetricGroup group, IntSupplier bufferedRows) {
        rowsSent = group.counter(ROWS_SENT);
        rowsDropped = group.counter(ROWS_DROPPED);
        batchesSent = group.counter(BATCHES_SENT);
        retries = group.counter(RETRIES);
        failedAttempts = group.counter(FAILED_ATTEMPTS);
        batchWriteMs = group.histogram(BATCH_WRITE_MS, new DescriptiveStatisticsHistogram(500));
        group.gauge(LAST_BATCH_WRITE_MS, (Gauge<Long>) () -> lastBatchWriteMs);
        // Read on the metric reporter's thread: a slightly stale size is fine for a gauge.
        group.gauge(BUFFERED_ROWS, (Gauge<Integer>) bufferedRows::getAsInt);
        standardRecordsSent = group.getNumRecordsSendCounter();
        standardRecordErrors = group.getNumRecordsOutErrorsCounter();
        group.setCurrentSendTimeGauge(() -> lastBatchWriteMs);
    }

    void batchWritten(int rows, long elapsedMs) {
        rowsSent.inc(rows);
        standardRecordsSent.inc(rows);
        batchesSent.inc();
        batchWriteMs.update(elapsedMs);
        lastBatchWriteMs = elapsedMs;
    }

    void rowDropped() {
        rowsDropped.inc();
        standardRecordErrors.inc();
    }

    long rowsDropped() {
        return rowsDropped.getCount();
    }

    void failedAttempt() {
        failedAttempts.inc();
    }

    void retry() {
        retries.inc();
    }
}
