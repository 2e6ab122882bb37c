package io.paypulse.flink.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertingConfigTest {

    private static final String KEY = "abcdefghijklmnopqrstuvwxyz012345";

    @Test
    void defaults() {
        AlertingConfig c = AlertingConfig.fromEnv(Map.of());
        assertEquals(5, c.resolveAfterWindows());
        assertEquals(Duration.ofMinutes(30), c.cooldown());
        assertEquals(Duration.ofMinutes(1), c.endpointBucket());
        assertEquals(Duration.ofMinutes(10), c.resolveHold());
        assertEquals(0, c.warmupWindows());
        assertNull(c.dashboardUrl());
        assertFalse(c.paging());
        // The log line shows the value in force, not the 0 that stands for "the detectors' default".
        assertTrue(c.toString().contains(", warmupWindows=60 (default),"), c.toString());
        assertTrue(AlertingConfig.fromEnv(Map.of("PAYPULSE_DETECTOR_WARMUP_WINDOWS", "120")).toString()
                .contains(", warmupWindows=120,"));
    }

    @Test
    void readsEveryVariable() {
        AlertingConfig c = AlertingConfig.fromEnv(Map.of(
                "PAYPULSE_RESOLVE_AFTER_WINDOWS", "3", "PAYPULSE_INCIDENT_COOLDOWN", "10m",
                "PAYPULSE_ENDPOINT_BUCKET", "30s", "PAYPULSE_DETECTOR_WARMUP_WINDOWS", "120",
                "GRAFANA_URL", "https://grafana.example.com/", "PAGERDUTY_ROUTING_KEY", KEY, "UNRELATED", "x",
                "PAYPULSE_INCIDENT_RESOLVE_HOLD", "0s"));
        assertEquals(Duration.ZERO, c.resolveHold());
        assertEquals(3, c.resolveAfterWindows());
        assertEquals(Duration.ofMinutes(10), c.cooldown());
        assertEquals(Duration.ofSeconds(30), c.endpointBucket());
        assertEquals(120, c.warmupWindows());
        assertEquals("https://grafana.example.com/d/paypulse-financial-health", c.dashboardUrl());
        assertTrue(c.paging());
        assertEquals(Map.of("PAGERDUTY_ROUTING_KEY", KEY), c.pagerDutyEnv());
    }

    @Test
    void theRoutingKeyNeverShows() {
        AlertingConfig c = AlertingConfig.fromEnv(Map.of("PAGERDUTY_ROUTING_KEY", KEY));
        assertFalse(c.toString().contains(KEY), c.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AlertingConfig.fromEnv(Map.of("PAGERDUTY_ROUTING_KEY", KEY + "x")));
        assertFalse(e.getMessage().contains(KEY), e.getMessage());
    }

    @Test
    void badValuesNameTheVariable() {
        assertMessage("PAYPULSE_RESOLVE_AFTER_WINDOWS", Map.of("PAYPULSE_RESOLVE_AFTER_WINDOWS", "0"));
        assertMessage("PAYPULSE_RESOLVE_AFTER_WINDOWS", Map.of("PAYPULSE_RESOLVE_AFTER_WINDOWS", "five"));
        assertMessage("PAYPULSE_INCIDENT_COOLDOWN", Map.of("PAYPULSE_INCIDENT_COOLDOWN", "soon"));
        assertMessage("PAYPULSE_ENDPOINT_BUCKET", Map.of("PAYPULSE_ENDPOINT_BUCKET", "500ms"));
        assertMessage("PAYPULSE_INCIDENT_RESOLVE_HOLD", Map.of("PAYPULSE_INCIDENT_RESOLVE_HOLD", "later"));
        assertMessage("PAYPULSE_INCIDENT_RESOLVE_HOLD", Map.of("PAYPULSE_INCIDENT_RESOLVE_HOLD", "-PT1M"));
        assertMessage("PAYPULSE_DETECTOR_WARMUP_WINDOWS", Map.of("PAYPULSE_DETECTOR_WARMUP_WINDOWS", "-1"));
        assertMessage("GRAFANA_URL", Map.of("GRAFANA_URL", "grafana:3000"));
        assertMessage("PAGERDUTY_EVENTS_URL", Map.of("PAGERDUTY_EVENTS_URL", "not a url"));
    }

    private static void assertMessage(String variable, Map<String, String> env) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AlertingConfig.fromEnv(env));
        assertTrue(e.getMessage().contains(variable), e.getMessage());
    }
}
