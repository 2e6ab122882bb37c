package io.paypulse.simulator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedClockTest {

    @Test
    void aReplayIsBackdatedSoItCatchesUpWithTheWallClockWhenItEnds() {
        AtomicLong wall = new AtomicLong(1_000_000_000_000L);
        long t0 = wall.get();
        // A day at 144 times: ten minutes of wall time, starting 23h50m ago.
        SimulatedClock clock = SimulatedClock.start(Optional.of(Duration.ofDays(1)), 144, wall::get);
        assertEquals(t0 - Duration.ofHours(23).plusMinutes(50).toMillis(), clock.start());
        assertEquals(clock.start(), clock.now());
        assertTrue(clock.replaying());

        wall.set(t0 + 5 * 60_000);
        assertEquals(clock.start() + 144 * 5 * 60_000L, clock.now());
        assertTrue(clock.now() < wall.get(), "never ahead of the wall clock");

        assertEquals(t0 + 10 * 60_000, clock.caughtUpAt());
        wall.set(t0 + 10 * 60_000);
        assertEquals(wall.get(), clock.now());
        assertEquals(clock.start() + Duration.ofDays(1).toMillis(), clock.now(), "the scenario's end is now");
        wall.set(t0 + 30 * 60_000);
        assertEquals(wall.get(), clock.now(), "live from then on");
        assertFalse(clock.replaying());
    }

    @Test
    void wallAtIsTheInverseOfTheClock() {
        AtomicLong wall = new AtomicLong(1_700_000_000_000L);
        SimulatedClock clock = SimulatedClock.start(Optional.of(Duration.ofMinutes(90)), 40, wall::get);
        for (long sim = clock.start(); sim < clock.start() + Duration.ofMinutes(120).toMillis(); sim += 7_919) {
            long w = clock.wallAt(sim);
            assertTrue(clock.at(w) >= sim, "at " + sim);
            assertTrue(clock.at(w - 1) < sim, "at " + sim);
        }
    }

    @Test
    void withoutSpeedUpItIsTheWallClock() {
        AtomicLong wall = new AtomicLong(1_700_000_000_000L);
        SimulatedClock clock = SimulatedClock.start(Optional.empty(), 1, wall::get);
        wall.addAndGet(12_345);
        assertEquals(wall.get(), clock.now());
        assertFalse(clock.replaying());
    }
}
