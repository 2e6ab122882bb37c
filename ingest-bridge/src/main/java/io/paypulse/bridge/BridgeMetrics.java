package io.paypulse.bridge;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.paypulse.schemas.PipelineMetric;
import io.paypulse.schemas.Topics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bridge's Prometheus metrics: what came in, what was accepted or refused and why, how long Kafka
 * took to acknowledge, and what is in flight. Each bridge has its own registry so tests stay isolated.
 */
public final class BridgeMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    final Counter received = Counter.builder()
            .name("paypulse_bridge_webhooks_received_total")
            .help("Webhook deliveries received on POST /webhooks/stripe.")
            .register(registry);
    final Counter accepted = Counter.builder()
            .name("paypulse_bridge_webhooks_accepted_total")
            .help("Webhooks acknowledged by Kafka and answered 200.")
            .register(registry);
    final Counter rejected = Counter.builder()
            .name("paypulse_bridge_requests_rejected_total")
            .help("Requests refused because of what was sent, by reason.")
            .labelNames("reason")
            .register(registry);
    final Counter unavailable = Counter.builder()
            .name("paypulse_bridge_webhooks_unavailable_total")
            .help("Webhooks answered 503 so that Stripe retries, by reason (kafka_timeout, kafka_error, kafka_record_too_large; "
                    + "kafka_metadata_unavailable and kafka_buffer_full when the producer could not take the record at once).")
            .labelNames("reason")
            .register(registry);
    final Counter deadLettered = Counter.builder()
            .name("paypulse_bridge_webhooks_dead_lettered_total")
            .help("Signed bodies that are not events, written to stripe.events.dlq, by reason.")
            .labelNames("reason")
            .register(registry);
    final Counter abandoned = Counter.builder()
            .name("paypulse_bridge_webhooks_abandoned_total")
            .help("Webhook requests whose client went away or stalled before the whole body arrived: nothing was"
                    + " accepted, no answer could be given, and Stripe sends the event again.")
            .register(registry);
    final Counter secretMatched = Counter.builder()
            .name("paypulse_bridge_webhook_secret_matched_total")
            .help("Verified webhooks by the position of the secret in STRIPE_WEBHOOK_SECRET that matched.")
            .labelNames("secret_index")
            .register(registry);
    final Histogram produceLatency = Histogram.builder()
            .name("paypulse_bridge_kafka_produce_seconds")
            .help("Time from send to Kafka acknowledgement (acks=all), by topic.")
            .labelNames("topic")
            .classicOnly()
            .classicUpperBounds(0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
    final Gauge inFlight = Gauge.builder()
            .name("paypulse_bridge_requests_in_flight")
            .help("HTTP requests being handled right now.")
            .register(registry);
    final Gauge topicLimitTooSmall = Gauge.builder()
            .name("paypulse_bridge_topic_limit_too_small")
            .help("1 if the topic's max.message.bytes is below the largest record the bridge may write (bodies near "
                    + "BRIDGE_MAX_BODY_BYTES would get 503 on every retry), 0 if it is enough; absent until it could be read.")
            .labelNames("topic")
            .register(registry);
    final Gauge kafkaReady = Gauge.builder()
            .name("paypulse_bridge_kafka_ready")
            .help("1 while the last check found Kafka reachable and the producer knows stripe.events' partitions, else 0.")
            .register(registry);

    // The series every accepted webhook touches, looked up once: labelValues() hashes its labels on each call.
    private final CounterDataPoint[] secretMatchedByIndex;
    private final DistributionDataPoint produceLatencyEvents;
    private final DistributionDataPoint produceLatencyDlq;

    public BridgeMetrics(int secretCount) {
        // Labels are pre-created so a scrape shows every series at zero from the start.
        secretMatchedByIndex = new CounterDataPoint[secretCount];
        for (int i = 0; i < secretCount; i++) {
            secretMatchedByIndex[i] = secretMatched.labelValues(Integer.toString(i));
        }
        for (Rejection r : Rejection.values()) {
            rejected.labelValues(r.code());
            if (r.deadLettered()) {
                deadLettered.labelValues(r.code());
            }
        }
        // kafka_metadata_unavailable and kafka_buffer_full appear on first use: the pipeline health contract's
        // snapshot (paypulse.metrics) carries exactly these three series from the start.
        for (String reason : new String[]{"kafka_timeout", "kafka_error", BridgeHandler.TOO_LARGE}) {
            unavailable.labelValues(reason);
        }
        produceLatencyEvents = produceLatency.labelValues(Topics.STRIPE_EVENTS);
        produceLatencyDlq = produceLatency.labelValues(Topics.STRIPE_EVENTS_DLQ);
    }

    /** Counts a webhook verified by the secret at {@code index} of STRIPE_WEBHOOK_SECRET. */
    void secretMatched(int index) {
        secretMatchedByIndex[index].inc();
    }

    /** Observes how long Kafka took to acknowledge a record on {@code topic}. */
    void produced(String topic, double seconds) {
        switch (topic) {
            case Topics.STRIPE_EVENTS -> produceLatencyEvents.observe(seconds);
            case Topics.STRIPE_EVENTS_DLQ -> produceLatencyDlq.observe(seconds);
            default -> produceLatency.labelValues(topic).observe(seconds);
        }
    }

    /**
     * The counters of the pipeline health contract as rows of one snapshot taken at {@code tsMillis}
     * (see {@link PipelineMetric}): received, accepted, rejected and unavailable per reason, dead-lettered
     * (all reasons together: the reasons are among the rejected ones) and requests in flight.
     */
    public List<PipelineMetric> snapshot(long tsMillis, String instance) {
        List<PipelineMetric> rows = new ArrayList<>();
        rows.add(counter(tsMillis, instance, PipelineMetric.BRIDGE_RECEIVED, "", received.get()));
        rows.add(counter(tsMillis, instance, PipelineMetric.BRIDGE_ACCEPTED, "", accepted.get()));
        for (CounterSnapshot.CounterDataPointSnapshot point : rejected.collect().getDataPoints()) {
            rows.add(counter(tsMillis, instance, PipelineMetric.BRIDGE_REJECTED,
                    PipelineMetric.label("reason", point.getLabels().get("reason")), point.getValue()));
        }
        for (CounterSnapshot.CounterDataPointSnapshot point : unavailable.collect().getDataPoints()) {
            rows.add(counter(tsMillis, instance, PipelineMetric.BRIDGE_UNAVAILABLE,
                    PipelineMetric.label("reason", point.getLabels().get("reason")), point.getValue()));
        }
        double deadLetteredTotal = 0;
        for (CounterSnapshot.CounterDataPointSnapshot point : deadLettered.collect().getDataPoints()) {
            deadLetteredTotal += point.getValue();
        }
        rows.add(counter(tsMillis, instance, PipelineMetric.BRIDGE_DLQ, "", deadLetteredTotal));
        rows.add(new PipelineMetric(tsMillis, PipelineMetric.SOURCE_BRIDGE, instance, PipelineMetric.BRIDGE_IN_FLIGHT, "",
                inFlight.get(), PipelineMetric.KIND_GAUGE));
        return rows;
    }

    private static PipelineMetric counter(long tsMillis, String instance, String metric, String label, double value) {
        return new PipelineMetric(tsMillis, PipelineMetric.SOURCE_BRIDGE, instance, metric, label, value,
                PipelineMetric.KIND_COUNTER);
    }

    public String contentType() {
        return writer.getContentType();
    }

    /** The exposition text, as {@code /metrics} serves it. */
    public String scrapeText() {
        return new String(scrape(), java.nio.charset.StandardCharsets.UTF_8);
    }

    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
