package io.paypulse.flink.functions;

import io.paypulse.flink.model.DimensionKey;

/**
 * Running counts of one decline-rate window: the accumulator of {@link DeclineRateAggregate}. A
 * mutable Flink POJO, so window state stays compact and schema-evolvable.
 */
public class DeclineCounts {

    /** The key the counts belong to; set by the first attempt. */
    public DimensionKey key;
    public long attempts;
    public long approved;
    public long declined;
    public long outcomeAuthorized;
    public long outcomeManualReview;
    public long outcomeIssuerDeclined;
    public long outcomeBlocked;
    public long outcomeInvalid;
    public long outcomeOther;

    public DeclineCounts() {
    }
}
