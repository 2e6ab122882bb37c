package io.paypulse.schemas;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClickHouseFailureTest {

    private static final ClickHouseConfig CONFIG =
            new ClickHouseConfig("http://ch.internal:8123", "analyst", "pw-Secret-42", "paypulse");

    @Test
    void anUnreachableServerIsNamedWithWhereToPointInstead() {
        SQLException e = new SQLException("Failed to connect", new ConnectException("Connection refused"));
        assertEquals("ClickHouse at http://ch.internal:8123 is not reachable: Connection refused; start it or set"
                + " CLICKHOUSE_URL", ClickHouseFailure.describe(e, CONFIG, "connecting"));
    }

    @Test
    void refusedCredentialsNameTheUserButNeverThePassword() {
        SQLException e = new SQLException("Code: 516. DB::Exception: analyst: Authentication failed: password pw-Secret-42"
                + " is incorrect. (AUTHENTICATION_FAILED)", "HY000", 516);
        assertEquals("ClickHouse at http://ch.internal:8123 did not accept user 'analyst' (password given): Code: 516."
                + " DB::Exception: analyst: Authentication failed: password **** is incorrect. (AUTHENTICATION_FAILED);"
                + " check CLICKHOUSE_USER and CLICKHOUSE_PASSWORD", ClickHouseFailure.describe(e, CONFIG, "connecting"));
    }

    @Test
    void anyOtherFailureSaysWhatWasBeingDoneAndTheInnermostMessage() {
        SQLException e = new SQLException("Query failed", new RuntimeException(
                " Code: 81. DB::Exception: Database nowhere does not exist. (UNKNOWN_DATABASE) "));
        assertEquals("ClickHouse at http://ch.internal:8123 failed while reading nowhere.t: Code: 81. DB::Exception:"
                        + " Database nowhere does not exist. (UNKNOWN_DATABASE)",
                ClickHouseFailure.describe(e, CONFIG, "reading nowhere.t"));
        assertEquals("ClickHouse at http://ch.internal:8123 failed while connecting: SQLException",
                ClickHouseFailure.describe(new SQLException(), CONFIG, "connecting"));
    }

    @Test
    void aServerThatIsNotClickHouseAsksWhetherTheUrlIsClickHousesHttpPort() throws Exception {
        // A plain web server on the port, as when CLICKHOUSE_URL names another service.
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", exchange -> {
            exchange.sendResponseHeaders(501, -1);
            exchange.close();
        });
        other.start();
        try {
            String url = "http://127.0.0.1:" + other.getAddress().getPort();
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> new ClickHouseMigrator(new ClickHouseConfig(url, "default", "", "paypulse")).migrate());
            assertTrue(e.getMessage().startsWith("ClickHouse at " + url + " failed while "),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("; is that ClickHouse's HTTP port (8123 by"
                    + " default), with http:// or https:// as it serves? Check CLICKHOUSE_URL"), e.getMessage());
        } finally {
            other.stop(0);
        }
    }
}
