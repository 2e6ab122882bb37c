package io.paypulse.flink.functions;

import io.paypulse.flink.model.StripeEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Lets the first delivery of each Stripe event id through and drops redeliveries. Keyed by event id;
 * the flag expires after the retention (state TTL), so state holds only recent ids.
 */
public class EventDeduplicator extends KeyedProcessFunction<String, StripeEvent, StripeEvent> {

    private static final long serialVersionUID = 1L;

    private final Duration retention;
    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;

    public EventDeduplicator(Duration retention) {
        this.retention = retention;
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getState(JobState.seenEvent(retention));
        duplicates = getRuntimeContext().getMetricGroup().counter(JobMetrics.EVENTS_DUPLICATE);
    }

    @Override
    public void processElement(StripeEvent event, Context ctx, Collector<StripeEvent> out) throws Exception {
        if (seen.value() != null) {
            duplicates.inc();
            return;
        }
        seen.update(Boolean.TRUE);
        out.collect(event);
    }
}
