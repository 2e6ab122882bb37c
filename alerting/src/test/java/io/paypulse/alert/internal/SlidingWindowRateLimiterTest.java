package io.paypulse.alert.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SlidingWindowRateLimiterTest {

    private long now;
    private final List<Duration> sleeps = new ArrayList<>();
    private final Ticker ticker = () -> now;
    private final Sleeper sleeper = d -> {
        sleeps.add(d);
        now += d.toNanos();
    };

    @Test
    void grantsUpToTheLimitAtOnceThenWaitsForTheOldestToAgeOut() throws Exception {
        SlidingWindowRateLimiter limiter = new SlidingWindowRateLimiter(3, Duration.ofMinutes(1), ticker, sleeper);
        assertEquals(Duration.ZERO, limiter.acquire());
        advance(Duration.ofSeconds(10));
        assertEquals(Duration.ZERO, limiter.acquire());
        advance(Duration.ofSeconds(10));
        assertEquals(Duration.ZERO, limiter.acquire());
        // At 20 s the window holds 0 s, 10 s and 20 s: the fourth waits until 60 s.
        assertEquals(Duration.ofSeconds(40), limiter.acquire());
        // The window now holds 10 s, 20 s and 60 s: the fifth waits until 70 s.
        assertEquals(Duration.ofSeconds(10), limiter.acquire());
        assertEquals(List.of(Duration.ofSeconds(40), Duration.ofSeconds(10)), sleeps);
    }

    @Test
    void neverAllowsMoreThanTheLimitInAnyWindow() throws Exception {
        int limit = 5;
        SlidingWindowRateLimiter limiter = new SlidingWindowRateLimiter(limit, Duration.ofMinutes(1), ticker, sleeper);
        List<Long> grants = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            limiter.acquire();
            grants.add(now);
            advance(Duration.ofSeconds(i % 7));
        }
        for (int i = limit; i < grants.size(); i++) {
            assertEquals(true, grants.get(i) - grants.get(i - limit) >= Duration.ofMinutes(1).toNanos(),
                    "grants " + (i - limit) + " and " + i + " are less than a minute apart");
        }
    }

    @Test
    void tryAcquireNeverWaitsAndTakesNothingWhenFull() {
        SlidingWindowRateLimiter limiter = new SlidingWindowRateLimiter(2, Duration.ofMinutes(1), ticker, sleeper);
        assertEquals(Duration.ZERO, limiter.tryAcquire());
        advance(Duration.ofSeconds(15));
        assertEquals(Duration.ZERO, limiter.tryAcquire());
        advance(Duration.ofSeconds(5));
        // Full at 20 s: the first permit (0 s) frees up at 60 s. Asking again takes nothing more.
        assertEquals(Duration.ofSeconds(40), limiter.tryAcquire());
        assertEquals(Duration.ofSeconds(40), limiter.tryAcquire());
        advance(Duration.ofSeconds(40));
        assertEquals(Duration.ZERO, limiter.tryAcquire());
        // Now 15 s and 60 s are in the window: the next frees up at 75 s.
        assertEquals(Duration.ofSeconds(15), limiter.tryAcquire());
        assertEquals(List.of(), sleeps);
    }

    @Test
    void refusesANonsenseLimit() {
        assertThrows(IllegalArgumentException.class, () -> new SlidingWindowRateLimiter(0, Duration.ofMinutes(1), ticker, sleeper));
        assertThrows(IllegalArgumentException.class, () -> new SlidingWindowRateLimiter(1, Duration.ZERO, ticker, sleeper));
    }

    private void advance(Duration d) {
        now += d.toNanos();
    }
}
