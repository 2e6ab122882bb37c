package io.paypulse.flink.model;

/**
 * How long one payout took to settle, from a {@code payout.paid} or {@code payout.failed} event.
 *
 * @param paid          {@code true} for payout.paid, {@code false} for payout.failed
 * @param method        payout {@code method}: {@code standard} or {@code instant}
 * @param payoutCreated payout {@code created}, epoch seconds
 * @param arrivalDate   payout {@code arrival_date}, epoch seconds
 */
public record PayoutSettlement(
        String payoutId,
        String eventId,
        boolean paid,
        String currency,
        String method,
        long payoutCreated,
        long arrivalDate) {

    /** {@code arrival_date - created} in seconds. */
    public long settlementSeconds() {
        return arrivalDate - payoutCreated;
    }
}
