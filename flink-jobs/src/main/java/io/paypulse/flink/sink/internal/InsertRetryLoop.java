package io.paypulse.flink.sink.internal;

import io.paypulse.flink.sink.ClickHouseSinkException;
import java.nio.channels.ClosedByInterruptException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts one batch until it is in ClickHouse: retriable failures are retried with the same rows
 * after a backoff, blocking the caller (the task thread, hence backpressure); anything else becomes
 * a {@link ClickHouseSinkException}. It never returns without the batch written.
 */
final class InsertRetryLoop {

    private static final Logger LOG = LoggerFactory.getLogger(InsertRetryLoop.class);

    /** Blocks for a backoff; the task thread's interrupt (job cancellation) must end it. */
    interface Sleeper {
        void sleep(long ms) throws InterruptedException;
    }

    private final String table;
    private final RetryBackoff backoff;
    private final long retryTimeoutMs;
    private final ClickHouseSinkMetrics metrics;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;

    InsertRetryLoop(ClickHouseSinkSettings settings, ClickHouseSinkMetrics metrics) {
        this(settings.qualifiedTable(),
                new RetryBackoff(settings.initialRetryBackoffMs(), settings.maxRetryBackoffMs()),
                settings.retryTimeoutMs(), metrics, System::nanoTime, Thread::sleep);
    }

    InsertRetryLoop(String table, RetryBackoff backoff, long retryTimeoutMs, ClickHouseSinkMetrics metrics,
            LongSupplier nanoClock, Sleeper sleeper) {
        this.table = table;
        this.backoff = backoff;
        this.retryTimeoutMs = retryTimeoutMs;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    void insert(List<Object[]> rows, BatchInsert target) throws ClickHouseSinkException, InterruptedException {
        long started = nanoClock.getAsLong();
        for (int attempt = 1; ; attempt++) {
            try {
                target.insert(rows);
                long elapsedMs = TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - started);
                metrics.batchWritten(rows.size(), elapsedMs);
                if (attempt > 1) {
                    LOG.info("event=clickhouse_insert_recovered table={} attempts={} rows={} elapsed_ms={}",
                            table, attempt, rows.size(), elapsedMs);
                }
                return;
            } catch (Exception e) {
                if (wasInterrupted(e)) {
                    target.discardConnection();
                    InterruptedException interrupted = new InterruptedException("interrupted while inserting into "
                            + table + "; the batch will be replayed from the last checkpoint");
                    interrupted.initCause(e);
                    throw interrupted;
                }
                metrics.failedAttempt();
                InsertFailure failure = InsertFailure.classify(e);
                if (!failure.retriable()) {
                    throw ClickHouseFailures.notRetriable(table, rows.size(), failure, e);
                }
                target.discardConnection();
                long failingForMs = TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - started);
                if (retryTimeoutMs > 0 && failingForMs >= retryTimeoutMs) {
                    throw ClickHouseFailures.retriesExhausted(table, rows.size(), attempt, failingForMs, failure, e);
                }
                long backoffMs = backoff.delayMs(attempt);
                if (retryTimeoutMs > 0) {
                    backoffMs = Math.max(1, Math.min(backoffMs, retryTimeoutMs - failingForMs));
                }
                metrics.retry();
                LOG.warn("event=clickhouse_insert_retry table={} attempt={} backoff_ms={} rows={} error_class={} "
                                + "error_code={} error_name={} http_status={}",
                        table, attempt, backoffMs, rows.size(), failure.errorClass(), failure.errorCode(),
                        failure.errorName() == null ? "-" : failure.errorName(), failure.httpStatus());
                sleeper.sleep(backoffMs);
            }
        }
    }

    // Cancellation interrupts the task thread; the driver may report that as a failed request, which
    // must end the loop rather than be retried. An interrupt it swallowed still ends it at the next sleep.
    private static boolean wasInterrupted(Throwable e) {
        return Thread.currentThread().isInterrupted()
                || InsertFailure.find(e, InterruptedException.class) != null
                || InsertFailure.find(e, ClosedByInterruptException.class) != null;
    }
}
