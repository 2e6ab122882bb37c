package io.paypulse.flink.model;

/**
 * A deduplicated event after its one parse: its {@code stripe_events} row (payload redacted) and,
 * when it is one, the payment attempt or payout settlement it reports. An event whose body is not a
 * JSON object still has a sound envelope: its delivery latency counts, but its row is not stored.
 *
 * @param row     the raw-event row; its payload is {@code ""} when the body is not stored
 * @param stored  whether the body is a JSON object, so the row goes to {@code stripe_events}
 * @param attempt the attempt of a {@code charge.succeeded} or {@code charge.failed}; {@code null} otherwise
 * @param payout  the settlement of a {@code payout.paid} or {@code payout.failed}; {@code null} otherwise
 */
public record ParsedEvent(StripeEventRow row, boolean stored, PaymentAttempt attempt, PayoutSettlement payout) {

    public String eventId() {
        return row.eventId();
    }

    public String type() {
        return row.type();
    }

    /** Event time, Stripe's {@code created}, in epoch milliseconds. */
    public long createdMillis() {
        return row.created() * 1000L;
    }

    /** Webhook delivery latency in milliseconds: see {@link StripeEvent#latencyMillis()}. */
    public long latencyMillis() {
        return row.receivedAtMillis() - createdMillis();
    }
}
