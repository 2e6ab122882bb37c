package io.paypulse.flink.model;

/**
 * How long one payout took to settle, from a {@code payout.paid} or {@code payout.failed} event.
 *
 * @param paid          {@code true} for payout.paid, {@code false} for payout.failed
 * @param method        payout {@code method}: {@code standard} or {@code instant}
 * @param payoutCreated payout {@code created}, epoch seconds
 * @param arrivalDate   payout {@code arrival_date}, epoch seconds
 * @param amount        payout {@code amount}, in the smallest currency unit; 0 when absent
 * @param failureCode   payout {@code failure_code} of a failed payout; empty otherwise
 */
public record PayoutSettlement(
        String payoutId,
        String eventId,
        boolean paid,
        String currency,
        String method,
        long payoutCreated,
        long arrivalDate,
        long amount,
        String failureCode) {

    /** A settlement without amount or failure code, for tests of the settlement windows. */
    public PayoutSettlement(String payoutId, String eventId, boolean paid, String currency, String method,
                            long payoutCreated, long arrivalDate) {
        this(payoutId, eventId, paid, currency, method, payoutCreated, arrivalDate, 0, "");
    }

    /** {@code arrival_date - created} in seconds. */
    public long settlementSeconds() {
        return arrivalDate - payoutCreated;
    }
}
