package io.paypulse.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Migrations against a real ClickHouse server, each test in a database of its own. */
class ClickHouseMigratorITCase {

    private ClickHouseConfig config;

    @BeforeEach
    void ownDatabase() {
        config = LocalServers.clickHouse().withDatabase("it_migrate_" + UUID.randomUUID().toString().replace("-", ""));
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        if (config != null) {
            execute("DROP DATABASE IF EXISTS " + config.database() + " SYNC");
        }
    }

    @Test
    void appliesToAFreshDatabaseAndRecordsExactlyOneRowPerFile() throws SQLException {
        MigrationResult result = new ClickHouseMigrator(config).migrate();

        assertEquals(new MigrationResult(config.database(), bundledVersions(), List.of()), result);
        assertEquals(List.of("alerts", "anomalies", "decline_rates", "decline_rates_1m", "dlq_events", "incidents",
                        "late_events", "payment_attempts", "payouts", "pipeline_metrics", "schema_migrations", "settlement_times", "settlement_times_1m", "stripe_events",
                        "webhook_latency", "webhook_latency_1m"),
                column("SELECT name FROM system.tables WHERE database = '" + config.database() + "' ORDER BY name"));
        assertEquals(expectedMigrationRows(), migrationRows());
    }

    @Test
    void stripeEventsHasTheContractedShape() throws SQLException {
        new ClickHouseMigrator(config).migrate();

        Map<String, String> columns = new TreeMap<>();
        query("SELECT name, type FROM system.columns WHERE database = '" + config.database()
                + "' AND table = 'stripe_events'", rs -> columns.put(rs.getString(1), rs.getString(2)));
        assertEquals(new TreeMap<>(Map.ofEntries(
                Map.entry("event_id", "String"),
                Map.entry("type", "LowCardinality(String)"),
                Map.entry("created", "DateTime('UTC')"),
                Map.entry("api_version", "LowCardinality(String)"),
                Map.entry("account", "String"),
                Map.entry("livemode", "Bool"),
                Map.entry("received_at", "DateTime64(3, 'UTC')"),
                Map.entry("bridge_instance", "LowCardinality(String)"),
                Map.entry("payload", "String"),
                Map.entry("ingested_at", "DateTime64(3, 'UTC')"),
                Map.entry("version", "UInt64"))), columns);
        assertEquals(List.of("ReplacingMergeTree|event_id|toYYYYMM(created)"),
                column("SELECT engine || '|' || sorting_key || '|' || partition_key FROM system.tables WHERE database = '"
                        + config.database() + "' AND name = 'stripe_events'"));

        // Two deliveries of one event collapse to one row: the property the table exists for.
        for (int i = 0; i < 2; i++) {
            execute("INSERT INTO " + config.database() + ".stripe_events (event_id, type, created, api_version, account,"
                    + " livemode, received_at, bridge_instance, payload) VALUES ('evt_it_1', 'charge.succeeded',"
                    + " 1700000000, '2025-03-31.basil', '', false, 1700000000123, 'it', '{}')");
        }
        assertEquals(List.of("1"), column("SELECT count() FROM " + config.database() + ".stripe_events FINAL"));
    }

