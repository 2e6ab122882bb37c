package io.paypulse.flink.model;

/**
 * One payout on its way into the window of one dimension set: {@code all} (currency and method
 * {@code ""}) or {@code currency,method}.
 */
public record SettlementObservation(String dimensionSet, String currency, String method, PayoutSettlement payout) {

    /** Partition key: set, currency and method, joined by a character none contains. */
    public String keyId() {
        return dimensionSet + '\u001f' + currency + '\u001f' + method;
    }
}
