package io.paypulse.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClickHouseConfigTest {

    @Test
    void defaultsWhenNothingIsSet() {
        ClickHouseConfig config = ClickHouseConfig.fromEnv(Map.of());
        assertEquals(new ClickHouseConfig("http://localhost:8123", "default", "", "paypulse"), config);
    }

    @Test
    void blankVariablesTakeTheirDefaults() {
        ClickHouseConfig config = ClickHouseConfig.fromEnv(Map.of(
                "CLICKHOUSE_URL", " ", "CLICKHOUSE_USER", "", "CLICKHOUSE_DATABASE", ""));
        assertEquals(ClickHouseConfig.fromEnv(Map.of()), config);
    }

    @Test
    void readsEveryVariable() {
        ClickHouseConfig config = ClickHouseConfig.fromEnv(Map.of(
                "CLICKHOUSE_URL", "https://ch.example.com:8443/",
                "CLICKHOUSE_USER", "paypulse_writer",
                "CLICKHOUSE_PASSWORD", " s3cret ",
                "CLICKHOUSE_DATABASE", "paypulse_staging"));
        assertEquals("https://ch.example.com:8443", config.url(), "trailing slash dropped");
        assertEquals("paypulse_writer", config.user());
        assertEquals(" s3cret ", config.password(), "password taken as-is");
        assertEquals("paypulse_staging", config.database());
        assertEquals("jdbc:clickhouse:https://ch.example.com:8443", config.jdbcUrl());
        assertEquals(Map.of("user", "paypulse_writer", "password", " s3cret "), config.jdbcProperties());
    }

    @Test
    void toStringMasksThePassword() {
        ClickHouseConfig config = new ClickHouseConfig("http://localhost:8123", "default", "hunter2-secret", "paypulse");
        assertFalse(config.toString().contains("hunter2-secret"), config.toString());
        assertTrue(config.toString().contains("password=****"), config.toString());
        assertTrue(config.toString().contains("url=http://localhost:8123"), config.toString());
        assertTrue(new ClickHouseConfig("http://localhost:8123", "default", "", "paypulse").toString()
                .contains("password=(empty)"));
    }

    @Test
    void withDatabaseKeepsTheRest() {
        ClickHouseConfig config = new ClickHouseConfig("http://h:1", "u", "p", "a").withDatabase("b");
        assertEquals(new ClickHouseConfig("http://h:1", "u", "p", "b"), config);
    }

    @Test
    void urlMustBeHttpWithHost() {
        assertRejected("localhost:8123", "http://");
        assertRejected("jdbc:clickhouse://localhost:8123", "http://");
        assertRejected("tcp://localhost:9000", "http://");
        assertRejected("http://", "http://localhost:8123");
        assertRejected("http:///x", "no host");
        assertRejected("http://localhost:8123/paypulse", "CLICKHOUSE_DATABASE");
        assertRejected("http://localhost:8123?user=x", "scheme, host and port");
        assertRejected("http://local host:8123", "not a URL");
    }

    @Test
    void credentialsInTheUrlAreRejectedWithoutEchoingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClickHouseConfig("http://me:topsecret@localhost:8123", "default", "", "paypulse"));
        assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
        assertTrue(e.getMessage().contains("CLICKHOUSE_PASSWORD"), e.getMessage());

        IllegalArgumentException unparsable = assertThrows(IllegalArgumentException.class,
                () -> new ClickHouseConfig("http://me:top secret@local host", "default", "", "paypulse"));
        assertFalse(unparsable.getMessage().contains("top secret"), unparsable.getMessage());
    }

    @Test
    void databaseMustBeAPlainIdentifier() {
        for (String bad : new String[] {"1abc", "pay-pulse", "pay pulse", "db;DROP", "`x`"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new ClickHouseConfig("http://localhost:8123", "default", "", bad), bad);
            assertTrue(e.getMessage().contains("CLICKHOUSE_DATABASE"), e.getMessage());
        }
        new ClickHouseConfig("http://localhost:8123", "default", "", "_it_paypulse_42");
    }

    @Test
    void userMustNotBeEmpty() {
        assertThrows(IllegalArgumentException.class,
                () -> new ClickHouseConfig("http://localhost:8123", " ", "", "paypulse"));
    }

    private static void assertRejected(String url, String expectedInMessage) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClickHouseConfig(url, "default", "", "paypulse"), url);
        assertTrue(e.getMessage().contains(expectedInMessage), url + " -> " + e.getMessage());
    }
}
