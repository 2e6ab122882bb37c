package io.paypulse.flink.functions;

import io.paypulse.flink.sketch.DurationSketch;

/** Latency distribution of one window and key: the accumulator of {@link WebhookLatencyAggregate}. */
public class LatencyAccumulator {

    public String dimensionSet;
    public String eventType;
    public DurationSketch latencyMs = DurationSketch.empty();

    public LatencyAccumulator() {
    }
}
