package io.paypulse.simulator;

/**
 * One planned webhook delivery of an event, due at simulated epoch millis {@code dueMillis}.
 *
 * @param sequence breaks ties between deliveries due at the same millisecond, in planning order
 */
public record Delivery(SimulatedEvent event, long dueMillis, Kind kind, long sequence) implements Comparable<Delivery> {

    /** Why this delivery happens. */
    public enum Kind {
        /** The event's first delivery, a second or so after it was created. */
        FIRST,
        /** A second delivery seconds later (Stripe delivers at least once). */
        DUPLICATE,
        /** Delivered again minutes later: a retry after an answer Stripe did not see. */
        LATE_REDELIVERY,
        /** Delivered only minutes later: Stripe's first attempts failed. */
        LATE_FIRST,
        /** Held back by a silence and delivered when it ended, as Stripe's retries would. */
        BACKLOG
    }

    @Override
    public int compareTo(Delivery o) {
        int byDue = Long.compare(dueMillis, o.dueMillis);
        return byDue != 0 ? byDue : Long.compare(sequence, o.sequence);
    }
}
