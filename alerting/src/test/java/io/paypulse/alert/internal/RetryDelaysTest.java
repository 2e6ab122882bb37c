package io.paypulse.alert.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryDelaysTest {

    private static final Instant NOW = Instant.parse("2026-11-02T10:15:30Z");

    @Test
    void backoffDoublesWithinTheUpperHalfAndStopsAtTheMaximum() {
        RetryDelays delays = new RetryDelays(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom(9));
        long[] nominalSeconds = {1, 2, 4, 8, 16, 30, 30};
        for (int trial = 0; trial < 200; trial++) {
            for (int retry = 1; retry <= nominalSeconds.length; retry++) {
                long nominal = Duration.ofSeconds(nominalSeconds[retry - 1]).toMillis();
                long wait = delays.backoff(retry).toMillis();
                assertTrue(wait >= nominal / 2 && wait <= nominal, "retry " + retry + ": " + wait + " ms");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> delays.backoff(0));
    }

    @Test
    void aLateRetryDoesNotOverflow() {
        RetryDelays delays = new RetryDelays(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom(9));
        assertTrue(delays.backoff(200).compareTo(Duration.ofSeconds(30)) <= 0);
    }

    @Test
    void retryAfterReadsSecondsAndHttpDates() {
        assertEquals(Optional.of(Duration.ofSeconds(7)), RetryDelays.retryAfter("7", NOW));
        assertEquals(Optional.of(Duration.ZERO), RetryDelays.retryAfter("0", NOW));
        assertEquals(Optional.of(Duration.ofSeconds(20)), RetryDelays.retryAfter("Mon, 02 Nov 2026 10:15:50 GMT", NOW));
        assertEquals(Optional.of(Duration.ZERO), RetryDelays.retryAfter("Mon, 02 Nov 2026 10:00:00 GMT", NOW),
                "a date in the past means now");
    }

    @Test
    void retryAfterIgnoresWhatItCannotReadAndCapsWhatIsTooLong() {
        assertEquals(Optional.empty(), RetryDelays.retryAfter(null, NOW));
        assertEquals(Optional.empty(), RetryDelays.retryAfter(" ", NOW));
        assertEquals(Optional.empty(), RetryDelays.retryAfter("soon", NOW));
        assertEquals(Optional.empty(), RetryDelays.retryAfter("-5", NOW));
        assertEquals(Optional.of(RetryDelays.MAX_RETRY_AFTER), RetryDelays.retryAfter("86400", NOW));
        assertEquals(Optional.of(RetryDelays.MAX_RETRY_AFTER), RetryDelays.retryAfter("Tue, 03 Nov 2026 10:15:30 GMT", NOW));
    }
}
