package io.paypulse.cli;

import io.paypulse.infra.SharedInfra;
import io.paypulse.schemas.ClickHouseConfig;
import io.paypulse.schemas.ClickHouseMigrator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code run --simulate}'s view of ClickHouse, read from a migrated database of the test's own on the local server. */
class SimulationWatchITCase {

    /** The scenario began on a minute boundary an hour ago. */
    private static final long SINCE = Instant.now().getEpochSecond() / 60 * 60 - 3600;
    /** Tab, newline, quote and backslash: what a text format would have to escape. */
    private static final String PAGE = "Visa declines in BR at 44%\tcheck Stripe's webhook delivery\\ and\nthe bridge";

    private ClickHouseConfig clickHouse;

    @BeforeEach
    void ownDatabase() {
        clickHouse = ClickHouseConfig.fromEnv(Map.of(ClickHouseConfig.ENV_URL, SharedInfra.clickHouse().httpUrl()))
                .withDatabase("cli_watch_" + UUID.randomUUID().toString().replace("-", ""));
        new ClickHouseMigrator(clickHouse).migrate();
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        execute("DROP DATABASE IF EXISTS " + clickHouse.database() + " SYNC");
    }

    @Test
    void noWindowsYetIsAnEmptySnapshot() throws Exception {
        assertEquals(new SimulationWatch.Snapshot(0, 0, 0, 0.0, List.of()), new SimulationWatch(clickHouse, SINCE).poll());
    }

    @Test
    void theLastCompleteWindowIsTheOneBeforeTheNewestEvenAcrossAGap() throws Exception {
        // Windows at +0, +1 and +3 minutes (none at +2), one before the scenario and one of another dimension set.
        declineWindow("all", SINCE - 60, 50, 5, 1);
        declineWindow("all", SINCE, 100, 10, 1);
        declineWindow("all", SINCE + 60, 190, 19, 1);
        // A later version of the same window, as the job writes it when late events arrive: the one that counts.
        declineWindow("all", SINCE + 60, 200, 30, 2);
        declineWindow("all", SINCE + 180, 40, 2, 1);
        declineWindow("card_brand", SINCE + 240, 10, 1, 1);

        SimulationWatch.Snapshot snapshot = new SimulationWatch(clickHouse, SINCE).poll();

        assertEquals(new SimulationWatch.Snapshot(3, SINCE + 60, 200, 0.15, List.of()), snapshot);
    }

    @Test
    void incidentsSinceTheStartAreNamedByTheirPageElseTheirWorstAnomalyAndTheTextArrivesAsWritten() throws Exception {
        anomaly("a1", "inc_paged", "decline_rate", "open", SINCE + 60, null, "Declines at 14%", 0.9);
        anomaly("a2", "inc_quiet", "webhook_latency_p99", "resolved", SINCE + 120, SINCE + 300,
                "Webhook latency p99 at 9 s\tthe bridge's 'queue' \\ is full", 0.8);
        anomaly("a3", "inc_before", "decline_rate", "resolved", SINCE - 120, SINCE - 60, "Before the scenario", 0.7);
        try (Connection c = connect(); PreparedStatement insert = c.prepareStatement("INSERT INTO "
                + clickHouse.database() + ".alerts (dedup_key, incident_id, action, attempt, sent_at, status, summary)"
                + " VALUES ('paypulse-inc_paged', 'inc_paged', 'trigger', 1, now64(3), 'not_sent', ?)")) {
            insert.setString(1, PAGE);
            insert.executeUpdate();
        }

        SimulationWatch.Snapshot snapshot = new SimulationWatch(clickHouse, SINCE).poll();

        assertEquals(List.of(
                new SimulationWatch.IncidentRow("inc_paged", "open", PAGE, "decline_rate", SINCE + 60, 0, true),
                new SimulationWatch.IncidentRow("inc_quiet", "resolved", "Webhook latency p99 at 9 s\tthe bridge's 'queue' \\ is full",
                        "webhook_latency_p99", SINCE + 120, SINCE + 300, false)), snapshot.incidents());
        assertEquals(1, snapshot.open());
    }

    @Test
    void aDatabaseThatWasNeverMigratedIsOneLineNamingTheProblem() {
        ClickHouseConfig unmigrated = clickHouse.withDatabase("cli_watch_nowhere_" + UUID.randomUUID().toString().replace("-", ""));

        IOException e = assertThrows(IOException.class, () -> new SimulationWatch(unmigrated, SINCE).poll());

        assertTrue(e.getMessage().startsWith("ClickHouse at " + clickHouse.url() + " failed while reading the simulation's"
                + " metrics: "), e.getMessage());
        assertTrue(e.getMessage().contains(unmigrated.database()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void refusedCredentialsNameTheUserAndNeverThePassword() {
        String password = "pw-" + UUID.randomUUID();
        ClickHouseConfig stranger = new ClickHouseConfig(clickHouse.url(),
                "cli_watch_no_such_user_" + UUID.randomUUID().toString().replace("-", ""), password, clickHouse.database());

        IOException e = assertThrows(IOException.class, () -> new SimulationWatch(stranger, SINCE).poll());

        assertTrue(e.getMessage().startsWith("ClickHouse at " + clickHouse.url() + " did not accept user '" + stranger.user()
                + "' (password given)"), e.getMessage());
        assertFalse(e.getMessage().contains(password), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private void declineWindow(String dimensionSet, long windowStart, long attempts, long declined, long version)
            throws SQLException {
        execute("INSERT INTO " + clickHouse.database() + ".decline_rates_1m (window_start, dimension_set, attempts, approved,"
                + " declined, version) VALUES (" + windowStart + ", '" + dimensionSet + "', " + attempts + ", "
                + (attempts - declined) + ", " + declined + ", " + version + ")");
    }

    private void anomaly(String id, String incident, String metric, String status, long openedAt, Long resolvedAt,
                         String summary, double score) throws SQLException {
        try (Connection c = connect(); PreparedStatement insert = c.prepareStatement("INSERT INTO " + clickHouse.database()
                + ".anomalies (id, incident_id, metric, dimension_set, dimensions, window_start, observed, expected, score,"
                + " severity, status, opened_at, resolved_at, summary) VALUES (?, ?, ?, 'all', '', ?, 0.4, 0.1, ?, 'error',"
                + " ?, ?, ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, incident);
            insert.setString(3, metric);
            insert.setLong(4, openedAt);
            insert.setDouble(5, score);
            insert.setString(6, status);
            insert.setLong(7, openedAt);
            if (resolvedAt == null) {
                insert.setNull(8, java.sql.Types.BIGINT);
            } else {
                insert.setLong(8, resolvedAt);
            }
            insert.setString(9, summary);
            insert.executeUpdate();
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private Connection connect() throws SQLException {
        return clickHouse.connect();
    }
}
