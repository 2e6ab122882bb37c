package io.paypulse.bridge;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/** Waits for a condition by polling it until a deadline, instead of sleeping and hoping. */
final class Polling {

    private Polling() {
    }

    static boolean pause() {
        LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        return !Thread.currentThread().isInterrupted();
    }

    /** Polls until the condition holds; fails with {@code what} once the deadline passes. */
    static void await(String what, Duration deadline, Callable<Boolean> condition) throws Exception {
        long stopAt = System.nanoTime() + deadline.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > stopAt) {
                throw new AssertionError("timed out after " + deadline + " waiting until " + what);
            }
            pause();
        }
    }
}
