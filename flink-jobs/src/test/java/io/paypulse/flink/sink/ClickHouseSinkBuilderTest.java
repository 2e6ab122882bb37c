package io.paypulse.flink.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paypulse.flink.sink.internal.ClickHouseSinkSettings;
import io.paypulse.schemas.ClickHouseConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * The builder refuses each bad option with a message that says what to do, and the sink survives
 * the trip to a task.
 */
class ClickHouseSinkBuilderTest {

    private static final ClickHouseConfig CONFIG =
            new ClickHouseConfig("http://ch.internal:8123", "writer", "s3cret", "paypulse");

    private static ClickHouseSink.Builder<Long> complete() {
        return ClickHouseSink.<Long>builder()
                .config(CONFIG)
                .table("decline_rates_1m")
                .columns(List.of("window_start", "attempts"))
                .rowMapper(n -> new Object[] {n, n});
    }

    @Test
    void defaultsSuitTheIssue() {
        ClickHouseSinkSettings settings = complete().build().settings();

        assertEquals(new ClickHouseSinkSettings("http://ch.internal:8123", "writer", "s3cret", "paypulse",
                "decline_rates_1m", List.of("window_start", "attempts"), 5000, 1000, 100, 30_000, 0, 60_000), settings);
        assertEquals("INSERT INTO `paypulse`.`decline_rates_1m` (`window_start`, `attempts`) VALUES (?, ?)",
                settings.insertSql());
    }

    @Test
    void everyOptionIsApplied() {
        ClickHouseSinkSettings settings = complete()
                .maxBatchRows(7)
                .flushInterval(Duration.ofMillis(250))
                .initialRetryBackoff(Duration.ofMillis(20))
                .maxRetryBackoff(Duration.ofSeconds(2))
                .retryTimeout(Duration.ofMinutes(5))
                .requestTimeout(Duration.ofSeconds(9))
                .build().settings();

        assertEquals(7, settings.maxBatchRows());
        assertEquals(250, settings.flushIntervalMs());
        assertEquals(20, settings.initialRetryBackoffMs());
        assertEquals(2000, settings.maxRetryBackoffMs());
        assertEquals(300_000, settings.retryTimeoutMs());
        assertEquals(9000, settings.requestTimeoutMs());
    }

    @Test
    void buildNamesEveryMissingOptionAndHowToSetIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ClickHouseSink.<Long>builder()
                .table("t").build());
        assertEquals("ClickHouseSink needs config (.config(ClickHouseConfig.fromEnv())), "
                + "columns (.columns(List.of(\"window_start\", ...))), "
                + "rowMapper (.rowMapper(row -> new Object[] {...}))", e.getMessage());
    }

    @Test
    void tableMustBeAPlainNameWithoutDatabase() {
        assertEquals("table 'paypulse.decline_rates_1m' must be the table name only: the database comes from "
                        + "ClickHouseConfig.database() (CLICKHOUSE_DATABASE)",
                assertThrows(IllegalArgumentException.class,
                        () -> complete().table("paypulse.decline_rates_1m")).getMessage());
        assertEquals("table 'decline rates' is not a plain ClickHouse identifier: use letters, digits and _, not "
                        + "starting with a digit, at most 128 characters",
                assertThrows(IllegalArgumentException.class, () -> complete().table("decline rates")).getMessage());
        assertEquals("table must be a table name such as \"decline_rates_1m\", was null",
                assertThrows(IllegalArgumentException.class, () -> complete().table(null)).getMessage());
    }

    @Test
    void columnsMustBeDistinctPlainIdentifiers() {
        assertEquals("columns must name at least one column of the table, in the order the rowMapper returns their "
                        + "values",
                assertThrows(IllegalArgumentException.class, () -> complete().columns(List.of())).getMessage());
        assertEquals("column 'attempts' is listed twice in [window_start, attempts, attempts]: list each column once",
                assertThrows(IllegalArgumentException.class,
                        () -> complete().columns("window_start", "attempts", "attempts")).getMessage());
        assertEquals("column 'x; DROP TABLE y' is not a plain ClickHouse identifier: use letters, digits and _, not "
                        + "starting with a digit",
                assertThrows(IllegalArgumentException.class,
                        () -> complete().columns("x; DROP TABLE y")).getMessage());
        assertEquals("column 'null' is not a plain ClickHouse identifier: use letters, digits and _, not starting "
                        + "with a digit",
                assertThrows(IllegalArgumentException.class,
                        () -> complete().columns(Arrays.asList("a", null))).getMessage());
    }

    @Test
    void batchSizeStaysWithinOneInsertBlock() {
        assertEquals("maxBatchRows must be between 1 and 1048576 (ClickHouse's max_insert_block_size, so a batch "
                        + "stays one block), was 0",
                assertThrows(IllegalArgumentException.class, () -> complete().maxBatchRows(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> complete().maxBatchRows(1_048_577));
    }

    @Test
    void durationsMustBeAtLeastAMillisecond() {
        assertEquals("flushInterval must be at least 1 ms, was PT0S",
                assertThrows(IllegalArgumentException.class,
                        () -> complete().flushInterval(Duration.ZERO)).getMessage());
        assertEquals("maxRetryBackoff must be at least 1 ms, was null",
                assertThrows(IllegalArgumentException.class, () -> complete().maxRetryBackoff(null)).getMessage());
        assertEquals("retryTimeout must be at least 1 ms, was PT-1S",
                assertThrows(IllegalArgumentException.class,
                        () -> complete().retryTimeout(Duration.ofSeconds(-1))).getMessage());
    }

    @Test
    void nullConfigAndMapperSayWhatToPass() {
        assertEquals("config must not be null: pass ClickHouseConfig.fromEnv() or new ClickHouseConfig(url, user, "
                + "password, database)", assertThrows(NullPointerException.class, () -> complete().config(null))
                .getMessage());
        assertEquals("rowMapper must not be null: pass a function from the element to its column values",
                assertThrows(NullPointerException.class, () -> complete().rowMapper(null)).getMessage());
    }

    @Test
    void backoffBoundsMustFitTogether() {
        assertEquals("maxRetryBackoff (50 ms) is shorter than initialRetryBackoff (100 ms): raise maxRetryBackoff "
                        + "or lower initialRetryBackoff",
                assertThrows(IllegalStateException.class,
                        () -> complete().maxRetryBackoff(Duration.ofMillis(50)).build()).getMessage());
        assertEquals("retryTimeout (100 ms) must be longer than initialRetryBackoff (100 ms), or a failed batch "
                        + "would give up before its first retry: raise retryTimeout",
                assertThrows(IllegalStateException.class,
                        () -> complete().retryTimeout(Duration.ofMillis(100)).build()).getMessage());
    }

    @Test
    void sinkIsSerializableAndNeverShowsThePassword() throws Exception {
        ClickHouseSink<Long> sink = complete().build();

        ClickHouseSink<Long> shipped = InstantiationUtil.clone(sink);

        assertEquals(sink.settings(), shipped.settings());
        assertTrue(sink.toString().contains("password=****"), sink.toString());
        assertFalse(sink.toString().contains("s3cret"), sink.toString());
    }
}
