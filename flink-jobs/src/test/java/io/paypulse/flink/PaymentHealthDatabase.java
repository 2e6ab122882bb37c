package io.paypulse.flink;

import io.paypulse.infra.SharedInfra;
import io.paypulse.schemas.ClickHouseConfig;
import io.paypulse.schemas.ClickHouseMigrator;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A ClickHouse database of one test's own with the migrated payment health schema, on the server
 * named by {@code CLICKHOUSE_URL} or else the JVM-wide local one; dropped on {@link #close}.
 */
public final class PaymentHealthDatabase implements AutoCloseable {

    /** Every table the job writes. */
    static final List<String> JOB_TABLES = List.of("stripe_events", "payment_attempts", "decline_rates_1m",
            "webhook_latency_1m", "settlement_times_1m", "late_events", "payouts");

    private final ClickHouseConfig config;

    private PaymentHealthDatabase(ClickHouseConfig config) {
        this.config = config;
    }

    /** The server the tests use: the one {@code CLICKHOUSE_URL} names, or else the JVM-wide local one. */
    public static ClickHouseConfig server() {
        String configured = System.getenv(ClickHouseConfig.ENV_URL);
        return configured != null && !configured.isBlank() ? ClickHouseConfig.fromEnv()
                : ClickHouseConfig.fromEnv(Map.of(ClickHouseConfig.ENV_URL, SharedInfra.clickHouse().httpUrl()));
    }

    static PaymentHealthDatabase migrated(String prefix) {
        PaymentHealthDatabase db = new PaymentHealthDatabase(
                server().withDatabase(prefix + "_" + UUID.randomUUID().toString().replace("-", "")));
        new ClickHouseMigrator(db.config).migrate();
        return db;
    }

    ClickHouseConfig config() {
        return config;
    }

    /** {@code sql} with {@code {db}} replaced by this database's name. */
    private String resolve(String sql) {
        return sql.replace("{db}", config.database());
    }

    /**
     * Every row of {@code table} as {@code FINAL} sees it (one per key, the highest version), without
     * {@code ingested_at}, sorted by all columns; one string per row, columns joined by {@code |}.
     */
    List<String> finalRows(String table) throws SQLException {
        return finalRowsExcept(table, "ingested_at");
    }

    /** As {@link #finalRows}, without the given columns (comma-separated). */
    List<String> finalRowsExcept(String table, String columns) throws SQLException {
        return rows("SELECT * EXCEPT (" + columns + ") FROM {db}." + table + " FINAL ORDER BY ALL");
    }

    /** The rows of {@code sql} ({@code {db}} stands for this database), one string per row, columns joined by {@code |}. */
    List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(resolve(sql))) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    /** Runs a statement without a result ({@code {db}} stands for this database), e.g. {@code SYSTEM STOP MERGES}. */
    void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(resolve(sql));
        }
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + config.database() + " SYNC");
        }
    }

    private Connection connect() throws SQLException {
        return new com.clickhouse.jdbc.Driver().connect(config.jdbcUrl(), config.jdbcProperties());
    }
}
