package io.paypulse.flink.sink.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.clickhouse.client.api.ConnectionInitiationException;
import com.clickhouse.client.api.ServerException;
import io.paypulse.flink.sink.ClickHouseSinkException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/**
 * The retry schedule of one batch, on a clock the test controls: the target below replays failures
 * in the shape a stopped ClickHouse and a missing table produce (see {@link InsertFailureTest}).
 * That the loop really waits out an outage of a real server is shown by {@code ClickHouseSinkOutageITCase}.
 */
class InsertRetryLoopTest {

    private static final String TABLE = "paypulse.decline_rates_1m";
    private static final List<Object[]> ROWS = List.of(new Object[] {1L}, new Object[] {2L});

    private long nowNanos;
    private final List<Long> sleptMs = new ArrayList<>();

    private InsertRetryLoop loop(long retryTimeoutMs) {
        ClickHouseSinkMetrics metrics =
                new ClickHouseSinkMetrics(UnregisteredMetricsGroup.createSinkWriterMetricGroup(), () -> 0);
        return new InsertRetryLoop(TABLE, new RetryBackoff(100, 1000, () -> 0.0), retryTimeoutMs, metrics,
                () -> nowNanos, ms -> {
                    sleptMs.add(ms);
                    nowNanos += TimeUnit.MILLISECONDS.toNanos(ms);
                });
    }

    private static SQLException refused() {
        return new SQLException("Query request failed", "08000",
                new ConnectionInitiationException("Query request failed", new ConnectException("Connection refused")));
    }

    @Test
    void retriesTheSameRowsOnNewConnectionsUntilTheyAreWritten() throws Exception {
        ScriptedTarget target = new ScriptedTarget(refused(), refused(), refused(), null);

        loop(0).insert(ROWS, target);

        assertEquals(List.of(50L, 100L, 200L), sleptMs);
        assertEquals(4, target.batches.size());
        target.batches.forEach(batch -> assertSame(ROWS, batch));
        assertEquals(3, target.discarded);
    }

    @Test
    void failsAtOnceWhenRetryingCannotHelp() {
        String message = "Code: 60. DB::Exception: Table paypulse.decline_rates_1m does not exist. (UNKNOWN_TABLE) "
                + "(version 26.7.2.1)";
        SQLException missing = new SQLException(message, "22000", 60, new ServerException(60, message, 404, "q"));
        ScriptedTarget target = new ScriptedTarget(missing);

        ClickHouseSinkException e = assertThrows(ClickHouseSinkException.class, () -> loop(0).insert(ROWS, target));

        assertEquals("ClickHouse refused the insert of 2 rows into paypulse.decline_rates_1m with code 60 "
                + "(UNKNOWN_TABLE, HTTP 404), which retrying cannot fix: create the table by applying the ClickHouse "
                + "migrations to this server (./paypulse migrate), or correct the table name or CLICKHOUSE_DATABASE. "
                + "ClickHouse's or the driver's message is in the cause.", e.getMessage());
        assertEquals(TABLE, e.table());
        assertEquals(60, e.errorCode());
        assertEquals("UNKNOWN_TABLE", e.errorName());
        assertSame(missing, e.getCause());
        assertEquals(List.of(), sleptMs);
    }

    @Test
    void givesUpAfterTheRetryTimeoutSoTheJobRestartsFromItsCheckpoint() {
        ScriptedTarget target = new ScriptedTarget(refused(), refused(), refused(), refused(), refused(), refused());

        ClickHouseSinkException e = assertThrows(ClickHouseSinkException.class, () -> loop(500).insert(ROWS, target));

        // 50 + 100 + 200, then the last wait is cut to the 150 ms left.
        assertEquals(List.of(50L, 100L, 200L, 150L), sleptMs);
        assertEquals("Inserting 2 rows into paypulse.decline_rates_1m still failed after 5 attempts over 500 ms "
                + "(last: ConnectException), so the sink gives up as its retryTimeout says. The job restarts from its "
                + "last checkpoint and replays these rows; raise retryTimeout to wait longer for ClickHouse.",
                e.getMessage());
    }

    @Test
    void cancellationEndsTheWait() {
        ScriptedTarget target = new ScriptedTarget(refused(), null);
        ClickHouseSinkMetrics metrics =
                new ClickHouseSinkMetrics(UnregisteredMetricsGroup.createSinkWriterMetricGroup(), () -> 0);
        InsertRetryLoop loop = new InsertRetryLoop(TABLE, new RetryBackoff(100, 1000), 0, metrics, System::nanoTime,
                ms -> {
                    throw new InterruptedException("cancelled");
                });

        assertThrows(InterruptedException.class, () -> loop.insert(ROWS, target));
        assertEquals(1, target.batches.size());
    }

    /** Fails with the given exceptions in turn; {@code null} means the insert succeeds. */
    private static final class ScriptedTarget implements BatchInsert {
        private final Deque<SQLException> outcomes = new ArrayDeque<>();
        private final List<Boolean> succeedAt = new ArrayList<>();
        final List<List<Object[]>> batches = new ArrayList<>();
        int discarded;

        ScriptedTarget(SQLException... outcomes) {
            for (SQLException outcome : outcomes) {
                succeedAt.add(outcome == null);
                if (outcome != null) {
                    this.outcomes.add(outcome);
                }
            }
        }

        @Override
        public void insert(List<Object[]> rows) throws SQLException {
            int attempt = batches.size();
            batches.add(rows);
            if (attempt >= succeedAt.size() || !succeedAt.get(attempt)) {
                throw outcomes.isEmpty() ? new SQLException("script exhausted") : outcomes.poll();
            }
        }

        @Override
        public void discardConnection() {
            discarded++;
        }
    }
}
