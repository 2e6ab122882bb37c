package io.paypulse.alert;

import io.paypulse.alert.internal.Sleeper;
import io.paypulse.alert.internal.Ticker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Time that moves only when the code under test sleeps: waits are recorded and return at once. */
final class FakeTime implements Ticker, Sleeper {

    private long nanos;
    private final List<Duration> sleeps = new ArrayList<>();

    @Override
    public synchronized long nanos() {
        return nanos;
    }

    @Override
    public synchronized void sleep(Duration duration) {
        sleeps.add(duration);
        nanos += duration.toNanos();
    }

    synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }
}
