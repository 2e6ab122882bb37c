package io.paypulse.flink.functions;

import io.paypulse.flink.sketch.DurationSketch;

/** Settlement times of one window and key: the accumulator of {@link SettlementTimeAggregate}. */
public class SettlementAccumulator {

    public String dimensionSet;
    public String currency;
    public String method;
    /** Settlement seconds of paid payouts. */
    public DurationSketch paidSeconds = DurationSketch.empty();
    public long failed;

    public SettlementAccumulator() {
    }
}
