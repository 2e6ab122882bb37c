package io.paypulse.flink.sink.internal;

import io.paypulse.flink.sink.ClickHouseRowMapper;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subtask's writer: maps each element to a row at once (so Flink's object reuse cannot change a
 * buffered element), buffers rows, and inserts the batch when it is full, when its oldest row has
 * waited the flush interval, and whenever Flink flushes before a checkpoint or at the end of input.
 * Everything, timer callbacks included, runs on the task's mailbox thread.
 */
public final class ClickHouseSinkWriter<T> implements SinkWriter<T> {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSinkWriter.class);
    private static final long DROP_LOG_INTERVAL_MS = 10_000;

    private final ClickHouseSinkSettings settings;
    private final ClickHouseRowMapper<T> rowMapper;
    private final ProcessingTimeService time;
    private final RowBatch batch;
    private final ClickHouseSinkMetrics metrics;
    private final InsertRetryLoop retryLoop;
    private final RowBinaryBatchInsert insert;
    private ScheduledFuture<?> flushTimer;
    private long lastDropLogAtMs = Long.MIN_VALUE;
    private boolean closed;

    /** Does no I/O: the connection opens at the first insert. */
    public ClickHouseSinkWriter(ClickHouseSinkSettings settings, ClickHouseRowMapper<T> rowMapper,
            WriterInitContext context) {
        this.settings = settings;
        this.rowMapper = rowMapper;
        this.time = context.getProcessingTimeService();
        this.batch = new RowBatch(settings.maxBatchRows(), settings.flushIntervalMs());
        this.metrics = new ClickHouseSinkMetrics(context.metricGroup(), batch::size);
        this.retryLoop = new InsertRetryLoop(settings, metrics);
        this.insert = new RowBinaryBatchInsert(settings);
        LOG.info("event=clickhouse_sink_writer_opened table={} subtask={} url={} max_batch_rows={} "
                        + "flush_interval_ms={} max_retry_backoff_ms={} retry_timeout_ms={}",
                settings.qualifiedTable(), context.getTaskInfo().getIndexOfThisSubtask(), settings.url(),
                settings.maxBatchRows(), settings.flushIntervalMs(), settings.maxRetryBackoffMs(),
                settings.retryTimeoutMs());
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        Object[] row = toRow(element);
        long now = time.getCurrentProcessingTime();
        if (row != null) {
            batch.add(row, now);
        }
        if (batch.isDue(now)) {
            insertBatch();
        } else if (!batch.isEmpty() && flushTimer == null) {
            flushTimer = time.registerTimer(batch.deadlineMs(), this::onFlushTimer);
        }
    }

    /** Called by Flink before each checkpoint barrier and at the end of input: the checkpoint waits for the insert. */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        insertBatch();
    }

    @Override
    public void close() throws Exception {
        closed = true;
        if (flushTimer != null) {
            flushTimer.cancel(false);
            flushTimer = null;
        }
        // Rows still buffered are not written: without a final flush(), Flink is failing or
        // cancelling the job, and they are replayed from the last checkpoint.
        insert.close();
    }

    // A quiet stream still gets its rows out within the flush interval.
    private void onFlushTimer(long timestamp) throws IOException, InterruptedException {
        flushTimer = null;
        if (closed) {
            return;
        }
        if (batch.isDue(time.getCurrentProcessingTime())) {
            insertBatch();
        } else if (!batch.isEmpty()) {
            // The batch this timer was set for went out earlier; the current one has a later deadline.
            flushTimer = time.registerTimer(batch.deadlineMs(), this::onFlushTimer);
        }
    }

    private void insertBatch() throws IOException, InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        retryLoop.insert(batch.rows(), insert);
        batch.clear();
    }

    private Object[] toRow(T element) throws IOException, InterruptedException {
        Object[] row;
        try {
            row = rowMapper.toColumnValues(element);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            dropped(e);
            return null;
        }
        if (row == null) {
            throw ClickHouseFailures.rowMapperReturnedNull(settings.qualifiedTable());
        }
        if (row.length != settings.columns().size()) {
            throw ClickHouseFailures.rowMapperArity(settings.qualifiedTable(), settings.columns(), row.length);
        }
        return row;
    }

    private void dropped(Exception e) {
        metrics.rowDropped();
        long now = time.getCurrentProcessingTime();
        // Counted every time, logged at most every few seconds: one bad upstream field can hit every element.
        if (lastDropLogAtMs == Long.MIN_VALUE || now - lastDropLogAtMs >= DROP_LOG_INTERVAL_MS) {
            lastDropLogAtMs = now;
            LOG.warn("event=clickhouse_row_dropped table={} reason=row_mapper_failed error_class={} dropped_total={} "
                            + "next_log_after_ms={}",
                    settings.qualifiedTable(), e.getClass().getName(), metrics.rowsDropped(), DROP_LOG_INTERVAL_MS);
        }
    }
}
