package io.paypulse.simulator;

/**
 * One Stripe event the simulation created: its id, type and {@code created} (epoch seconds), the
 * webhook body, and, for charges, the segment it came from and whether it was declined.
 */
public record SimulatedEvent(String id, String type, long created, String body, Segment segment, boolean declined) {

    public boolean isCharge() {
        return type.startsWith("charge.");
    }
}
