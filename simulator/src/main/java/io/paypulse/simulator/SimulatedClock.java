package io.paypulse.simulator;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The simulation's clock, which sets every event's {@code created}. It starts in the past and runs
 * {@code speedUp} times faster than the wall clock until it has caught up with it, then runs with it:
 * {@code sim(t) = min(t, simStart + speedUp × (t − wallStart))}.
 *
 * <p>Why backdated and never ahead: the job judges events in event time ({@code created}), so a
 * sped-up replay must advance {@code created} faster than real time; if it ran into the future, the
 * job's watermark would run ahead of the world and every real event after it would be too late. A
 * replay that starts {@code duration × (1 − 1/speedUp)} ago instead ends exactly at the present, with
 * every window in order, and live traffic simply continues from there. The price: the bridge stamps
 * {@code received_at} with the wall clock, so webhook latency ({@code received_at − created}) is only
 * real once the clock has caught up; during the replay it shrinks from the backdating to zero.
 */
public final class SimulatedClock {

    private final LongSupplier wall;
    private final long wallStart;
    private final long simStart;
    private final double speedUp;

    private SimulatedClock(LongSupplier wall, long wallStart, long simStart, double speedUp) {
        this.wall = wall;
        this.wallStart = wallStart;
        this.simStart = simStart;
        this.speedUp = speedUp;
    }

    /**
     * A clock for a scenario of {@code duration} at {@code speedUp}, started now: backdated so that it
     * catches up with the wall clock when the scenario ends. Without a duration (or at speed-up 1) it
     * is the wall clock.
     */
    public static SimulatedClock start(Optional<Duration> duration, double speedUp, LongSupplier wallMillis) {
        if (speedUp < 1) {
            throw new IllegalArgumentException("the speed-up must be at least 1, got " + speedUp);
        }
        long now = wallMillis.getAsLong();
        long backdate = duration.isEmpty() || speedUp == 1 ? 0
                : Math.round(duration.get().toMillis() * (1 - 1 / speedUp));
        return new SimulatedClock(wallMillis, now, now - backdate, speedUp);
    }

    /** Simulated epoch millis now. */
    public long now() {
        return at(wall.getAsLong());
    }

    /** Simulated epoch millis at wall epoch millis {@code wallMillis}. */
    public long at(long wallMillis) {
        double sped = simStart + speedUp * (wallMillis - wallStart);
        return Math.min(wallMillis, (long) Math.floor(sped));
    }

    /** The wall epoch millis at which the simulated clock reads {@code simMillis}. */
    public long wallAt(long simMillis) {
        if (simMillis >= caughtUpAt()) {
            return simMillis;
        }
        return wallStart + (long) Math.ceil((simMillis - simStart) / speedUp);
    }

    /** When, in epoch millis, the clock has caught up with the wall clock (both read the same from then on). */
    public long caughtUpAt() {
        if (speedUp == 1) {
            return simStart;
        }
        // simStart + s·(t − wallStart) = t  ⇔  t = (s·wallStart − simStart) / (s − 1)
        return (long) Math.ceil((speedUp * wallStart - simStart) / (speedUp - 1));
    }

    /** Simulated epoch millis at which the scenario began. */
    public long start() {
        return simStart;
    }

    public double speedUp() {
        return speedUp;
    }

    /** Whether the clock still runs ahead of real time (a replay), rather than with it (live). */
    public boolean replaying() {
        return now() < wall.getAsLong();
    }

    /** Wall millis now, from the same source as the clock. */
    public long wallNow() {
        return wall.getAsLong();
    }
}
