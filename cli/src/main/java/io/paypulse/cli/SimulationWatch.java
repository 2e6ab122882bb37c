package io.paypulse.cli;

import io.paypulse.schemas.ClickHouseConfig;
import io.paypulse.schemas.ClickHouseFailure;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What a simulation has produced in ClickHouse so far: decline-rate windows and incidents since the
 * scenario began, read over JDBC for {@code run --simulate}'s status line.
 */
final class SimulationWatch {

    /**
     * One incident, as the {@code incidents} view shows it; {@code paged} once {@code alerts} holds its trigger
     * (sent, not sent, or suppressed), whose summary then names it.
     */
    record IncidentRow(String id, String status, String summary, String metric, long openedAt, long resolvedAt,
                       boolean paged) {
        boolean open() {
            return "open".equals(status);
        }
    }

    /**
     * How many all-traffic windows there are, and the last complete one: the window before the newest,
     * which may still be filling with late deliveries. Its start, attempts and rate are 0 until there are two.
     */
    record Snapshot(long windows, long lastWindowStart, long lastAttempts, double lastDeclineRate, List<IncidentRow> incidents) {
        long open() {
            return incidents.stream().filter(IncidentRow::open).count();
        }
    }

    /** A status line must not hang on a ClickHouse that went away: a few seconds to connect and to answer. */
    private static final String CONNECT_TIMEOUT_MILLIS = "3000";
    private static final String ANSWER_TIMEOUT_MILLIS = "5000";
    /** The longest failure message shown on the status line. */
    private static final int MESSAGE_CHARS = 300;

    private final ClickHouseConfig config;
    private final long sinceEpochSecond;

    SimulationWatch(ClickHouseConfig config, long sinceEpochSecond) {
        this.config = config;
        this.sinceEpochSecond = sinceEpochSecond;
    }

    /**
     * What ClickHouse holds now, read over a connection of its own, so that a ClickHouse restarted between
     * two polls needs no reconnecting.
     *
     * @throws IOException if ClickHouse cannot be reached or refuses a query; the message is one line for
     *     the status line, without the password
     */
    Snapshot poll() throws IOException {
        String db = config.database();
        String allSince = " FROM " + db + ".decline_rates WHERE dimension_set = 'all' AND window_start >= "
                + sinceEpochSecond;
        try (Connection c = connect(); Statement s = c.createStatement()) {
            long windows = 0;
            try (ResultSet rs = s.executeQuery("SELECT count()" + allSince)) {
                if (rs.next()) {
                    windows = rs.getLong(1);
                }
            }
            long lastWindowStart = 0;
            long attempts = 0;
            double rate = 0;
            // The newest window may still be filling with late deliveries: the one before it is complete.
            try (ResultSet rs = s.executeQuery("SELECT toUnixTimestamp(window_start), attempts, decline_rate" + allSince
                    + " ORDER BY window_start DESC LIMIT 1 OFFSET 1")) {
                if (rs.next()) {
                    lastWindowStart = rs.getLong(1);
                    attempts = rs.getLong(2);
                    rate = rs.getDouble(3);
                }
            }
            List<IncidentRow> incidents = new ArrayList<>();
            // The page's summary (alerts) names the incident by its most specific series; the view's is its worst one.
            try (ResultSet rs = s.executeQuery("SELECT i.incident_id, i.status, if(p.page != '', p.page, i.summary), i.metric,"
                    + " toUnixTimestamp(i.opened_at), toUnixTimestamp(ifNull(i.resolved_at, toDateTime(0))), p.page != ''"
                    + " FROM " + db + ".incidents AS i LEFT JOIN (SELECT incident_id, any(summary) AS page FROM " + db
                    + ".alerts FINAL WHERE action = 'trigger' GROUP BY incident_id) AS p ON p.incident_id = i.incident_id"
                    + " WHERE i.opened_at >= " + sinceEpochSecond + " ORDER BY i.opened_at, i.incident_id")) {
                while (rs.next()) {
                    incidents.add(new IncidentRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getLong(5), rs.getLong(6), rs.getBoolean(7)));
                }
            }
            return new Snapshot(windows, lastWindowStart, attempts, rate, incidents);
        } catch (SQLException e) {
            throw new IOException(oneLine(ClickHouseFailure.describe(e, config, "reading the simulation's metrics")), e);
        }
    }

    private Connection connect() throws SQLException {
        Properties props = config.jdbcProperties();
        props.setProperty("connection_timeout", CONNECT_TIMEOUT_MILLIS);
        props.setProperty("socket_timeout", ANSWER_TIMEOUT_MILLIS);
        // The next status line is the retry; the driver's own would only hold this one back.
        props.setProperty("retry", "0");
        return DriverManager.getConnection(config.jdbcUrl(), props);
    }

    /** {@code message} on one line and at most {@value #MESSAGE_CHARS} characters long. */
    static String oneLine(String message) {
        String line = message.strip().replaceAll("\\s+", " ");
        return line.length() > MESSAGE_CHARS ? line.substring(0, MESSAGE_CHARS) + "..." : line;
    }
}
