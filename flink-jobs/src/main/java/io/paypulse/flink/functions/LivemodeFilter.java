package io.paypulse.flink.functions;

import io.paypulse.flink.config.Livemode;
import io.paypulse.flink.model.ParsedEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.metrics.Counter;

/**
 * Keeps the events whose Stripe mode the metrics count ({@link Livemode}) and counts the others in
 * {@link JobMetrics#EVENTS_OTHER_MODE}. It runs after the raw rows are taken, so every event is still
 * stored in {@code stripe_events}.
 */
public final class LivemodeFilter extends RichFilterFunction<ParsedEvent> {

    private static final long serialVersionUID = 1L;

    private final Livemode mode;
    private transient Counter otherMode;

    public LivemodeFilter(Livemode mode) {
        this.mode = mode;
    }

    @Override
    public void open(OpenContext openContext) {
        otherMode = getRuntimeContext().getMetricGroup().counter(JobMetrics.EVENTS_OTHER_MODE);
    }

    @Override
    public boolean filter(ParsedEvent event) {
        if (mode.counts(event.row().livemode())) {
            return true;
        }
        otherMode.inc();
        return false;
    }
}
