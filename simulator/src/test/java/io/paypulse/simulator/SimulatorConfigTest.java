package io.paypulse.simulator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatorConfigTest {

    @Test
    void defaultsAreLiveSteadyTrafficToTheLocalBridge() {
        SimulatorConfig c = SimulatorConfig.fromEnv(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_new,whsec_old"));
        assertEquals("http://localhost:8080/webhooks/stripe", c.url().toString());
        assertEquals("whsec_new", c.secret(), "the first secret of a rotation signs");
        assertEquals("steady", c.scenario().name());
        assertEquals(1, c.scenario().speedUp());
        assertTrue(c.scenario().duration().isEmpty());
        assertEquals(16, c.concurrency());
        assertFalse(c.toString().contains("whsec_"), "the secret is never printed");
    }

    @Test
    void flagsOverrideTheScenario() {
        SimulatorConfig c = SimulatorConfig.fromEnv(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_x", "SIMULATOR_URL",
                "http://bridge:9000/webhooks/stripe", "SIMULATOR_RATE", "1200", "SIMULATOR_SPEED_UP", "144",
                "SIMULATOR_DURATION", "1d", "SIMULATOR_SEED", "99", "SIMULATOR_CONCURRENCY", "4"));
        assertEquals(1200, c.scenario().ratePerMinute());
        assertEquals(144, c.scenario().speedUp());
        assertEquals(Duration.ofDays(1), c.scenario().duration().orElseThrow());
        assertEquals(99, c.seed());
        assertEquals(4, c.concurrency());
        assertEquals("bridge", c.url().getHost());
    }

    @Test
    void mistakesSayWhichVariableAndWhatToDo() {
        assertMessage(Map.of(), "STRIPE_WEBHOOK_SECRET is not set");
        assertMessage(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_x", "SIMULATOR_SPEED_UP", "60"),
                "SIMULATOR_SPEED_UP=60 needs a duration (SIMULATOR_DURATION, e.g. 1d)");
        assertMessage(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_x", "SIMULATOR_RATE", "lots"), "SIMULATOR_RATE='lots' is not a number");
        assertMessage(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_x", "SIMULATOR_SCENARIO", "quickstart", "SIMULATOR_DURATION", "30m"),
                "a duration of 30m ends before the scenario's decline_spike incident (until 1h15m)");
        assertMessage(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_x", "SIMULATOR_URL", "ftp://x"), "the bridge URL must be http(s)");
    }

    private static void assertMessage(Map<String, String> env, String start) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SimulatorConfig.fromEnv(env));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
