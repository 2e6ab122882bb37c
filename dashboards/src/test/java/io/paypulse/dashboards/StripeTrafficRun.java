package io.paypulse.dashboards;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paypulse.infra.stripe.SimulatedCardTraffic;
import io.paypulse.infra.stripe.SimulatedCardTraffic.Segment;
import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.EnvelopeHeaders;
import io.paypulse.simulator.Poisson;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The Kafka records of a simulated stretch of a card business, as the bridge and the job's own reporter
 * write them, so that every dashboard panel has something to show: charges in six brand × country
 * segments with one segment's declines spiking, payment intents, payouts that settle or fail, a few events
 * too late for their windows, dead-lettered bodies, and the counter snapshots of a bridge (restarted once
 * half-way, so its counters reset) and of a job TaskManager. Deterministic for a seed.
 */
final class StripeTrafficRun {

    static final int LATE_EVENTS = 5;
    static final int DEAD_LETTERS = 6;
    static final String BRIDGE = "bridge-it";
    static final String TASK_MANAGER = "taskmanager-it";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String[][] DECLINES = {{"card_declined", "05"}, {"insufficient_funds", "51"},
            {"do_not_honor", "05"}, {"expired_card", "54"}, {"incorrect_cvc", "N7"}};
    private static final String[] DLQ_REASONS = {EnvelopeHeaders.DLQ_REASON_INVALID_JSON, EnvelopeHeaders.DLQ_REASON_MISSING_ID};

    /**
     * The three topics' records. {@code lateEvents} go to the events topic too, each to the partition of its
     * index: they are only late once the job's watermark has moved past the run's first hour, so the test
     * sends them when it has.
     */
    record Records(List<ProducerRecord<byte[], byte[]>> events, List<ProducerRecord<byte[], byte[]>> lateEvents,
                   List<ProducerRecord<byte[], byte[]>> deadLetters, List<ProducerRecord<byte[], byte[]>> metrics) {
    }

    private final String eventsTopic;
    private final String dlqTopic;
    private final String metricsTopic;
    private final SplittableRandom random;
    private long sequence;

    StripeTrafficRun(String eventsTopic, String dlqTopic, String metricsTopic, long seed) {
        this.eventsTopic = eventsTopic;
        this.dlqTopic = dlqTopic;
        this.metricsTopic = metricsTopic;
        this.random = new SplittableRandom(seed);
    }

    /**
     * {@code minutes} minutes from {@code start} (epoch second on a minute boundary) at {@code chargesPerMinute};
     * the spiking segment declines at {@code spikeRate} from minute {@code spikeFrom} to {@code spikeTo}. Three
     * payouts a minute (USD standard, EUR standard, USD instant), one in ten failing, and every USD instant payout
     * from minute {@code payoutFailuresFrom} to {@code payoutFailuresTo}.
     */
    Records run(long start, int minutes, double chargesPerMinute, int spikeFrom, int spikeTo, double spikeRate,
                int payoutFailuresFrom, int payoutFailuresTo) {
        List<Delivery> deliveries = new ArrayList<>();
        for (int m = 0; m < minutes; m++) {
            long minute = start + 60L * m;
            for (int s = 0; s < SimulatedCardTraffic.SEGMENTS.size(); s++) {
                Segment seg = SimulatedCardTraffic.SEGMENTS.get(s);
                double rate = s == SimulatedCardTraffic.VISA_BR && m >= spikeFrom && m < spikeTo ? spikeRate
                        : seg.declineRate();
                int n = Poisson.sample(random, chargesPerMinute * seg.share());
                for (int i = 0; i < n; i++) {
                    deliveries.add(charge(seg, minute + random.nextInt(60), random.nextDouble() < rate));
                }
            }
            for (int i = 0; i < 3; i++) {
                long created = minute + random.nextInt(60);
                String id = "po_it" + sequence;
                boolean instant = i == 2;
                // The draw comes first, so the outage leaves the rest of the traffic as it was.
                boolean failed = random.nextInt(10) == 0 || instant && m >= payoutFailuresFrom && m < payoutFailuresTo;
                long arrival = created + (instant ? 1800 : 2 * 86_400 + random.nextInt(86_400));
                deliveries.add(delivery(StripeEventSamples.payout(nextEventId(), failed ? "payout.failed" : "payout.paid",
                        id, created, arrival, 10_000 + random.nextInt(500_000), i == 1 ? "eur" : "usd",
                        instant ? "instant" : "standard"), created));
            }
            long created = minute + random.nextInt(60);
            deliveries.add(delivery(StripeEventSamples.paymentIntent(nextEventId(), "payment_intent.succeeded",
                    "pi_it" + sequence, created, 2_000, "usd"), created));
        }
        deliveries.sort((a, b) -> Long.compare(a.receivedAt, b.receivedAt));
        List<ProducerRecord<byte[], byte[]>> events = new ArrayList<>();
        for (Delivery d : deliveries) {
            events.add(eventRecord(d, null));
        }
        // Events from three hours before the run arrive at its end: later than any allowed lateness.
        long end = start + 60L * minutes;
        List<ProducerRecord<byte[], byte[]>> late = new ArrayList<>();
        for (int i = 0; i < LATE_EVENTS; i++) {
            Segment seg = SimulatedCardTraffic.SEGMENTS.get(i % SimulatedCardTraffic.SEGMENTS.size());
            Delivery charge = charge(seg, start - 3 * 3600 + 60L * i, false);
            late.add(eventRecord(new Delivery(charge.body, end * 1000 + 500L * i), i));
        }
        return new Records(events, late, deadLetters(start, minutes), metrics(start, minutes, deliveries.size()));
    }

