package io.paypulse.flink.sink.internal;

import com.clickhouse.jdbc.Driver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts batches with clickhouse-jdbc: one {@code INSERT ... VALUES} statement per batch, which
 * the driver sends as a single HTTP request. The connection opens lazily, so creating a writer does
 * no I/O, and a failed attempt's connection is replaced rather than trusted again.
 */
final class JdbcBatchInsert implements BatchInsert, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcBatchInsert.class);
    private static final long MAX_CONNECT_TIMEOUT_MS = 10_000;

    private final ClickHouseSinkSettings settings;
    private final String sql;
    private Connection connection;

    JdbcBatchInsert(ClickHouseSinkSettings settings) {
        this.settings = settings;
        this.sql = settings.insertSql();
    }

    @Override
    public void insert(List<Object[]> rows) throws SQLException {
        try (PreparedStatement statement = connection().prepareStatement(sql)) {
            // The driver sends a batch as one INSERT ... VALUES text and, with escape processing on, runs
            // JDBC escape regexes over all of it: that rewrites values (a payload containing "{fn x}"
            // is stored as "x") and took ~12% of the job's CPU. The statement uses no JDBC escapes.
            statement.setEscapeProcessing(false);
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    statement.setObject(i + 1, row[i]);
                }
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    @Override
    public void discardConnection() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            // The connection is dropped because an attempt on it failed; that failure is what gets
            // retried and reported. Closing only releases client resources, so nothing is at stake here.
            LOG.debug("event=clickhouse_connection_close_failed table={} error_class={}", settings.qualifiedTable(),
                    e.getClass().getSimpleName());
        }
        connection = null;
    }

    @Override
    public void close() throws SQLException {
        Connection open = connection;
        connection = null;
        if (open != null) {
            open.close();
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = new Driver().connect(settings.clickHouseConfig().jdbcUrl(), connectionProperties());
        }
        return connection;
    }

    private Properties connectionProperties() {
        Properties props = new Properties();
        props.setProperty("user", settings.user());
        props.setProperty("password", settings.password());
        // The sink retries on its own, so every attempt is counted, logged and backed off; the
        // client's silent retries would only hide them.
        props.setProperty("retry", "0");
        props.setProperty("connection_timeout",
                Long.toString(Math.min(settings.requestTimeoutMs(), MAX_CONNECT_TIMEOUT_MS)));
        props.setProperty("socket_timeout", Long.toString(Math.min(settings.requestTimeoutMs(), Integer.MAX_VALUE)));
        // A retried batch is the same block again; replicated tables (and tables with
        // non_replicated_deduplication_window) then drop the copy. See ClickHouseSink's Javadoc.
        props.setProperty("clickhouse_setting_insert_deduplicate", "1");
        props.setProperty("client_name", "paypulse-flink-clickhouse-sink");
        return props;
    }
}
