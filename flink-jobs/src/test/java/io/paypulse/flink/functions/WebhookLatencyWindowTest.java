package io.paypulse.flink.functions;

import io.paypulse.flink.PaymentHealthJob;
import io.paypulse.flink.TestEvents;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.model.LatencyObservation;
import io.paypulse.flink.model.ParsedEvent;
import io.paypulse.flink.model.WebhookLatencyWindow;
import io.paypulse.flink.sketch.DurationSketch;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.paypulse.flink.TestEvents.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

class WebhookLatencyWindowTest {

    private static final JobConfig CONFIG = JobConfig.fromEnv(Map.of(JobConfig.ENV_ALLOWED_LATENESS, "5m"));

    @Test
    void sketchesLatencyPerKeyAndCleansUp() throws Exception {
        ParsedEvent sample = TestEvents.parsed(TestEvents.succeeded("a", T0, "visa", "US", "usd"));
        try (KeyedOneInputStreamOperatorTestHarness<String, LatencyAccumulator, WebhookLatencyWindow> harness =
                     WindowHarness.of(PaymentHealthJob.webhookLatency(WindowHarness.graphOnly()
                             .fromData(Types.POJO(ParsedEvent.class), sample), CONFIG))) {
            harness.open();
            long[] latencies = {100, 200, 300, 400, 5000};
            // Two partials, as two parallel pre-aggregators send them; the window merges them.
            WebhookLatencyAggregate aggregate = new WebhookLatencyAggregate();
            LatencyAccumulator first = aggregate.createAccumulator();
            LatencyAccumulator second = aggregate.createAccumulator();
            for (int i = 0; i < latencies.length; i++) {
                aggregate.add(new LatencyObservation("event_type", "charge.succeeded", latencies[i]), i < 3 ? first : second);
            }
            harness.processElement(first, (T0 + 60) * 1000 - 1);
            harness.processElement(second, (T0 + 60) * 1000 - 1);
            harness.processWatermark(new Watermark((T0 + 60) * 1000 - 1));

            List<WebhookLatencyWindow> rows = harness.extractOutputValues();
            assertEquals(1, rows.size());
            WebhookLatencyWindow row = rows.get(0);
            assertEquals(T0, row.windowStart());
            assertEquals("event_type", row.dimensionSet());
            assertEquals("charge.succeeded", row.eventType());
            assertEquals(5, row.events());
            assertEquals(6000, row.sumMs());
            assertEquals(100, row.minMs());
            assertEquals(5000, row.maxMs());
            assertEquals(300, row.p50Ms(), 300 * DurationSketch.RELATIVE_ACCURACY);
            // DDSketch's quantile q is the value at rank floor(q * (n - 1)): of five values, the fourth.
            assertEquals(400, row.p99Ms(), 400 * DurationSketch.RELATIVE_ACCURACY);
            assertEquals(5, row.version());
            // The stored sketch is the whole distribution: decoding it gives the same quantiles.
            assertEquals(row.p50Ms(), DurationSketch.decodeBase64(row.sketch()).getValueAtQuantile(0.5), 1e-9);

            harness.processWatermark(new Watermark((T0 + 60) * 1000 - 1 + 5 * 60_000));
            assertEquals(0, harness.numKeyedStateEntries());
            assertEquals(0, harness.numEventTimeTimers());
        }
    }
}
