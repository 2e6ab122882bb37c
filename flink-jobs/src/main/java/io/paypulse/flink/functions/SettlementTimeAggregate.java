package io.paypulse.flink.functions;

import io.paypulse.flink.model.SettlementObservation;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Sketches settlement seconds of paid payouts and counts failed ones, per window and key. */
public class SettlementTimeAggregate
        implements AggregateFunction<SettlementObservation, SettlementAccumulator, SettlementAccumulator> {

    private static final long serialVersionUID = 1L;

    @Override
    public SettlementAccumulator createAccumulator() {
        return new SettlementAccumulator();
    }

    @Override
    public SettlementAccumulator add(SettlementObservation value, SettlementAccumulator acc) {
        if (acc.dimensionSet == null) {
            acc.dimensionSet = value.dimensionSet();
            acc.currency = value.currency();
            acc.method = value.method();
        }
        if (value.payout().paid()) {
            acc.paidSeconds.add(value.payout().settlementSeconds());
        } else {
            acc.failed++;
        }
        return acc;
    }

    @Override
    public SettlementAccumulator getResult(SettlementAccumulator acc) {
        return acc;
    }

    @Override
    public SettlementAccumulator merge(SettlementAccumulator a, SettlementAccumulator b) {
        SettlementAccumulator m = new SettlementAccumulator();
        m.dimensionSet = a.dimensionSet != null ? a.dimensionSet : b.dimensionSet;
        m.currency = a.currency != null ? a.currency : b.currency;
        m.method = a.method != null ? a.method : b.method;
        m.paidSeconds = a.paidSeconds.copy();
        m.paidSeconds.merge(b.paidSeconds);
        m.failed = a.failed + b.failed;
        return m;
    }
}
