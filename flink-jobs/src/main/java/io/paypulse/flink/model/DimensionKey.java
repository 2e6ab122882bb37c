package io.paypulse.flink.model;

import io.paypulse.flink.config.Dimension;
import io.paypulse.flink.config.DimensionSet;

/**
 * Where an attempt is counted within one dimension set: the set's name and one value per dimension,
 * {@code ""} for each dimension the set does not group by.
 */
public record DimensionKey(
        String dimensionSet,
        String paymentMethodType,
        String cardBrand,
        String cardCountry,
        String cardFunding,
        String currency,
        String failureCode,
        String networkDeclineCode,
        String account) {

    /** The key of {@code attempt} in {@code set}. */
    public static DimensionKey of(DimensionSet set, PaymentAttempt attempt) {
        return new DimensionKey(set.name(),
                pick(set, Dimension.PAYMENT_METHOD_TYPE, attempt.paymentMethodType()),
                pick(set, Dimension.CARD_BRAND, attempt.cardBrand()),
                pick(set, Dimension.CARD_COUNTRY, attempt.cardCountry()),
                pick(set, Dimension.CARD_FUNDING, attempt.cardFunding()),
                pick(set, Dimension.CURRENCY, attempt.currency()),
                pick(set, Dimension.FAILURE_CODE, attempt.failureCode()),
                pick(set, Dimension.NETWORK_DECLINE_CODE, attempt.networkDeclineCode()),
                pick(set, Dimension.ACCOUNT, attempt.account()));
    }

    /**
     * A string that identifies this key, used to partition the stream. String hashing is specified by
     * the JDK, so keys land on the same key group on every JVM and after every restore.
     */
    public String id() {
        return String.join("\u001f", dimensionSet, paymentMethodType, cardBrand, cardCountry, cardFunding,
                currency, failureCode, networkDeclineCode, account);
    }

    private static String pick(DimensionSet set, Dimension dimension, String value) {
        return set.contains(dimension) ? value : "";
    }
}
