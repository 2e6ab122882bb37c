package io.paypulse.simulator;

import java.time.Duration;

/**
 * How Stripe delivers: at least once, in no guaranteed order, some of it minutes late. All times are
 * simulated time.
 *
 * @param latencyMedian  median time from an event's {@code created} to its delivery (log-normal, p99 about 4×)
 * @param reorderWithin  each delivery is held back by up to this much more, so deliveries overtake each other
 * @param duplicateRate  share of events delivered a second time, seconds to a minute after the first
 * @param lateRate       share of events with a delivery minutes late: half of them are delivered on time and
 *                       again late (a retry after an answer Stripe did not see), half only late (the first
 *                       attempts failed)
 * @param lateMin        the earliest a late delivery comes after {@code created}
 * @param lateMax        the latest
 */
public record DeliveryProfile(Duration latencyMedian, Duration reorderWithin, double duplicateRate, double lateRate,
                              Duration lateMin, Duration lateMax) {

    public static DeliveryProfile stripeLike() {
        return new DeliveryProfile(Duration.ofMillis(700), Duration.ofSeconds(5), 0.015, 0.01,
                Duration.ofMinutes(2), Duration.ofMinutes(10));
    }

    /** Every event exactly once, on time and in order: for tests that count. */
    public static DeliveryProfile perfect() {
        return new DeliveryProfile(Duration.ofMillis(500), Duration.ZERO, 0, 0, Duration.ofMinutes(2), Duration.ofMinutes(10));
    }
}
