package io.paypulse.flink.functions;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * The window side of {@link LocalWindowAggregator}: adds each partial accumulator to the window's
 * with the aggregate's own {@code merge}.
 */
public final class MergePartials<ACC> implements AggregateFunction<ACC, ACC, ACC> {

    private static final long serialVersionUID = 1L;

    private final AggregateFunction<?, ACC, ?> aggregate;

    public MergePartials(AggregateFunction<?, ACC, ?> aggregate) {
        this.aggregate = aggregate;
    }

    @Override
    public ACC createAccumulator() {
        return aggregate.createAccumulator();
    }

    @Override
    public ACC add(ACC partial, ACC acc) {
        return aggregate.merge(acc, partial);
    }

    @Override
    public ACC getResult(ACC acc) {
        return acc;
    }

    @Override
    public ACC merge(ACC a, ACC b) {
        return aggregate.merge(a, b);
    }
}
