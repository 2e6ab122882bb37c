package io.paypulse.flink.sink.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Backoff doubles from the initial value up to the cap, and jitter keeps it within the upper half. */
class RetryBackoffTest {

    @Test
    void doublesUpToTheCap() {
        RetryBackoff backoff = new RetryBackoff(100, 1000, () -> 0.999_999);

        assertEquals(List.of(100L, 200L, 400L, 800L, 1000L, 1000L),
                IntStream.rangeClosed(1, 6).mapToObj(backoff::nominalMs).toList());
        assertEquals(1000, backoff.nominalMs(10_000));
    }

    @Test
    void jitterStaysInTheUpperHalf() {
        assertEquals(400, new RetryBackoff(100, 1000, () -> 0.0).delayMs(4));
        assertEquals(799, new RetryBackoff(100, 1000, () -> 0.999_999).delayMs(4));
        assertEquals(600, new RetryBackoff(100, 1000, () -> 0.5).delayMs(4));
    }

    @Test
    void neverWaitsLessThanAMillisecond() {
        assertEquals(1, new RetryBackoff(1, 1, () -> 0.0).delayMs(1));
    }
}
