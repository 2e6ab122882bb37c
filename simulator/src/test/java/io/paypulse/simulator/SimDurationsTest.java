package io.paypulse.simulator;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimDurationsTest {

    @Test
    void readsWhatPeopleWrite() {
        assertEquals(Duration.ofMillis(700), SimDurations.parse("700ms"));
        assertEquals(Duration.ofSeconds(90), SimDurations.parse("90s"));
        assertEquals(Duration.ofMinutes(5), SimDurations.parse("5m"));
        assertEquals(Duration.ofMinutes(150), SimDurations.parse("2h30m"));
        assertEquals(Duration.ofHours(36), SimDurations.parse("1.5d"));
        assertEquals(Duration.ofMinutes(-5), SimDurations.parse("-5m"));
        assertEquals(Duration.ofHours(1), SimDurations.parse("PT1H"));
        assertEquals("12h30m", SimDurations.format(SimDurations.parse("12h30m")));
        assertEquals("1d2h", SimDurations.format(Duration.ofHours(26)));
        assertEquals("0s", SimDurations.format(Duration.ZERO));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SimDurations.parse("five minutes"));
        assertTrue(e.getMessage().contains("'five minutes' is not a duration"), e.getMessage());
    }
}
