package io.paypulse.flink.functions;

import io.paypulse.flink.config.DimensionSet;
import io.paypulse.flink.model.LatencyObservation;
import io.paypulse.flink.model.ParsedEvent;
import io.paypulse.flink.model.WebhookLatencyWindow;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** Emits each event's latency twice: once for all events, once for its event type. */
public class LatencyDimensions implements FlatMapFunction<ParsedEvent, LatencyObservation> {

    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(ParsedEvent event, Collector<LatencyObservation> out) {
        long latency = event.latencyMillis();
        out.collect(new LatencyObservation(DimensionSet.ALL, "", latency));
        out.collect(new LatencyObservation(WebhookLatencyWindow.DIMENSION_SET_EVENT_TYPE, event.type(), latency));
    }
}
