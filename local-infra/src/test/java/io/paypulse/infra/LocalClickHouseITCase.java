package io.paypulse.infra;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalClickHouseITCase {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void answersSelectVersionOverHttp() throws Exception {
        LocalClickHouse clickHouse = SharedInfra.clickHouse();

        String version = query(clickHouse, "SELECT version()");

        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"), "a ClickHouse version, was: " + version);
        assertTrue(Integer.parseInt(version.substring(0, version.indexOf('.'))) >= 24, "a modern ClickHouse: " + version);
        assertEquals("2", query(clickHouse, "SELECT 1 + 1"));
        assertTrue(SharedInfra.clickHouse() == clickHouse, "one shared server per JVM");
    }

    @Test
    void jdbcWritesAReplacingMergeTreeAndReadsTheLatestVersionBack() throws Exception {
        LocalClickHouse clickHouse = SharedInfra.clickHouse();
        String db = "it_" + UUID.randomUUID().toString().replace("-", "");
        String url = "jdbc:clickhouse:http://127.0.0.1:" + clickHouse.httpPort() + "/default";
        try (Connection connection = DriverManager.getConnection(url, "default", "");
             Statement statement = connection.createStatement()) {
            try {
                statement.execute("CREATE DATABASE " + db);
                statement.execute("CREATE TABLE " + db + ".payment_attempts (charge_id String, outcome String, "
                        + "amount Int64, version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY charge_id");
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + db
                        + ".payment_attempts (charge_id, outcome, amount, version) VALUES (?, ?, ?, ?)")) {
                    addRow(insert, "ch_1", "succeeded", 1000, 1);
                    addRow(insert, "ch_2", "failed", 2500, 1);
                    addRow(insert, "ch_1", "succeeded", 1200, 2);
                    insert.executeBatch();
                }

                List<String> rows = new ArrayList<>();
                try (ResultSet rs = statement.executeQuery("SELECT charge_id, outcome, amount, version FROM " + db
                        + ".payment_attempts FINAL ORDER BY charge_id")) {
                    while (rs.next()) {
                        rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getLong(3) + "|" + rs.getLong(4));
                    }
                }

                assertEquals(List.of("ch_1|succeeded|1200|2", "ch_2|failed|2500|1"), rows);
            } finally {
                statement.execute("DROP DATABASE IF EXISTS " + db);
            }
        }
    }

    @Test
    void restartKeepsTablesAndUrl() throws Exception {
        try (LocalClickHouse clickHouse = LocalClickHouse.builder().build().start()) {
            String url = clickHouse.httpUrl();
            query(clickHouse, "CREATE TABLE default.kept (id UInt64) ENGINE = MergeTree ORDER BY id");
            query(clickHouse, "INSERT INTO default.kept SELECT number FROM numbers(1000)");

            clickHouse.stop();
            assertFalse(clickHouse.isRunning());
            assertTrue(FreePorts.isFree(clickHouse.httpPort()), "the port is released while it is stopped");
            clickHouse.start();

            assertEquals(url, clickHouse.httpUrl());
            assertEquals("1000\t499500", query(clickHouse, "SELECT count(), sum(id) FROM default.kept"));
        }
    }

    @Test
    void takenPortFailsFastWithAMessageSayingSo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             LocalClickHouse clickHouse = LocalClickHouse.builder().httpPort(taken.getLocalPort()).build()) {
            LocalInfraException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(LocalInfraException.class, clickHouse::start));

            assertTrue(e.getMessage().startsWith("ClickHouse cannot start: its HTTP port 127.0.0.1:"
                    + taken.getLocalPort() + " is already in use"), e.getMessage());
            // The hint serves both a `run` user and a test author.
            assertTrue(e.getMessage().contains("./paypulse run --clickhouse-port <port>"), e.getMessage());
            assertFalse(clickHouse.isRunning());
        }
    }

    private static void addRow(PreparedStatement insert, String chargeId, String outcome, long amount, long version)
            throws Exception {
        insert.setString(1, chargeId);
        insert.setString(2, outcome);
        insert.setLong(3, amount);
        insert.setLong(4, version);
        insert.addBatch();
    }

    private static String query(LocalClickHouse clickHouse, String sql) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(clickHouse.httpUrl() + "/"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body().strip();
    }
}
