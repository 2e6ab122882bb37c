package io.paypulse.flink.model;

import java.time.Instant;
import java.util.List;

/**
 * Decline counts of one one-minute window and one dimension key; a row of ClickHouse table
 * {@code decline_rates_1m}. Outcome types are fixed columns (Stripe's {@code outcome.type} values),
 * anything else lands in {@code outcomeOther}, so the counts always add up to {@code attempts}.
 *
 * @param windowStart epoch seconds of the window's first instant
 * @param version     {@code attempts}: grows with every late event the window takes in, and is the
 *                    same on every replay, so ReplacingMergeTree keeps the most complete row
 */
public record DeclineRateWindow(
        long windowStart,
        String dimensionSet,
        String paymentMethodType,
        String cardBrand,
        String cardCountry,
        String cardFunding,
        String currency,
        String failureCode,
        String networkDeclineCode,
        String account,
        long attempts,
        long approved,
        long declined,
        long outcomeAuthorized,
        long outcomeManualReview,
        long outcomeIssuerDeclined,
        long outcomeBlocked,
        long outcomeInvalid,
        long outcomeOther,
        long version) {

    /** The ClickHouse table these rows go to (schemas/clickhouse/migrations). */
    public static final String TABLE = "decline_rates_1m";

    /** Column names of {@code decline_rates_1m}, in the order of the record components. */
    public static final List<String> COLUMNS = List.of("window_start", "dimension_set", "payment_method_type",
            "card_brand", "card_country", "card_funding", "currency", "failure_code", "network_decline_code",
            "account", "attempts", "approved", "declined", "outcome_authorized", "outcome_manual_review",
            "outcome_issuer_declined", "outcome_blocked", "outcome_invalid", "outcome_other", "version");

    /** declined / attempts. */
    public double declineRate() {
        return attempts == 0 ? 0.0 : (double) declined / attempts;
    }

    /** Values for {@link #COLUMNS} in the Java types the ClickHouse sink writes (DateTime as {@link Instant}). */
    public Object[] toColumnValues() {
        return new Object[] {Instant.ofEpochSecond(windowStart), dimensionSet, paymentMethodType, cardBrand,
                cardCountry, cardFunding, currency, failureCode, networkDeclineCode, account, attempts, approved,
                declined, outcomeAuthorized, outcomeManualReview, outcomeIssuerDeclined, outcomeBlocked,
                outcomeInvalid, outcomeOther, version};
    }
}
