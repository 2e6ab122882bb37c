package io.paypulse.flink.model;

import java.time.Instant;
import java.util.List;

/**
 * One payment attempt: the final outcome of a charge, from {@code charge.succeeded} or
 * {@code charge.failed}. A row of ClickHouse table {@code payment_attempts}, one per charge id.
 * PaymentIntent events are not attempts: the charge events already count each try once.
 *
 * @param status             {@link #APPROVED} or {@link #FAILED}
 * @param amount             in the currency's smallest unit, as Stripe gives it
 * @param paymentMethodType  {@code payment_method_details.type}, e.g. {@code card}; {@code ""} if absent
 * @param cardBrand          {@code payment_method_details.card.brand}; {@code ""} when not a card
 * @param outcomeType        Stripe {@code outcome.type}: authorized, manual_review, issuer_declined, blocked, invalid
 * @param failureCode        {@code failure_code}; {@code ""} when approved
 * @param networkDeclineCode {@code outcome.network_decline_code}; {@code ""} when none
 * @param account            Connect account id from the envelope; {@code ""} for the platform
 * @param created            event time, epoch seconds
 */
public record PaymentAttempt(
        String chargeId,
        String eventId,
        String status,
        long amount,
        String currency,
        String paymentMethodType,
        String cardBrand,
        String cardCountry,
        String cardFunding,
        String outcomeType,
        String failureCode,
        String networkDeclineCode,
        String account,
        long created) {

    public static final String APPROVED = "approved";
    public static final String FAILED = "failed";

    /** The ClickHouse table these rows go to (schemas/clickhouse/migrations). */
    public static final String TABLE = "payment_attempts";

    /** Column names of {@code payment_attempts}, in the order of the record components, then version. */
    public static final List<String> COLUMNS = List.of("charge_id", "event_id", "status", "amount", "currency",
            "payment_method_type", "card_brand", "card_country", "card_funding", "outcome_type", "failure_code",
            "network_decline_code", "account", "created", "version");

    public boolean declined() {
        return FAILED.equals(status);
    }

    /**
     * Replacement version in {@code payment_attempts}: the event's {@code created}, so if Stripe ever
     * sends two outcomes for one charge the later one wins, and a replay writes the same value.
     */
    public long version() {
        return created;
    }

    /** Values for {@link #COLUMNS} in the Java types the ClickHouse sink writes (DateTime as {@link Instant}). */
    public Object[] toColumnValues() {
        return new Object[] {chargeId, eventId, status, amount, currency, paymentMethodType, cardBrand, cardCountry,
                cardFunding, outcomeType, failureCode, networkDeclineCode, account, Instant.ofEpochSecond(created),
                version()};
    }
}
