package io.paypulse.flink.sink;

import io.paypulse.flink.HeldSource;
import io.paypulse.flink.JobCluster;
import io.paypulse.infra.Eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paypulse.infra.LocalClickHouse;
import io.paypulse.schemas.ClickHouseConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ClickHouse goes away in the middle of a running job and comes back: the writers retry and hold
 * the stream back meanwhile, and once the job ends every row is in the table. The server is this
 * test's own, because it stops it.
 */
class ClickHouseSinkOutageITCase {

    private static final String TABLE = "decline_rates_1m";
    private static final int ROWS = 1500;
    /** Rows the source emits before it holds the rest back until {@link #SECOND_HALF}. */
    private static final int FIRST_HALF = ROWS / 2;
    /** Rows generated so far, over both source subtasks (the MiniCluster runs them in this JVM). */
    private static final AtomicLong GENERATED = new AtomicLong();
    /** Completed by the test once ClickHouse is down (or hung): the rest of the rows meet the outage. */
    private static volatile CompletableFuture<Void> SECOND_HALF = new CompletableFuture<>();
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = JobCluster.reportingTo(METRICS);

    private LocalClickHouse clickHouse;
    private ClickHouseTestDatabase db;

    @BeforeEach
    void ownServer() throws Exception {
        GENERATED.set(0);
        SECOND_HALF = new CompletableFuture<>();
        clickHouse = LocalClickHouse.builder().build().start();
        db = ClickHouseTestDatabase.on(
                ClickHouseConfig.fromEnv(Map.of(ClickHouseConfig.ENV_URL, clickHouse.httpUrl())));
        db.createDeclineRatesTable(TABLE);
    }

    @AfterEach
    void stopServer() {
        // A test that failed before releasing the source must not leave its tasks waiting.
        SECOND_HALF.complete(null);
        // Closing the server deletes its data, the database included.
        if (clickHouse != null) {
            clickHouse.close();
        }
    }

    @Test
    void noRowIsLostWhileClickHouseIsDown() throws Exception {
        JobClient job = startJob(Duration.ofSeconds(60), "sink outlives a ClickHouse outage");
        JobID id = job.getJobID();
        awaitFirstHalf(id);

        clickHouse.stop();
        long stoppedAt = System.nanoTime();
        long rowsBeforeOutage = ReportedMetrics.counter(METRICS, id, "clickhouseRowsSent");
        SECOND_HALF.complete(null);
        // The server stays away for a few seconds and many retries, while the job stays up.
        Eventually.get(Duration.ofSeconds(30), () -> {
            assertTrue(ReportedMetrics.counter(METRICS, id, "clickhouseRetries") >= 10, "fewer than 10 retries so far");
            assertTrue(System.nanoTime() - stoppedAt >= TimeUnit.SECONDS.toNanos(3), "down for less than 3 s");
            return null;
        });
        assertEquals(JobStatus.RUNNING, job.getJobStatus().get(10, TimeUnit.SECONDS));
        assertEquals(FIRST_HALF, rowsBeforeOutage, "rows sent before the outage");
        assertEquals(FIRST_HALF, ReportedMetrics.counter(METRICS, id, "clickhouseRowsSent"),
                "rows sent while ClickHouse was down");
        clickHouse.start();

        job.getJobExecutionResult().get(90, TimeUnit.SECONDS);
        assertEquals(DeclineRateRow.first(ROWS), db.readFinal(TABLE));
        assertEquals(ROWS, ReportedMetrics.counter(METRICS, id, "clickhouseRowsSent"));
        assertTrue(ReportedMetrics.counter(METRICS, id, "clickhouseFailedAttempts") >= 10);
        assertEquals(0, ReportedMetrics.counter(METRICS, id, "clickhouseRowsDropped"));
    }

