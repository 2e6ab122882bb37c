package io.paypulse.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertEventTest {

    static final String KEY = "R0UTINGKEY0123456789abcdefghijkl";
    static final String DASHBOARD = "https://grafana.example.com/d/paypulse-health";
    static final Instant DETECTED = Instant.parse("2026-11-02T10:15:30.123456Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    static AlertEvent visaBrazilSpike() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("observed", 0.38);
        details.put("expected", 0.06);
        details.put("attempts", 412);
        return new AlertEvent(EventAction.TRIGGER, "paypulse/decline_rate/card_brand=visa,country=BR/1",
                "Visa declines in BR at 38% (412 attempts) vs 6% expected; do_not_honor up 9x", "stripe:acct_1Visa",
                Severity.CRITICAL, DETECTED, "decline_rate", "card_brand,country", "decline_rate_spike", details, DASHBOARD);
    }

    @Test
    void aTriggerCarriesThePayloadTheDashboardLinkAndTheClient() throws Exception {
        JsonNode expected = JSON.readTree("""
                {"routing_key": "%s",
                 "event_action": "trigger",
                 "dedup_key": "paypulse/decline_rate/card_brand=visa,country=BR/1",
                 "payload": {
                   "summary": "Visa declines in BR at 38%% (412 attempts) vs 6%% expected; do_not_honor up 9x",
                   "source": "stripe:acct_1Visa",
                   "severity": "critical",
                   "timestamp": "2026-11-02T10:15:30.123Z",
                   "component": "decline_rate",
                   "group": "card_brand,country",
                   "class": "decline_rate_spike",
                   "custom_details": {"observed": 0.38, "expected": 0.06, "attempts": 412, "dashboard": "%s"}},
                 "links": [{"href": "%s", "text": "Grafana dashboard"}],
                 "client": "paypulse",
                 "client_url": "%s"}
                """.formatted(KEY, DASHBOARD, DASHBOARD, DASHBOARD));
        assertEquals(expected, visaBrazilSpike().requestBody(KEY));
    }

    @Test
    void aResolveCarriesOnlyTheRoutingKeyTheActionAndTheDedupKey() throws Exception {
        AlertEvent resolve = new AlertEvent(EventAction.RESOLVE, "incident-7", "back to normal", "stripe:acct_1",
                Severity.INFO, DETECTED, "decline_rate", "all", "decline_rate_spike", Map.of("observed", 0.05), DASHBOARD);
        assertEquals(JSON.readTree("""
                {"routing_key": "%s", "event_action": "resolve", "dedup_key": "incident-7"}
                """.formatted(KEY)), resolve.requestBody(KEY));
        assertEquals(JSON.readTree("""
                {"routing_key": "%s", "event_action": "acknowledge", "dedup_key": "incident-7"}
                """.formatted(KEY)),
                new AlertEvent(EventAction.ACKNOWLEDGE, "incident-7", null, null, null, null, null, null, null, null, null)
                        .requestBody(KEY));
    }

    @Test
    void optionalFieldsAreLeftOutRatherThanSentEmpty() throws Exception {
        AlertEvent bare = AlertEvent.trigger(null, "Webhooks silent for 5 minutes", "bridge", Severity.ERROR, null);
        assertEquals(JSON.readTree("""
                {"routing_key": "%s", "event_action": "trigger",
                 "payload": {"summary": "Webhooks silent for 5 minutes", "source": "bridge", "severity": "error"},
                 "client": "paypulse"}
                """.formatted(KEY)), bare.requestBody(KEY));
    }

    @Test
    void theSummaryIsCutTo1024CharactersEndingInAnEllipsis() {
        String longSummary = "x".repeat(1500);
        AlertEvent event = AlertEvent.trigger("k", longSummary, "s", Severity.WARNING, null);
        String sent = event.requestBody(KEY).path("payload").path("summary").asText();
        assertEquals(1024, sent.length());
        assertEquals("x".repeat(1023) + "\u2026", sent);
        assertEquals(longSummary, event.summary(), "the record keeps the whole sentence for the alerts table");

        String exact = "y".repeat(1024);
        assertEquals(exact, AlertEvent.trigger("k", exact, "s", Severity.WARNING, null).wireSummary());
    }

    @Test
    void cuttingNeverSplitsACharacterOutsideTheBasicPlane() {
        String emoji = "\uD83D\uDCB3"; // a credit card, two UTF-16 units
        String summary = "a".repeat(1022) + emoji + "tail";
        String sent = AlertEvent.trigger("k", summary, "s", Severity.INFO, null).wireSummary();
        assertTrue(sent.length() <= 1024);
        assertEquals("a".repeat(1022) + "\u2026", sent);
    }

    @Test
    void refusesWhatPagerDutyWouldReject() {
        String tooLong = "k".repeat(256);
        IllegalArgumentException dedup = assertThrows(IllegalArgumentException.class,
                () -> AlertEvent.trigger(tooLong, "s", "src", Severity.INFO, null));
        assertTrue(dedup.getMessage().startsWith("dedupKey must be at most 255 characters"), dedup.getMessage());
        AlertEvent.trigger("k".repeat(255), "s", "src", Severity.INFO, null);

        IllegalArgumentException resolve = assertThrows(IllegalArgumentException.class, () -> AlertEvent.resolve(null, null));
        assertEquals("a resolve event needs the dedupKey of the incident it refers to", resolve.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AlertEvent.trigger("k", " ", "src", Severity.INFO, null));
        assertThrows(IllegalArgumentException.class, () -> AlertEvent.trigger("k", "s", null, Severity.INFO, null));
        assertThrows(NullPointerException.class, () -> AlertEvent.trigger("k", "s", "src", null, null));
        assertThrows(IllegalArgumentException.class, () -> AlertEvent.trigger("", "s", "src", Severity.INFO, null));
        assertThrows(IllegalArgumentException.class, () -> new AlertEvent(EventAction.TRIGGER, "k", "s", "src",
                Severity.INFO, null, null, null, null, null, "grafana.local/d/1"));
    }

    @Test
    void toJsonIsTheBodyWithoutTheRoutingKey() throws Exception {
        AlertEvent event = visaBrazilSpike();
        JsonNode stored = JSON.readTree(event.toJson());
        assertFalse(stored.has("routing_key"));
        JsonNode sent = event.requestBody(KEY);
        ((com.fasterxml.jackson.databind.node.ObjectNode) sent).remove("routing_key");
        assertEquals(sent, stored);
    }

    @Test
    void customDetailsAreCopiedSoTheCallerCannotChangeASentEvent() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("observed", 1);
        AlertEvent event = new AlertEvent(EventAction.TRIGGER, "k", "s", "src", Severity.INFO, null, null, null, null,
                details, null);
        details.put("observed", 2);
        assertEquals(Map.of("observed", 1), event.customDetails());
        assertEquals(Map.of(), AlertEvent.resolve("k", null).customDetails());
    }
}