    @Test
    void pipelineHealthTablesHaveTheContractedShapeAndReplaceReplayedRows() throws SQLException {
        new ClickHouseMigrator(config).migrate();
        String db = config.database();

        assertEquals(List.of("ts|DateTime64(3, 'UTC')", "source|LowCardinality(String)", "instance|String",
                        "metric|LowCardinality(String)", "label|String", "value|Float64", "kind|LowCardinality(String)",
                        "ingested_at|DateTime64(3, 'UTC')"),
                column("SELECT name || '|' || type FROM system.columns WHERE database = '" + db
                        + "' AND table = 'pipeline_metrics' ORDER BY position"));
        assertEquals(List.of("received_at|DateTime64(3, 'UTC')", "reason|LowCardinality(String)", "size_bytes|UInt32",
                        "bridge_instance|String", "partition|UInt16", "offset|UInt64", "ingested_at|DateTime64(3, 'UTC')"),
                column("SELECT name || '|' || type FROM system.columns WHERE database = '" + db
                        + "' AND table = 'dlq_events' ORDER BY position"));
        assertEquals(List.of("dlq_events|ReplacingMergeTree|partition, offset",
                        "pipeline_metrics|ReplacingMergeTree|source, instance, metric, label, ts"),
                column("SELECT name || '|' || engine || '|' || sorting_key FROM system.tables WHERE database = '" + db
                        + "' AND name IN ('dlq_events', 'pipeline_metrics') ORDER BY name"));

        // A replayed snapshot and a replayed DLQ record each collapse to one row. The snapshot is recent:
        // older than the 30-day TTL, a merge would delete it.
        long ts = System.currentTimeMillis() - 60_000;
        for (int i = 0; i < 2; i++) {
            execute("INSERT INTO " + db + ".pipeline_metrics (ts, source, instance, metric, label, value, kind) VALUES"
                    + " (" + ts + ", 'bridge', 'b1', 'bridge_rejected_total', 'reason=signature_mismatch', 3, 'counter')");
            execute("INSERT INTO " + db + ".dlq_events (received_at, reason, size_bytes, bridge_instance, partition, offset)"
                    + " VALUES (1700000000123, 'invalid_json', 17, 'b1', 2, 40)");
        }
        assertEquals(List.of("1"), column("SELECT count() FROM " + db + ".pipeline_metrics FINAL"));

        // The rate query of README "Pipeline health data": 30 webhooks in 15 s, then a restart (value falls
        // back to 6), read as 6 new ones in the next 15 s.
        execute("INSERT INTO " + db + ".pipeline_metrics (ts, source, instance, metric, label, value, kind) VALUES"
                + " (" + (ts - 30_000) + ", 'bridge', 'b1', 'bridge_received_total', '', 0, 'counter'),"
                + " (" + (ts - 15_000) + ", 'bridge', 'b1', 'bridge_received_total', '', 30, 'counter'),"
                + " (" + ts + ", 'bridge', 'b1', 'bridge_received_total', '', 6, 'counter')");
        assertEquals(List.of("2", "0.4"), column("SELECT toString(round(if(d < 0, value, d) / nullIf(seconds, 0), 3))"
                + " FROM (SELECT ts, instance, value,"
                + " value - lagInFrame(value, 1, value) OVER w AS d,"
                + " dateDiff('millisecond', lagInFrame(ts, 1, ts) OVER w, ts) / 1000 AS seconds"
                + " FROM " + db + ".pipeline_metrics FINAL"
                + " WHERE source = 'bridge' AND metric = 'bridge_received_total' AND ts >= now() - INTERVAL 1 HOUR"
                + " WINDOW w AS (PARTITION BY instance ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW))"
                + " WHERE seconds > 0 ORDER BY ts"));
        assertEquals(List.of("invalid_json|17|2|40"), column("SELECT reason || '|' || toString(size_bytes) || '|'"
                + " || toString(partition) || '|' || toString(offset) FROM " + db + ".dlq_events FINAL"));
    }

    @Test
    void columnCommentsSayWhatTheWritersWrite() throws SQLException {
        new ClickHouseMigrator(config).migrate();
        String db = config.database();

        assertEquals(List.of("alerts|status|delivered (2xx), retrying (this attempt failed: 408, 429, 5xx or no answer;"
                        + " sent again), rejected (another 4xx, not retried), not_sent (no PAGERDUTY_ROUTING_KEY) or"
                        + " suppressed (not paged: flapping, or too many open incidents)",
                        "settlement_times_1m|sketch|Base64 of a DDSketch of settlement seconds of paid payouts, relative"
                                + " accuracy 0.01, in sketches-java's compact encoding (DDSketch.encode, not protobuf); merge"
                                + " in Java or Go to roll windows up",
                        "webhook_latency_1m|sketch|Base64 of a DDSketch of the latencies in ms, relative accuracy 0.01, in"
                                + " sketches-java's compact encoding (DDSketch.encode, not protobuf); merge in Java or Go to"
                                + " roll windows up"),
                column("SELECT table || '|' || name || '|' || comment FROM system.columns WHERE database = '" + db
                        + "' AND ((table = 'alerts' AND name = 'status') OR (table LIKE '%_1m' AND name = 'sketch')) ORDER BY table"));
    }

