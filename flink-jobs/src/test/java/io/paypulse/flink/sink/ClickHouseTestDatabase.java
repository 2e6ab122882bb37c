package io.paypulse.flink.sink;

import io.paypulse.flink.PaymentHealthDatabase;
import io.paypulse.schemas.ClickHouseConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/** A database of its own for one test, on a real ClickHouse server, dropped when the test ends. */
final class ClickHouseTestDatabase implements AutoCloseable {

    private final ClickHouseConfig config;

    private ClickHouseTestDatabase(ClickHouseConfig config) {
        this.config = config;
    }

    /** On the server named by {@code CLICKHOUSE_URL}, or the JVM-wide local one. */
    static ClickHouseTestDatabase onSharedServer() throws SQLException {
        return on(PaymentHealthDatabase.server());
    }

    static ClickHouseTestDatabase on(ClickHouseConfig server) throws SQLException {
        ClickHouseTestDatabase db = new ClickHouseTestDatabase(
                server.withDatabase("it_sink_" + UUID.randomUUID().toString().replace("-", "")));
        db.execute("CREATE DATABASE " + db.name());
        return db;
    }

    ClickHouseConfig config() {
        return config;
    }

    String name() {
        return config.database();
    }

    void createDeclineRatesTable(String table) throws SQLException {
        execute("CREATE TABLE " + name() + "." + table + " (" + DeclineRateRow.TABLE_COLUMNS + ") ENGINE = "
                + DeclineRateRow.TABLE_ENGINE);
    }

    /** The table as a query with FINAL sees it: one row per key, the latest version. */
    List<DeclineRateRow> readFinal(String table) throws SQLException {
        List<DeclineRateRow> rows = new ArrayList<>();
        String sql = "SELECT toUnixTimestamp64Milli(window_start), toUnixTimestamp(window_end), card_brand, country, "
                + "attempts, declines, decline_rate, complete, version FROM " + name() + "." + table
                + " FINAL ORDER BY window_start";
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(new DeclineRateRow(Instant.ofEpochMilli(rs.getLong(1)), Instant.ofEpochSecond(rs.getLong(2)),
                        rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6), rs.getDouble(7),
                        rs.getBoolean(8), rs.getLong(9)));
            }
        }
        return rows;
    }

    /** Rows stored, replicas not yet merged away included. */
    long rawCount(String table) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count() FROM " + name() + "." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        execute("DROP DATABASE IF EXISTS " + name() + " SYNC");
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    // A new connection each time: the outage test restarts the server under this object.
    private Connection connect() throws SQLException {
        Properties props = config.jdbcProperties();
        props.setProperty("connection_timeout", "5000");
        return new com.clickhouse.jdbc.Driver().connect(config.jdbcUrl(), props);
    }
}
