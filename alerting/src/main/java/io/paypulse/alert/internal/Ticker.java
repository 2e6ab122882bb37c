package io.paypulse.alert.internal;

/** A monotonic time source in nanoseconds, so a wall-clock jump cannot open or close the rate-limit window early. */
@FunctionalInterface
public interface Ticker {

    long nanos();

    static Ticker system() {
        return System::nanoTime;
    }
}
