package io.paypulse.alert;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PagerDutyConfigTest {

    private static final String KEY = "R0UTINGKEY0123456789abcdefghWXYZ";

    @Test
    void appliesTheDocumentedDefaults() {
        PagerDutyConfig c = PagerDutyConfig.fromEnv(Map.of());
        assertNull(c.routingKey());
        assertFalse(c.enabled());
        assertEquals(URI.create("https://events.pagerduty.com/v2/enqueue"), c.eventsUrl());
        assertEquals(Duration.ofSeconds(10), c.requestTimeout());
        assertEquals(5, c.maxAttempts());
        assertEquals(Duration.ofSeconds(1), c.initialBackoff());
        assertEquals(Duration.ofSeconds(30), c.maxBackoff());
        assertEquals(100, c.maxEventsPerMinute());
    }

    @Test
    void readsEveryVariable() {
        PagerDutyConfig c = PagerDutyConfig.fromEnv(Map.of(
                "PAGERDUTY_ROUTING_KEY", " " + KEY + "\n", "PAGERDUTY_EVENTS_URL", "http://127.0.0.1:9999/v2/enqueue",
                "PAGERDUTY_REQUEST_TIMEOUT_MS", "2500", "PAGERDUTY_MAX_ATTEMPTS", "3",
                "PAGERDUTY_INITIAL_BACKOFF_MS", "200", "PAGERDUTY_MAX_BACKOFF_MS", "800",
                "PAGERDUTY_MAX_EVENTS_PER_MINUTE", "60"));
        assertEquals(KEY, c.routingKey(), "a key read from a secret file keeps no trailing newline");
        assertTrue(c.enabled());
        assertEquals(URI.create("http://127.0.0.1:9999/v2/enqueue"), c.eventsUrl());
        assertEquals(Duration.ofMillis(2500), c.requestTimeout());
        assertEquals(3, c.maxAttempts());
        assertEquals(Duration.ofMillis(200), c.initialBackoff());
        assertEquals(Duration.ofMillis(800), c.maxBackoff());
        assertEquals(60, c.maxEventsPerMinute());
    }

    @Test
    void aBlankRoutingKeyMeansDisabled() {
        assertFalse(PagerDutyConfig.fromEnv(Map.of("PAGERDUTY_ROUTING_KEY", "  ")).enabled());
    }

    @Test
    void refusesBadValuesWithAMessageThatNamesTheVariable() {
        assertEquals("PAGERDUTY_MAX_ATTEMPTS must be a whole number, got 'many'",
                refused(Map.of("PAGERDUTY_MAX_ATTEMPTS", "many")));
        assertEquals("PAGERDUTY_MAX_ATTEMPTS must be between 1 and 20 (1 = no retries), got 0",
                refused(Map.of("PAGERDUTY_MAX_ATTEMPTS", "0")));
        assertEquals("PAGERDUTY_EVENTS_URL must be an absolute http(s) URL such as https://events.pagerduty.com/v2/enqueue,"
                + " got 'events.pagerduty.com/v2/enqueue'", refused(Map.of("PAGERDUTY_EVENTS_URL", "events.pagerduty.com/v2/enqueue")));
        assertTrue(refused(Map.of("PAGERDUTY_EVENTS_URL", "http://a b")).startsWith("PAGERDUTY_EVENTS_URL is not a valid URL"));
        assertEquals("PAGERDUTY_REQUEST_TIMEOUT_MS must be positive", refused(Map.of("PAGERDUTY_REQUEST_TIMEOUT_MS", "0")));
        assertEquals("PAGERDUTY_INITIAL_BACKOFF_MS must be positive", refused(Map.of("PAGERDUTY_INITIAL_BACKOFF_MS", "-1")));
        assertEquals("PAGERDUTY_MAX_BACKOFF_MS (500 ms) must not be below PAGERDUTY_INITIAL_BACKOFF_MS (1000 ms)",
                refused(Map.of("PAGERDUTY_MAX_BACKOFF_MS", "500")));
        assertEquals("PAGERDUTY_MAX_EVENTS_PER_MINUTE must be at least 1, got 0 (PagerDuty allows about 120 per integration key)",
                refused(Map.of("PAGERDUTY_MAX_EVENTS_PER_MINUTE", "0")));
    }

    @Test
    void aMalformedRoutingKeyIsRefusedWithoutEchoingIt() {
        String shortKey = "s3cretButTooShort";
        String message = refused(Map.of("PAGERDUTY_ROUTING_KEY", shortKey));
        assertEquals("PAGERDUTY_ROUTING_KEY must be the 32-character integration key of an Events API v2 integration"
                + " (service → Integrations), got 17 characters", message);
        String spaced = "R0UTINGKEY0123456789 bcdefghWXYZ";
        message = refused(Map.of("PAGERDUTY_ROUTING_KEY", spaced));
        assertEquals("PAGERDUTY_ROUTING_KEY holds a space or non-ASCII character at position 20: copy the integration key again",
                message);
    }

    @Test
    void neverPrintsTheRoutingKey() {
        PagerDutyConfig c = PagerDutyConfig.fromEnv(Map.of("PAGERDUTY_ROUTING_KEY", KEY));
        assertFalse(c.toString().contains(KEY));
        assertFalse(c.toString().contains(KEY.substring(0, 8)));
        assertTrue(c.toString().contains("routingKey=****WXYZ"), c.toString());
        assertTrue(PagerDutyConfig.fromEnv(Map.of()).toString().contains("routingKey=(unset)"));
    }

    private static String refused(Map<String, String> env) {
        return assertThrows(IllegalArgumentException.class, () -> PagerDutyConfig.fromEnv(env)).getMessage();
    }
}