    private record Delivery(String body, long receivedAt) {
    }

    private Delivery charge(Segment seg, long created, boolean declined) {
        String id = nextEventId();
        String charge = "ch_it" + sequence;
        long amount = 500 + random.nextInt(20_000);
        String body;
        if (declined) {
            String[] code = DECLINES[random.nextInt(DECLINES.length)];
            body = StripeEventSamples.chargeFailed(id, charge, created, seg.brand(), seg.country(), amount, seg.currency(),
                    code[0], code[1]);
        } else {
            body = StripeEventSamples.chargeSucceeded(id, charge, created, seg.brand(), seg.country(), amount, seg.currency());
        }
        return delivery(body, created);
    }

    /** Stripe's delivery latency: 0.2 to 3 seconds, log-uniform. */
    private Delivery delivery(String body, long created) {
        return new Delivery(body, created * 1000 + SimulatedCardTraffic.deliveryLatencyMillis(random));
    }

    private String nextEventId() {
        return String.format(Locale.ROOT, "evt_it%016x", sequence++);
    }

    /** The record the bridge writes to the events topic: key = event id, body untouched, the v1 envelope in headers. */
    private ProducerRecord<byte[], byte[]> eventRecord(Delivery d, Integer partition) {
        String id = field(d.body, "id");
        RecordHeaders headers = new RecordHeaders();
        headers.add(EnvelopeHeaders.ENVELOPE_VERSION, utf8(EnvelopeHeaders.VERSION));
        headers.add(EnvelopeHeaders.EVENT_ID, utf8(id));
        headers.add(EnvelopeHeaders.EVENT_TYPE, utf8(field(d.body, "type")));
        headers.add(EnvelopeHeaders.EVENT_CREATED, utf8(field(d.body, "created")));
        headers.add(EnvelopeHeaders.EVENT_API_VERSION, utf8(StripeEventSamples.API_VERSION));
        headers.add(EnvelopeHeaders.EVENT_LIVEMODE, utf8("true"));
        headers.add(EnvelopeHeaders.RECEIVED_AT, utf8(Long.toString(d.receivedAt)));
        headers.add(EnvelopeHeaders.BRIDGE_INSTANCE, utf8(BRIDGE));
        return new ProducerRecord<>(eventsTopic, partition, utf8(id), utf8(d.body), headers);
    }