    @Test
    void secondRunAppliesNothingAndLeavesTheSameRows() throws SQLException {
        new ClickHouseMigrator(config).migrate();
        List<String> before = migrationRowsWithTime();

        MigrationResult again = new ClickHouseMigrator(config).migrate();

        assertEquals(new MigrationResult(config.database(), List.of(), bundledVersions()), again);
        // Without FINAL: a second run must not even insert a duplicate row.
        assertEquals(before, migrationRowsWithTime());
        assertEquals(expectedMigrationRows(), migrationRows());
    }

    @Test
    void changedAppliedMigrationIsRefused() throws SQLException {
        new ClickHouseMigrator(config).migrate();
        // A newer row for version 1 wins under ReplacingMergeTree(applied_at), just as if the file had
        // been edited after it was applied.
        execute("INSERT INTO " + config.database() + ".schema_migrations (version, name, checksum, applied_at)"
                + " VALUES (1, 'stripe_events', 'deadbeef', now64(3) + INTERVAL 1 SECOND)");

        MigrationException e = assertThrows(MigrationException.class, () -> new ClickHouseMigrator(config).migrate());

        assertTrue(e.getMessage().contains("V001__stripe_events.sql was changed after it was applied"), e.getMessage());
        assertTrue(e.getMessage().contains("recorded checksum deadbeef"), e.getMessage());
        assertTrue(e.getMessage().contains("Refusing to continue"), e.getMessage());
    }

    @Test
    void migrationAppliedByANewerReleaseIsTolerated() throws SQLException {
        new ClickHouseMigrator(config).migrate();
        execute("INSERT INTO " + config.database() + ".schema_migrations (version, name, checksum)"
                + " VALUES (999, 'from_the_future', 'abc')");

        // Older code must still start against a database a newer release has migrated.
        MigrationResult result = new ClickHouseMigrator(config).migrate();

        assertEquals(new MigrationResult(config.database(), List.of(), bundledVersions()), result);
    }

    @Test
    void failingStatementIsNamedByFileAndNumberAndNotRecorded() throws SQLException {
        List<Migration> migrations = new ArrayList<>(Migration.bundled());
        String broken = String.format("V%03d__broken.sql", migrations.size() + 1);
        migrations.add(Migration.of(broken, """
                CREATE TABLE IF NOT EXISTS ${database}.fine (a UInt8) ENGINE = Memory;
                -- a type that does not exist; the semicolon in this comment is not a statement end
                CREATE TABLE IF NOT EXISTS ${database}.broken (a NoSuchType) ENGINE = Memory;
                """));

        MigrationException e = assertThrows(MigrationException.class,
                () -> new ClickHouseMigrator(config, migrations).migrate());

        assertTrue(e.getMessage().contains("applying " + broken + " statement 2 of 2"), e.getMessage());
        assertTrue(e.getMessage().contains("NoSuchType"), e.getMessage());
        // The bundled files went through and are recorded; the broken one is not, so a fixed file is
        // applied next time.
        assertEquals(expectedMigrationRows(), migrationRows());
    }

    @Test
    void unreachableServerSaysHowToFixIt() throws IOException {
        String url = "http://127.0.0.1:" + freePort();
        ClickHouseConfig nowhere = new ClickHouseConfig(url, "default", "", config.database());

        MigrationException e = assertThrows(MigrationException.class, () -> new ClickHouseMigrator(nowhere).migrate());

        assertTrue(e.getMessage().startsWith("ClickHouse at " + url + " is not reachable: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; start it or set CLICKHOUSE_URL"), e.getMessage());
    }

