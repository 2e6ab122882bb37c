package io.paypulse.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * Something that goes wrong during a scenario, from {@code start} (simulated time since the scenario
 * began) for {@code duration}.
 */
public sealed interface Incident {

    Duration start();

    Duration duration();

    /** The scenario file's name for this kind of incident. */
    String type();

    default Duration end() {
        return start().plus(duration());
    }

    /** Whether the simulated instant {@code offsetMillis} (since the scenario began) falls inside the incident. */
    default boolean activeAt(long offsetMillis) {
        return offsetMillis >= start().toMillis() && offsetMillis < end().toMillis();
    }

    /** The segments matching {@code segment} fail at {@code declineRate}, with {@code declineCode} if set. */
    record DeclineSpike(Duration start, Duration duration, SegmentFilter segment, double declineRate, String declineCode)
            implements Incident {
        public DeclineSpike {
            check(start, duration);
            Objects.requireNonNull(segment, "segment");
        }

        @Override
        public String type() {
            return "decline_spike";
        }
    }

    /** Webhooks take {@code delay} longer to arrive, or {@code multiplier} times as long (one of the two). */
    record LatencySpike(Duration start, Duration duration, Duration delay, double multiplier) implements Incident {
        public LatencySpike {
            check(start, duration);
            Objects.requireNonNull(delay, "delay");
        }

        @Override
        public String type() {
            return "latency_spike";
        }
    }

    /**
     * No webhooks at all. With {@code backlog} false the merchant's traffic stops (nothing is created,
     * so volume drops to zero); with {@code backlog} true Stripe cannot reach the endpoint, keeps the
     * events and delivers them when the silence ends, as its retries would.
     */
    record Silence(Duration start, Duration duration, boolean backlog) implements Incident {
        public Silence {
            check(start, duration);
        }

        @Override
        public String type() {
            return "silence";
        }
    }

    /** Payouts paid during the incident ({@code currency} only, if set) took {@code days} longer to arrive. */
    record PayoutDelay(Duration start, Duration duration, double days, String currency) implements Incident {
        public PayoutDelay {
            check(start, duration);
        }

        @Override
        public String type() {
            return "payout_delay";
        }
    }

    private static void check(Duration start, Duration duration) {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(duration, "duration");
    }
}
