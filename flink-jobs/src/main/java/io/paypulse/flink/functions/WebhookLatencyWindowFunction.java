package io.paypulse.flink.functions;

import io.paypulse.flink.model.WebhookLatencyWindow;
import io.paypulse.flink.sketch.DurationSketch;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns a fired latency window into its {@code webhook_latency_1m} row; the event count is the version. */
public class WebhookLatencyWindowFunction
        extends ProcessWindowFunction<LatencyAccumulator, WebhookLatencyWindow, String, TimeWindow> {

    private static final long serialVersionUID = 1L;

    @Override
    public void process(String keyId, Context context, Iterable<LatencyAccumulator> accs,
                        Collector<WebhookLatencyWindow> out) {
        LatencyAccumulator acc = accs.iterator().next();
        DurationSketch s = acc.latencyMs;
        out.collect(new WebhookLatencyWindow(context.window().getStart() / 1000, acc.dimensionSet, acc.eventType,
                s.count(), s.sum(), s.min(), s.max(), s.quantile(0.5), s.quantile(0.9), s.quantile(0.99),
                s.sketchBase64(), s.count()));
    }
}