    @Test
    void noRowIsLostOrDoubledWhileClickHouseHangs() throws Exception {
        // A server that accepts connections and never answers (frozen, swapping, stuck on a lock) fails nothing
        // fast: only the insert's own timeout ends the wait. SIGSTOP plays it. An insert cut off that way may
        // still be applied once the server thaws, and is then sent again: FINAL must show each row once.
        JobClient job = startJob(Duration.ofSeconds(2), "sink outlives a hung ClickHouse");
        JobID id = job.getJobID();
        awaitFirstHalf(id);

        clickHouse.freeze();
        long rowsBeforeStall;
        try {
            rowsBeforeStall = ReportedMetrics.counter(METRICS, id, "clickhouseRowsSent");
            SECOND_HALF.complete(null);
            Eventually.get(Duration.ofSeconds(60), () -> {
                assertTrue(ReportedMetrics.counter(METRICS, id, "clickhouseFailedAttempts") >= 2,
                        "fewer than 2 inserts timed out so far");
                return null;
            });
            assertEquals(JobStatus.RUNNING, job.getJobStatus().get(10, TimeUnit.SECONDS));
        } finally {
            clickHouse.thaw();
        }
        assertEquals(FIRST_HALF, rowsBeforeStall, "rows sent before the stall");

        job.getJobExecutionResult().get(90, TimeUnit.SECONDS);
        assertEquals(DeclineRateRow.first(ROWS), db.readFinal(TABLE));
        assertEquals(ROWS, ReportedMetrics.counter(METRICS, id, "clickhouseRowsSent"));
        assertEquals(0, ReportedMetrics.counter(METRICS, id, "clickhouseRowsDropped"));
    }

    /**
     * {@link #ROWS} rows into the test's table: the first half at once, the second once the test completes
     * {@link #SECOND_HALF}, so that the outage falls in the middle of the stream. The held source tasks stay
     * idle meanwhile, not blocked: the writers chained to them flush on their timers.
     */
    private JobClient startJob(Duration requestTimeout, String name) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.fromSource(new HeldSource<>(new DataGeneratorSource<>(ClickHouseSinkOutageITCase::counted, ROWS,
                                TypeInformation.of(DeclineRateRow.class)), new HoldSecondHalf()),
                        WatermarkStrategy.noWatermarks(), "decline rate rows")
                .sinkTo(ClickHouseSink.<DeclineRateRow>builder()
                        .config(db.config())
                        .table(TABLE)
                        .columns(DeclineRateRow.COLUMNS)
                        .rowMapper(DeclineRateRow::toColumnValues)
                        .maxBatchRows(50)
                        .flushInterval(Duration.ofMillis(100))
                        .initialRetryBackoff(Duration.ofMillis(50))
                        .maxRetryBackoff(Duration.ofMillis(400))
                        .requestTimeout(requestTimeout)
                        .build())
                .name("ClickHouse " + TABLE);
        return env.executeAsync(name);
    }

    /** Row {@code index}, counted. */
    private static DeclineRateRow counted(long index) {
        GENERATED.incrementAndGet();
        return DeclineRateRow.of(index);
    }

    /** Both source subtasks together emit {@link #FIRST_HALF} rows, then hold until {@link #SECOND_HALF}. */
    private static final class HoldSecondHalf implements HeldSource.Gate {

        private static final long serialVersionUID = 1L;

        @Override
        public CompletableFuture<Void> opened() {
            return SECOND_HALF;
        }

        @Override
        public boolean holds(int subtask) {
            return GENERATED.get() >= FIRST_HALF;
        }

        @Override
        public boolean oneReaderAtATime() {
            return true;
        }
    }

    /** Waits until the sink has written the whole first half, and so everything the source has emitted. */
    private void awaitFirstHalf(JobID id) throws Exception {
        Eventually.get(Duration.ofSeconds(30), () -> {
            assertEquals(FIRST_HALF, ReportedMetrics.counter(METRICS, id, "clickhouseRowsSent"), "rows sent");
            assertEquals(FIRST_HALF, db.rawCount(TABLE), "rows in the table");
            return null;
        });
    }
}
