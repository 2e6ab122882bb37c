package io.paypulse.flink.functions;

import io.paypulse.flink.model.SettlementTimeWindow;
import io.paypulse.flink.sketch.DurationSketch;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns a fired settlement window into its {@code settlement_times_1m} row; the payout count is the version. */
public class SettlementTimeWindowFunction
        extends ProcessWindowFunction<SettlementAccumulator, SettlementTimeWindow, String, TimeWindow> {

    private static final long serialVersionUID = 1L;

    @Override
    public void process(String keyId, Context context, Iterable<SettlementAccumulator> accs,
                        Collector<SettlementTimeWindow> out) {
        SettlementAccumulator acc = accs.iterator().next();
        DurationSketch s = acc.paidSeconds;
        long payouts = s.count() + acc.failed;
        out.collect(new SettlementTimeWindow(context.window().getStart() / 1000, acc.dimensionSet, acc.currency,
                acc.method, payouts, s.count(), acc.failed, s.sum(), s.max(), s.quantile(0.5), s.quantile(0.95),
                s.sketchBase64(), payouts));
    }
}