    /** Signed bodies that were not events, spread over the run, as the bridge dead-letters them. */
    private List<ProducerRecord<byte[], byte[]>> deadLetters(long start, int minutes) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = 0; i < DEAD_LETTERS; i++) {
            String reason = DLQ_REASONS[i % DLQ_REASONS.length];
            long receivedAt = (start + 60L * (i + 1) * minutes / (DEAD_LETTERS + 1)) * 1000;
            String body = reason.equals(EnvelopeHeaders.DLQ_REASON_INVALID_JSON) ? "{\"id\": \"evt_truncated"
                    : "{\"type\":\"charge.succeeded\",\"created\":" + receivedAt / 1000 + "}";
            RecordHeaders headers = new RecordHeaders();
            headers.add(EnvelopeHeaders.ENVELOPE_VERSION, utf8(EnvelopeHeaders.VERSION));
            headers.add(EnvelopeHeaders.DLQ_REASON, utf8(reason));
            headers.add(EnvelopeHeaders.DLQ_DETAIL, utf8("simulated"));
            headers.add(EnvelopeHeaders.RECEIVED_AT, utf8(Long.toString(receivedAt)));
            headers.add(EnvelopeHeaders.BRIDGE_INSTANCE, utf8(BRIDGE));
            out.add(new ProducerRecord<>(dlqTopic, null, (byte[]) null, utf8(body), headers));
        }
        return out;
    }

    /**
     * Counter snapshots every 30 seconds of the bridge (restarted at half-time: its counters start again at 0)
     * and of a job TaskManager, in the contract's JSON ({@code schemas/}: PipelineMetric), keyed by instance.
     */
    private List<ProducerRecord<byte[], byte[]>> metrics(long start, int minutes, int events) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        double perSnapshot = events / (minutes * 2.0);
        double received = 0;
        double accepted = 0;
        double rejected = 0;
        double unavailable = 0;
        double dlq = 0;
        double recordsIn = 0;
        double retries = 0;
        for (int s = 0; s <= minutes * 2; s++) {
            long ts = (start + 30L * s) * 1000;
            if (s == minutes) {
                received = accepted = rejected = unavailable = dlq = 0; // the bridge restarted
            }
            accepted += perSnapshot;
            rejected += s % 7 == 0 ? 1 : 0;
            unavailable += s % 29 == 0 ? 2 : 0;
            dlq += s % 19 == 0 ? 1 : 0;
            received = accepted + rejected + unavailable;
            recordsIn += perSnapshot;
            retries += s % 41 == 0 ? 1 : 0;
            out.add(metric(ts, "bridge", BRIDGE, "bridge_received_total", "", received, "counter"));
            out.add(metric(ts, "bridge", BRIDGE, "bridge_accepted_total", "", accepted, "counter"));
            out.add(metric(ts, "bridge", BRIDGE, "bridge_rejected_total", "reason=signature_mismatch", rejected, "counter"));
            out.add(metric(ts, "bridge", BRIDGE, "bridge_unavailable_total", "reason=kafka_timeout", unavailable, "counter"));
            out.add(metric(ts, "bridge", BRIDGE, "bridge_dlq_total", "", dlq, "counter"));
            out.add(metric(ts, "bridge", BRIDGE, "bridge_in_flight", "", random.nextInt(8), "gauge"));
            out.add(metric(ts, "job", TASK_MANAGER, "job_records_in_total", "", recordsIn, "counter"));
            out.add(metric(ts, "job", TASK_MANAGER, "job_kafka_lag_records", "", random.nextInt(400), "gauge"));
            out.add(metric(ts, "job", TASK_MANAGER, "job_sink_retries_total", "table=stripe_events", retries, "counter"));
            out.add(metric(ts, "job", TASK_MANAGER, "job_late_events_total", "", s * LATE_EVENTS / (minutes * 2), "counter"));
            out.add(metric(ts, "job", TASK_MANAGER, "job_malformed_total", "", s / 60, "counter"));
        }
        return out;
    }

    private ProducerRecord<byte[], byte[]> metric(long ts, String source, String instance, String metric, String label,
                                                  double value, String kind) {
        String json = String.format(Locale.ROOT,
                "{\"ts\":%d,\"source\":\"%s\",\"instance\":\"%s\",\"metric\":\"%s\",\"label\":\"%s\",\"value\":%s,\"kind\":\"%s\"}",
                ts, source, instance, metric, label, Double.toString(value), kind);
        return new ProducerRecord<>(metricsTopic, null, utf8(instance), utf8(json));
    }

    /** A top-level field of an event body, as text. */
    private static String field(String json, String name) {
        try {
            return JSON.readTree(json).path(name).asText();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
