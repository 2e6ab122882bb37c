package io.paypulse.schemas;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it holds or a deadline passes: tests wait for facts, never for a fixed time. */
final class Eventually {

    private Eventually() {
    }

    /** Calls {@code probe} until it returns without throwing; rethrows its last failure at the deadline. */
    static <T> T get(Duration timeout, Callable<T> probe) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMs = 20;
        while (true) {
            try {
                return probe.call();
            } catch (Exception | AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            // Back off between probes; the deadline, not this pause, bounds the wait.
            Thread.sleep(pauseMs);
            pauseMs = Math.min(500, pauseMs * 2);
        }
    }
}
