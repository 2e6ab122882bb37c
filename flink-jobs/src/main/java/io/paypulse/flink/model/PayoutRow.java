package io.paypulse.flink.model;

import java.time.Instant;
import java.util.List;

/**
 * A row of ClickHouse {@code payouts}: a payout with the status its latest event reported. A payout
 * Stripe reports paid and later failed gets a second row with a higher version, which replaces the
 * first.
 *
 * @param status       {@code paid} or {@code failed}
 * @param account      Connect account id; empty for the platform
 * @param eventCreated {@code created} of the event that reported the status, epoch seconds
 */
public record PayoutRow(
        String payoutId,
        String eventId,
        String status,
        long amount,
        String currency,
        String method,
        String failureCode,
        String account,
        long created,
        long arrivalDate,
        long eventCreated) {

    public static final String TABLE = "payouts";

    /** Column names of {@code payouts}, in the order of the record components, then version. */
    public static final List<String> COLUMNS = List.of("payout_id", "event_id", "status", "amount", "currency", "method",
            "failure_code", "account", "created", "arrival_date", "event_created", "version");

    public static final String PAID = "paid";
    public static final String FAILED = "failed";

    /** The row of a payout event, from its settlement and the event's envelope. */
    public static PayoutRow of(PayoutSettlement payout, StripeEventRow event) {
        return new PayoutRow(payout.payoutId(), payout.eventId(), payout.paid() ? PAID : FAILED, payout.amount(),
                payout.currency(), payout.method(), payout.failureCode(), event.account(), payout.payoutCreated(),
                payout.arrivalDate(), event.created());
    }

    /**
     * Replacement version: the later event wins; within one second a failure wins over a payment, since
     * Stripe's paid-then-failed is the only order in which both come.
     */
    public long version() {
        return eventCreated * 2 + (FAILED.equals(status) ? 1 : 0);
    }

    /** Values for {@link #COLUMNS} in the Java types the ClickHouse sink writes (DateTime as {@link Instant}). */
    public Object[] toColumnValues() {
        return new Object[] {payoutId, eventId, status, amount, currency, method, failureCode, account,
                Instant.ofEpochSecond(created), Instant.ofEpochSecond(arrivalDate), Instant.ofEpochSecond(eventCreated),
                version()};
    }
}
