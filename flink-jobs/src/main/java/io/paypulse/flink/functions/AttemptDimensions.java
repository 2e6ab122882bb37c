package io.paypulse.flink.functions;

import io.paypulse.flink.config.DimensionSet;
import io.paypulse.flink.model.DimensionKey;
import io.paypulse.flink.model.DimensionedAttempt;
import io.paypulse.flink.model.PaymentAttempt;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

import java.util.List;

/**
 * Emits each attempt once per configured dimension set, keyed by that set's values: grouping sets,
 * so the number of rows grows with the sets configured, never with the cross product of dimensions.
 */
public class AttemptDimensions implements FlatMapFunction<PaymentAttempt, DimensionedAttempt> {

    private static final long serialVersionUID = 1L;

    private final List<DimensionSet> sets;

    public AttemptDimensions(List<DimensionSet> sets) {
        this.sets = List.copyOf(sets);
    }

    @Override
    public void flatMap(PaymentAttempt attempt, Collector<DimensionedAttempt> out) {
        for (DimensionSet set : sets) {
            out.collect(DimensionedAttempt.of(DimensionKey.of(set, attempt), attempt));
        }
    }
}
