package io.paypulse.flink.functions;

import io.paypulse.flink.config.DimensionSet;
import io.paypulse.flink.model.PayoutSettlement;
import io.paypulse.flink.model.SettlementObservation;
import io.paypulse.flink.model.SettlementTimeWindow;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** Emits each payout twice: once for all payouts, once for its currency and payout method. */
public class SettlementDimensions implements FlatMapFunction<PayoutSettlement, SettlementObservation> {

    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(PayoutSettlement payout, Collector<SettlementObservation> out) {
        out.collect(new SettlementObservation(DimensionSet.ALL, "", "", payout));
        out.collect(new SettlementObservation(SettlementTimeWindow.DIMENSION_SET_CURRENCY_METHOD,
                payout.currency(), payout.method(), payout));
    }
}
