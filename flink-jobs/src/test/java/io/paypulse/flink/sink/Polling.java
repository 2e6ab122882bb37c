package io.paypulse.flink.sink;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for a condition by polling it until a deadline: tests wait for facts, never for a fixed time. */
final class Polling {

    private Polling() {
    }

    /** Calls {@code probe} until it returns without throwing; rethrows its last failure at the deadline. */
    static <T> T await(Duration timeout, Callable<T> probe) throws Exception {
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
            // Only spaces out the probes; the deadline bounds the wait.
            Thread.sleep(pauseMs);
            pauseMs = Math.min(250, pauseMs * 2);
        }
    }
}
