package io.paypulse.simulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenarioFileTest {

    @Test
    void everyBuiltInScenarioIsValid() {
        for (String name : ScenarioFile.BUILT_IN) {
            Scenario s = ScenarioFile.builtIn(name);
            assertEquals(name, s.name());
            assertTrue(!s.description().isBlank(), name);
        }
        Scenario quickstart = ScenarioFile.builtIn("quickstart");
        assertEquals(40, quickstart.speedUp());
        assertEquals(Duration.ofMinutes(90), quickstart.duration().orElseThrow());
        Incident.DeclineSpike spike = assertInstanceOf(Incident.DeclineSpike.class, quickstart.incidents().get(0));
        assertEquals("brand=visa,country=BR", spike.segment().toString());
        assertEquals(0.45, spike.declineRate());
        assertEquals(Duration.ofMinutes(70), spike.start());
    }

    @Test
    void aFileIsReadAndDefaultsFillWhatItLeavesOut(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lunch.json");
        Files.writeString(file, """
                {"rate_per_minute": 300, "speed_up": 10, "duration": "2h",
                 "incidents": [
                   {"type": "latency_spike", "start": "30m", "duration": "10m", "multiplier": 20},
                   {"type": "silence", "start": "1h", "duration": "5m", "backlog": true},
                   {"type": "payout_delay", "start": "1h30m", "duration": "20m", "days": 2, "currency": "EUR"}]}
                """);
        Scenario s = ScenarioFile.load(file.toString());
        assertEquals("lunch", s.name());
        assertEquals(300, s.ratePerMinute());
        assertEquals(20, s.payoutsPerHour());
        assertEquals(DeliveryProfile.stripeLike(), s.delivery());
        assertEquals(List.of("latency_spike", "silence", "payout_delay"), s.incidents().stream().map(Incident::type).toList());
        assertEquals(new Incident.Silence(Duration.ofHours(1), Duration.ofMinutes(5), true), s.incidents().get(1));
        assertEquals("eur", ((Incident.PayoutDelay) s.incidents().get(2)).currency());
    }

    @Test
    void mistakesNameTheFileTheFieldAndTheFix() {
        assertError("{\"incidents\": [{\"type\": \"spike\", \"start\": \"1m\", \"duration\": \"1m\"}]}",
                "scenario bad.json: incidents[0].type: unknown incident type 'spike'; use one of decline_spike, latency_spike,"
                        + " silence, payout_delay");
        assertError("{\"duration\": \"1h\", \"incidents\": [{\"type\": \"silence\", \"start\": \"1m\"}]}",
                "scenario bad.json: incidents[0].duration: missing: a duration such as \"90s\", \"5m\" or \"2h\"");
        assertError("{\"duration\": \"1h\", \"incidents\": [{\"type\": \"silence\", \"start\": \"1m\", \"duration\": \"-5m\"}]}",
                "scenario bad.json: incidents[0].duration: must be positive, got -5m");
        assertError("{\"duration\": \"1h\", \"incidents\": [{\"type\": \"decline_spike\", \"start\": \"1m\", \"duration\": \"5m\","
                        + " \"segment\": {\"brand\": \"visa\"}}]}",
                "scenario bad.json: incidents[0].decline_rate: missing: the share of the segment's charges that fail, e.g. 0.4");
        assertError("{\"duration\": \"1h\", \"incidents\": [{\"type\": \"decline_spike\", \"start\": \"1m\", \"duration\": \"5m\","
                        + " \"segment\": {\"brand\": \"visa\", \"country\": \"NZ\"}, \"decline_rate\": 0.5}]}",
                "scenario bad.json: incidents[0].segment: brand=visa,country=NZ matches no traffic; segments are visa×US credit (usd)");
        assertError("{\"duration\": \"1h\", \"incidents\": [{\"type\": \"decline_spike\", \"start\": \"1m\", \"duration\": \"5m\","
                        + " \"segment\": {\"brand\": \"visa\"}, \"decline_rate\": 1.5}]}",
                "scenario bad.json: incidents[0].decline_rate: must be between 0 and 1, got 1.5");
        assertError("{\"duration\": \"1h\", \"incidents\": [{\"type\": \"silence\", \"start\": \"50m\", \"duration\": \"20m\"}]}",
                "scenario bad.json: incidents[0]: ends at 1h10m, after the scenario's duration of 1h");
        assertError("{\"rate_per_minut\": 10}",
                "scenario bad.json: rate_per_minut: unknown field; expected one of delivery, description, duration, incidents,");
        assertError("{\"speed_up\": 10}",
                "scenario bad.json: duration: missing: a speed_up above 1 needs a duration");
        assertError("{\"duration\": \"soon\"}", "scenario bad.json: duration: 'soon' is not a duration");
        assertError("{\"delivery\": {\"duplicate_rate\": \"lots\"}}", "scenario bad.json: delivery.duplicate_rate: must be a number");
        assertError("{\"duration\": \"1h\", \"incidents\": [{\"type\": \"latency_spike\", \"start\": \"1m\", \"duration\": \"5m\"}]}",
                "scenario bad.json: incidents[0]: a latency_spike needs a delay (e.g. \"45s\") or a multiplier above 1");
        assertError("{\"incidents\": [", "scenario bad.json: not valid JSON (line 1, column");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScenarioFile.load("no-such-file.json"));
        assertEquals("scenario no-such-file.json: no such file, and not a built-in scenario (quickstart, steady, incident-day,"
                + " live-latency)", e.getMessage());
    }

    private static void assertError(String json, String expectedStart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScenarioFile.parse(json, "bad.json"));
        assertTrue(e.getMessage().startsWith(expectedStart), "expected '" + expectedStart + "...', got: " + e.getMessage());
    }
}
