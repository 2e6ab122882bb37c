package io.paypulse.flink.functions;

import io.paypulse.flink.model.LatencyObservation;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Sketches the webhook latency of one window and key. */
public class WebhookLatencyAggregate
        implements AggregateFunction<LatencyObservation, LatencyAccumulator, LatencyAccumulator> {

    private static final long serialVersionUID = 1L;

    @Override
    public LatencyAccumulator createAccumulator() {
        return new LatencyAccumulator();
    }

    @Override
    public LatencyAccumulator add(LatencyObservation value, LatencyAccumulator acc) {
        if (acc.dimensionSet == null) {
            acc.dimensionSet = value.dimensionSet();
            acc.eventType = value.eventType();
        }
        acc.latencyMs.add(value.latencyMillis());
        return acc;
    }

    @Override
    public LatencyAccumulator getResult(LatencyAccumulator acc) {
        return acc;
    }

    @Override
    public LatencyAccumulator merge(LatencyAccumulator a, LatencyAccumulator b) {
        LatencyAccumulator m = new LatencyAccumulator();
        m.dimensionSet = a.dimensionSet != null ? a.dimensionSet : b.dimensionSet;
        m.eventType = a.eventType != null ? a.eventType : b.eventType;
        m.latencyMs = a.latencyMs.copy();
        m.latencyMs.merge(b.latencyMs);
        return m;
    }
}