    @Test
    void rejectedCredentialsAreReportedWithoutThePassword() {
        String password = "pw-" + UUID.randomUUID();
        ClickHouseConfig stranger = new ClickHouseConfig(config.url(), "it_no_such_user_" + UUID.randomUUID()
                .toString().replace("-", ""), password, config.database());

        MigrationException e = assertThrows(MigrationException.class, () -> new ClickHouseMigrator(stranger).migrate());

        assertTrue(e.getMessage().contains("did not accept user '" + stranger.user() + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("check CLICKHOUSE_USER and CLICKHOUSE_PASSWORD"), e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t).contains(password), "password leaked in " + t);
        }
    }

    @Test
    void metricViewsShowTheHighestVersionOfEachWindow() throws SQLException {
        new ClickHouseMigrator(config).migrate();
        String db = config.database();
        // The on-time firing and the re-firing after a late attempt: the view must show only the latter.
        for (String counts : new String[] {"4, 3, 1, 4", "5, 3, 2, 5"}) {
            execute("INSERT INTO " + db + ".decline_rates_1m (window_start, dimension_set, payment_method_type, card_brand,"
                    + " card_country, card_funding, currency, failure_code, network_decline_code, account, attempts,"
                    + " approved, declined, outcome_authorized, outcome_manual_review, outcome_issuer_declined,"
                    + " outcome_blocked, outcome_invalid, outcome_other, version) VALUES (1700000040, 'card_brand', '',"
                    + " 'visa', '', '', '', '', '', '', " + counts.substring(0, counts.lastIndexOf(','))
                    + ", 3, 0, 2, 0, 0, 0, " + counts.substring(counts.lastIndexOf(',') + 1) + ")");
        }
        assertEquals(List.of("2023-11-14 22:14:00|2023-11-14 22:15:00|card_brand|visa||5|2|0.4|5"),
                column("SELECT toString(window_start) || '|' || toString(window_end) || '|' || dimension_set || '|'"
                        + " || card_brand || '|' || card_country || '|' || toString(attempts) || '|'"
                        + " || toString(declined) || '|' || toString(decline_rate) || '|' || toString(version)"
                        + " FROM " + db + ".decline_rates"));

        execute("INSERT INTO " + db + ".webhook_latency_1m (window_start, dimension_set, event_type, events, sum_ms,"
                + " min_ms, max_ms, p50_ms, p90_ms, p99_ms, sketch, version) VALUES"
                + " (1700000040, 'all', '', 4, 1000, 100, 400, 200, 400, 400, '', 4)");
        assertEquals(List.of("all||4|250|400"), column("SELECT dimension_set || '|' || event_type || '|'"
                + " || toString(events) || '|' || toString(mean_ms) || '|' || toString(max_ms) FROM " + db + ".webhook_latency"));

        execute("INSERT INTO " + db + ".settlement_times_1m (window_start, dimension_set, currency, method, payouts,"
                + " paid, failed, sum_seconds, max_seconds, p50_seconds, p95_seconds, sketch, version) VALUES"
                + " (1700000040, 'currency,method', 'usd', 'standard', 3, 2, 1, 345600, 172800, 172800, 172800, '', 3)");
        assertEquals(List.of("currency,method|usd|standard|3|1|172800"), column("SELECT dimension_set || '|' || currency"
                + " || '|' || method || '|' || toString(payouts) || '|' || toString(failed) || '|'"
                + " || toString(mean_seconds) FROM " + db + ".settlement_times"));
    }

    @Test
    void incidentsViewNamesEachIncidentByItsPageOrElseItsWorstAnomalyAndIsOpenWhileAnyIs() throws SQLException {
        new ClickHouseMigrator(config).migrate();
        String db = config.database();
        String columns = " (id, incident_id, metric, dimension_set, dimensions, window_start, observed, expected, score,"
                + " severity, status, opened_at, resolved_at, summary, version) VALUES ";
        // Incident a: the visa x BR anomaly opened, then resolved (a newer version of the same id), and
        // the "all" series that moved with it (scoring higher), resolved too; it was paged, through a
        // retry, and later reopened within its cooldown. Incident b: still open, not paged yet.
        execute("INSERT INTO " + db + ".anomalies" + columns
                + "('a1', 'a', 'decline_rate', 'card_brand,card_country', 'card_brand=visa,card_country=BR', 1700000040,"
                + " 0.38, 0.06, 0.9, 'critical', 'open', 1700000040, NULL, 'Visa declines in BR at 38%', 1),"
                + "('a2', 'a', 'decline_rate', 'all', '', 1700000040, 0.1, 0.06, 0.95, 'error', 'resolved', 1699999980,"
                + " 1700000400, 'Declines at 10%', 2),"
                + "('b1', 'b', 'webhook_volume', 'all', '', 1700003600, 0, 80, 1, 'critical', 'open', 1700003600, NULL,"
                + " 'No webhooks', 1)");
        execute("INSERT INTO " + db + ".anomalies" + columns
                + "('a1', 'a', 'decline_rate', 'card_brand,card_country', 'card_brand=visa,card_country=BR', 1700000040,"
                + " 0.38, 0.06, 0.9, 'critical', 'resolved', 1700000040, 1700000460, 'Visa declines in BR at 38%', 2)");
        String page = "Visa declines in BR at 38% (412 attempts) vs 6% expected; 1 related series moved too";
        execute("INSERT INTO " + db + ".alerts (dedup_key, incident_id, action, attempt, sent_at, status, http_status,"
                + " response, error, severity, summary) VALUES"
                + " ('paypulse-a', 'a', 'trigger', 1, 1700000100, 'delivered', 429, '', '', 'critical', '" + page + "'),"
                + " ('paypulse-a', 'a', 'trigger', 2, 1700000101, 'delivered', 202, '', '', 'critical', '" + page + "'),"
                + " ('paypulse-a', 'a', 'suppressed', 0, 1700000900, 'suppressed', 0, '', '', 'critical', 'Reopened ...')");
        assertEquals(List.of("a|paypulse-a|" + page + "|decline_rate|0.95|resolved|2023-11-14 22:13:00|2023-11-14 22:21:00|2",
                        "b|paypulse-b|No webhooks|webhook_volume|1|open|2023-11-14 23:13:20|null|1"),
                column("SELECT incident_id || '|' || dedup_key || '|' || summary || '|' || metric || '|' || toString(score)"
                        + " || '|' || status || '|' || toString(opened_at) || '|' || ifNull(toString(resolved_at), 'null')"
                        + " || '|' || toString(anomalies) FROM " + db + ".incidents ORDER BY incident_id"));
    }

    private static List<Integer> bundledVersions() {
        return Migration.bundled().stream().map(Migration::version).toList();
    }

    private List<String> expectedMigrationRows() {
        return Migration.bundled().stream().map(m -> m.version() + "|" + m.name() + "|" + m.checksum()).toList();
    }

    private List<String> migrationRows() throws SQLException {
        return column("SELECT toString(version) || '|' || name || '|' || checksum FROM " + config.database()
                + ".schema_migrations FINAL ORDER BY version");
    }

    private List<String> migrationRowsWithTime() throws SQLException {
        return column("SELECT toString(version) || '|' || checksum || '|' || toString(applied_at) FROM "
                + config.database() + ".schema_migrations ORDER BY version, applied_at");
    }

    private List<String> column(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        query(sql, rs -> values.add(rs.getString(1)));
        return values;
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, RowReader reader) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                reader.read(rs);
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private Connection connect() throws SQLException {
        return config.connect();
    }

    private static int freePort() throws IOException {
        // Bound and released at once: nothing listens there afterwards, so connecting is refused.
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
