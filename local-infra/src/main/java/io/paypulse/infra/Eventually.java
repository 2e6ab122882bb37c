package io.paypulse.infra;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Waits for a fact by polling it until a deadline: tests wait for facts, never for a fixed time. The
 * pause between probes backs off from 20 ms to 250 ms; only the deadline bounds the wait.
 */
public final class Eventually {

    private static final long FIRST_PAUSE_MS = 20;
    private static final long MAX_PAUSE_MS = 250;

    private Eventually() {
    }

    /**
     * Calls {@code probe} until it returns without throwing (an exception or a failed assertion) and
     * returns its result; at the deadline, rethrows the probe's last failure.
     */
    public static <T> T get(Duration timeout, Callable<T> probe) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMs = FIRST_PAUSE_MS;
        while (true) {
            try {
                return probe.call();
            } catch (Exception | AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(pauseMs);
            pauseMs = Math.min(MAX_PAUSE_MS, pauseMs * 2);
        }
    }

    /**
     * Polls {@code condition} until it is true; at the deadline, fails with an {@link AssertionError}
     * saying what it waited for. Unlike {@link #get}, a condition that throws ends the wait at once, so a
     * condition can fail fast (a process that died, say).
     */
    public static void until(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMs = FIRST_PAUSE_MS;
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(pauseMs);
            pauseMs = Math.min(MAX_PAUSE_MS, pauseMs * 2);
        }
    }
}
