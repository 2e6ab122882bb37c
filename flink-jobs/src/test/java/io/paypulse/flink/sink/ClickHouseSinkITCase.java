package io.paypulse.flink.sink;

import io.paypulse.flink.JobCluster;
import io.paypulse.infra.Eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink in real Flink jobs on a MiniCluster, writing to a real ClickHouse, each test in a database of its own. */
class ClickHouseSinkITCase {

    private static final String TABLE = "decline_rates_1m";
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = JobCluster.reportingTo(METRICS);

    private ClickHouseTestDatabase db;

    @BeforeEach
    void ownDatabase() throws Exception {
        db = ClickHouseTestDatabase.onSharedServer();
        db.createDeclineRatesTable(TABLE);
    }

    @AfterEach
    void dropDatabase() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    private ClickHouseSink.Builder<DeclineRateRow> sink() {
        return ClickHouseSink.<DeclineRateRow>builder()
                .config(db.config())
                .table(TABLE)
                .columns(DeclineRateRow.COLUMNS)
                .rowMapper(DeclineRateRow::toColumnValues);
    }

    private static StreamExecutionEnvironment env(int parallelism) {
        Configuration conf = new Configuration();
        // A failing job must fail the test, not restart until the test times out.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        return env;
    }

    private static DataStream<DeclineRateRow> rows(StreamExecutionEnvironment env, long count) {
        return env.fromSource(new DataGeneratorSource<>(DeclineRateRow::of, count,
                TypeInformation.of(DeclineRateRow.class)), WatermarkStrategy.noWatermarks(), "decline rate rows");
    }

    @Test
    void aBoundedJobWritesEveryRowOnceWithItsExactValues() throws Exception {
        StreamExecutionEnvironment env = env(2);
        rows(env, 1000).sinkTo(sink().maxBatchRows(64).flushInterval(Duration.ofMillis(200)).build())
                .name("ClickHouse " + TABLE);

        JobExecutionResult result = env.execute("sink writes every row");

        assertEquals(DeclineRateRow.first(1000), db.readFinal(TABLE));
        // No retries happened, so no row was sent twice either.
        assertEquals(1000, db.rawCount(TABLE));
        JobID job = result.getJobID();
        assertEquals(1000, ReportedMetrics.counter(METRICS, job, "clickhouseRowsSent"));
        assertTrue(ReportedMetrics.counter(METRICS, job, "clickhouseBatchesSent") >= 1000 / 64);
        assertEquals(0, ReportedMetrics.counter(METRICS, job, "clickhouseRetries"));
        assertEquals(0, ReportedMetrics.counter(METRICS, job, "clickhouseRowsDropped"));
    }

