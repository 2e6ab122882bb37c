package io.paypulse.flink.sink.internal;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Wait before retry number n: the initial backoff doubled per attempt, capped, then jittered into
 * its upper half so that the writers of all subtasks do not hit a recovering server in lockstep.
 */
final class RetryBackoff {

    private final long initialMs;
    private final long maxMs;
    private final DoubleSupplier jitter;

    RetryBackoff(long initialMs, long maxMs) {
        this(initialMs, maxMs, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param jitter values in [0, 1); 0 gives half the nominal backoff, values near 1 all of it */
    RetryBackoff(long initialMs, long maxMs, DoubleSupplier jitter) {
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.jitter = jitter;
    }

    /** The nominal backoff before retry {@code retry} (1 for the first), without jitter. */
    long nominalMs(int retry) {
        int doublings = Math.min(Math.max(retry - 1, 0), 62);
        long ms = initialMs;
        for (int i = 0; i < doublings && ms < maxMs; i++) {
            ms *= 2;
        }
        return Math.min(ms, maxMs);
    }

    long delayMs(int retry) {
        long nominal = nominalMs(retry);
        long half = nominal / 2;
        return Math.max(1, half + (long) ((nominal - half) * jitter.getAsDouble()));
    }
}
