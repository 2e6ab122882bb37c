package io.paypulse.flink.model;

/**
 * A payment attempt on its way into the window of one dimension set: its key there and what the
 * window counts of it. Each attempt crosses the network once per dimension set, so this carries no
 * more than the counts need.
 *
 * @param declined    whether the charge failed
 * @param outcomeType Stripe {@code outcome.type}
 */
public record DimensionedAttempt(DimensionKey key, boolean declined, String outcomeType) {

    public static DimensionedAttempt of(DimensionKey key, PaymentAttempt attempt) {
        return new DimensionedAttempt(key, attempt.declined(), attempt.outcomeType());
    }
}