    @Test
    void aCheckpointWritesTheRowsBufferedBeforeIt() throws Exception {
        StreamExecutionEnvironment env = env(1);
        env.enableCheckpointing(300);
        // The source never ends, so only a checkpoint can flush: the batch never fills, its interval is an hour.
        env.fromSource(new DataGeneratorSource<>(DeclineRateRow::of, Long.MAX_VALUE, RateLimiterStrategy.perSecond(500),
                        TypeInformation.of(DeclineRateRow.class)), WatermarkStrategy.noWatermarks(), "endless rows")
                .filter(row -> row.windowStart().isBefore(DeclineRateRow.windowStartOf(50)))
                .sinkTo(sink().maxBatchRows(1_000_000).flushInterval(Duration.ofHours(1)).build())
                .name("ClickHouse " + TABLE);

        JobClient job = env.executeAsync("checkpoint flushes the sink");
        try {
            Eventually.get(Duration.ofSeconds(30), () -> {
                assertEquals(DeclineRateRow.first(50), db.readFinal(TABLE));
                return null;
            });
            assertEquals(JobStatus.RUNNING, job.getJobStatus().get(10, TimeUnit.SECONDS));
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void writingTheSameRowsAgainLeavesTheSameTable() throws Exception {
        // No background merge may fold the copies together before the test has counted them.
        execute("SYSTEM STOP MERGES " + db.name() + "." + TABLE);
        // Two runs batch the rows differently, as a replay after a restart would.
        int runs = 0;
        for (int maxBatchRows : new int[] {7, 1000}) {
            StreamExecutionEnvironment env = env(2);
            rows(env, 300).sinkTo(sink().maxBatchRows(maxBatchRows).flushInterval(Duration.ofMillis(100)).build())
                    .name("ClickHouse " + TABLE);
            JobExecutionResult result = env.execute("replay with batches of " + maxBatchRows);
            runs++;
            assertEquals(300, ReportedMetrics.counter(METRICS, result.getJobID(), "clickhouseRowsSent"));
            assertEquals(0, ReportedMetrics.counter(METRICS, result.getJobID(), "clickhouseRetries"));
            // Each run wrote all 300 rows: the replay's are stored next to the first run's, not instead of them.
            assertEquals(300L * runs, db.rawCount(TABLE), "rows stored after run " + runs);
        }

        assertEquals(DeclineRateRow.first(300), db.readFinal(TABLE));
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = new com.clickhouse.jdbc.Driver().connect(db.config().jdbcUrl(), db.config().jdbcProperties());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void aMissingTableFailsTheJobWithAMessageNamingIt() {
        StreamExecutionEnvironment env = env(1);
        rows(env, 10).sinkTo(sink().table("no_such_table").maxBatchRows(1000).flushInterval(Duration.ofHours(1))
                .build()).name("ClickHouse no_such_table");

        Exception failure = assertThrows(Exception.class, () -> env.execute("missing table"));

        ClickHouseSinkException cause = ExceptionUtils.findThrowable(failure, ClickHouseSinkException.class)
                .orElseThrow(() -> new AssertionError("no ClickHouseSinkException in the job failure", failure));
        assertEquals(db.name() + ".no_such_table", cause.table());
        assertEquals(60, cause.errorCode());
        assertEquals("UNKNOWN_TABLE", cause.errorName());
        assertTrue(cause.getMessage().startsWith("ClickHouse refused the insert of 10 rows into " + db.name()
                + ".no_such_table with code 60 (UNKNOWN_TABLE"), cause.getMessage());
        assertTrue(cause.getMessage().contains("./paypulse migrate"), cause.getMessage());
    }

    @Test
    void aColumnTheTableDoesNotHaveFailsTheJobWithAMessageNamingIt() throws Exception {
        StreamExecutionEnvironment env = env(1);
        List<String> columns = new java.util.ArrayList<>(DeclineRateRow.COLUMNS);
        columns.set(3, "no_such_column");
        rows(env, 10).sinkTo(sink().columns(columns).maxBatchRows(1000).flushInterval(Duration.ofHours(1)).build())
                .name("ClickHouse " + TABLE);

        Exception failure = assertThrows(Exception.class, () -> env.execute("missing column"));

        ClickHouseSinkException cause = ExceptionUtils.findThrowable(failure, ClickHouseSinkException.class)
                .orElseThrow(() -> new AssertionError("no ClickHouseSinkException in the job failure", failure));
        assertEquals(db.name() + "." + TABLE, cause.table());
        assertEquals(47, cause.errorCode());
        assertEquals("UNKNOWN_IDENTIFIER", cause.errorName());
        assertTrue(cause.getMessage().startsWith("ClickHouse refused the insert of 10 rows into " + db.name() + "."
                + TABLE + " with code 47 (UNKNOWN_IDENTIFIER"), cause.getMessage());
        assertTrue(cause.getMessage().contains("make columns(...) match the table"), cause.getMessage());
        assertEquals(List.of(), db.readFinal(TABLE));
    }

    @Test
    void aValueOfTheWrongJavaTypeFailsTheJobWithoutRetrying() throws Exception {
        StreamExecutionEnvironment env = env(1);
        // "attempts" is UInt64: a String there is a broken mapper, which no retry can fix.
        rows(env, 10).sinkTo(sink().rowMapper(row -> {
            Object[] values = DeclineRateRow.toColumnValues(row);
            values[4] = "many";
            return values;
        }).maxBatchRows(1000).flushInterval(Duration.ofHours(1)).build()).name("ClickHouse " + TABLE);

        Exception failure = assertThrows(Exception.class, () -> env.execute("wrong type"));

        ClickHouseSinkException cause = ExceptionUtils.findThrowable(failure, ClickHouseSinkException.class)
                .orElseThrow(() -> new AssertionError("no ClickHouseSinkException in the job failure", failure));
        assertEquals(0, cause.errorCode());
        assertTrue(cause.getMessage().startsWith("Inserting 10 rows into " + db.name() + "." + TABLE + " failed with "),
                cause.getMessage());
        assertTrue(cause.getMessage().contains("which retrying cannot fix: check that the rowMapper returns the Java "
                + "types listed in ClickHouseRowMapper's Javadoc"), cause.getMessage());
        assertEquals(List.of(), db.readFinal(TABLE));
    }

    @Test
    void aMapperThatReturnsTooFewValuesFailsTheJob() {
        StreamExecutionEnvironment env = env(1);
        rows(env, 10).sinkTo(sink().rowMapper(row -> new Object[] {row.windowStart(), row.cardBrand()}).build())
                .name("ClickHouse " + TABLE);

        Exception failure = assertThrows(Exception.class, () -> env.execute("mapper breaks its contract"));

        ClickHouseSinkException cause = ExceptionUtils.findThrowable(failure, ClickHouseSinkException.class)
                .orElseThrow(() -> new AssertionError("no ClickHouseSinkException in the job failure", failure));
        assertEquals("The rowMapper of the ClickHouse sink for " + db.name() + "." + TABLE + " returned 2 values for "
                + "the 9 columns " + DeclineRateRow.COLUMNS + ": return one value per column, in the order given to "
                + "columns(...)", cause.getMessage());
    }

    @Test
    void elementsTheMapperCannotConvertAreDroppedAndCounted() throws Exception {
        StreamExecutionEnvironment env = env(1);
        rows(env, 100).sinkTo(sink()
                        .rowMapper(row -> {
                            if (row.declines() == 3) {
                                throw new IllegalArgumentException("declines must not be 3");
                            }
                            return DeclineRateRow.toColumnValues(row);
                        })
                        .build())
                .name("ClickHouse " + TABLE);

        JobID job = env.execute("mapper drops rows").getJobID();

        List<DeclineRateRow> expected = DeclineRateRow.first(100).stream().filter(r -> r.declines() != 3).toList();
        assertEquals(94, expected.size());
        assertEquals(expected, db.readFinal(TABLE));
        assertEquals(6, ReportedMetrics.counter(METRICS, job, "clickhouseRowsDropped"));
        assertEquals(94, ReportedMetrics.counter(METRICS, job, "clickhouseRowsSent"));
    }
}
