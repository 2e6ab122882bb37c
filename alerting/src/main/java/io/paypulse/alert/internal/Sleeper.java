package io.paypulse.alert.internal;

import java.time.Duration;

/** Waits for a while; tests pass one that only records the waits, so no test depends on wall-clock time. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;

    /** Blocks the calling thread; an interrupt ends the wait with {@link InterruptedException}. */
    static Sleeper system() {
        return duration -> {
            if (!duration.isNegative() && !duration.isZero()) {
                Thread.sleep(duration.toMillis(), (int) (duration.toNanosPart() % 1_000_000));
            } else if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        };
    }
}
