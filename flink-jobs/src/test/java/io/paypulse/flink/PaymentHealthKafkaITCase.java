package io.paypulse.flink;

import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.functions.JobMetrics;
import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.EnvelopeHeaders;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.paypulse.flink.TestEvents.DAY;
import static io.paypulse.flink.TestEvents.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The job as production runs it, end to end: records written to Kafka the way the bridge writes
 * them, read by {@link PaymentHealthRunner#define} with the real deserializer, checkpoints and
 * restart strategy, into a migrated ClickHouse database, and read back through the analysts' views.
 */
class PaymentHealthKafkaITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = JobCluster.reportingTo(METRICS);

    private static final Duration JOB_DEADLINE = Duration.ofSeconds(45);

    private BridgeTopic topic;
    private PaymentHealthDatabase db;

    @BeforeEach
    void ownTopicAndDatabase() {
        topic = BridgeTopic.create("it-kafka");
        db = PaymentHealthDatabase.migrated("it_kafka");
    }

    @AfterEach
    void dropTopicAndDatabase() throws Exception {
        try (BridgeTopic t = topic; PaymentHealthDatabase d = db) {
            // Both are closed, even when one close fails.
        }
    }

    @Test
    void bridgeRecordsBecomeTheHandComputedRowsAndBrokenRecordsAreCountedAndSkipped() throws Exception {
        topic.send(script());
        // A short checkpoint interval only because a bounded job ends with a final checkpoint.
        JobConfig config = topic.jobConfig("job", Map.of(JobConfig.ENV_CHECKPOINT_INTERVAL, "300ms"));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                PaymentHealthRunner.flinkConfiguration(config));
        env.setParallelism(2);
        PaymentHealthRunner.define(env, config, db.config(), BridgeTopic.boundedSource(config));
        JobClient job = env.executeAsync("payment-health-kafka-test");
        JobCluster.awaitEnd(job, JOB_DEADLINE);

        assertEquals(List.of(
                        "2023-11-14 22:14:00|2023-11-14 22:15:00|3|1|2|0.6666666666666666|1|2|3",
                        "2023-11-14 22:15:00|2023-11-14 22:16:00|1|1|0|0.0|1|0|1"),
                db.rows("SELECT toString(window_start), toString(window_end), attempts, approved, declined, decline_rate,"
                        + " outcome_authorized, outcome_issuer_declined, version"
                        + " FROM {db}.decline_rates WHERE dimension_set = 'all' ORDER BY window_start"));
        assertEquals(List.of("mastercard|GB|1|0|1", "visa|US|2|1|1"),
                db.rows("SELECT card_brand, card_country, attempts, approved, declined FROM {db}.decline_rates"
                        + " WHERE dimension_set = 'card_brand,card_country' AND window_start = " + T0
                        + " ORDER BY card_brand, card_country"));
        // The account header reaches the account dimension; the platform's own charges have ''.
        assertEquals(List.of("|2|1", "acct_1Kafka|1|0"),
                db.rows("SELECT account, attempts, approved FROM {db}.decline_rates"
                        + " WHERE dimension_set = 'account' AND window_start = " + T0 + " ORDER BY account"));

        assertEquals(List.of("all|||4|3|1|87000.0|172800|4", "currency,method|eur|instant|1|1|0|1800.0|1800|1",
                        "currency,method|usd|standard|3|2|1|129600.0|172800|3"),
                db.rows("SELECT dimension_set, currency, method, payouts, paid, failed, mean_seconds, max_seconds, version"
                        + " FROM {db}.settlement_times WHERE window_start = " + (T0 + 60)
                        + " ORDER BY dimension_set, currency, method"));
        // The body that is no JSON object had a sound envelope: its delivery latency is real and counted.
        assertEquals(List.of("all|4|450.0|300|600", "all|6|250.0|100|300"),
                db.rows("SELECT dimension_set, events, mean_ms, min_ms, max_ms FROM {db}.webhook_latency"
                        + " WHERE dimension_set = 'all' ORDER BY window_start"));

        assertEquals(List.of(
                        "ch_k1|evt_k1|approved|1000|usd|visa|US|authorized||||2023-11-14 22:14:01|" + (T0 + 1),
                        "ch_k2|evt_k2|failed|2000|usd|visa|US|issuer_declined|card_declined|05||2023-11-14 22:14:05|" + (T0 + 5),
                        "ch_k3|evt_k3|failed|3000|eur|mastercard|GB|issuer_declined|insufficient_funds|51|acct_1Kafka"
                                + "|2023-11-14 22:14:10|" + (T0 + 10),
                        "ch_k4|evt_k4|approved|4000|eur|mastercard|GB|authorized||||2023-11-14 22:15:01|" + (T0 + 61)),
                db.rows("SELECT charge_id, event_id, status, amount, currency, card_brand, card_country, outcome_type,"
                        + " failure_code, network_decline_code, account, toString(created), version"
                        + " FROM {db}.payment_attempts FINAL ORDER BY charge_id"));
        // Every sound event once, the first delivery's envelope kept, personal data redacted; the four
        // broken records are not stored.
        assertEquals(List.of(
                        "evt_k1|charge.succeeded||2023-11-14 22:14:01.300|bridge-a|2024-06-20|0",
                        "evt_k2|charge.failed||2023-11-14 22:14:05.400|bridge-a|2024-06-20|0",
                        "evt_k3|charge.failed|acct_1Kafka|2023-11-14 22:14:10.500|bridge-a|2024-06-20|0",
                        "evt_k4|charge.succeeded||2023-11-14 22:15:01.200|bridge-a|2024-06-20|0",
                        "evt_k5|payout.paid||2023-11-14 22:15:10.300|bridge-a|2024-06-20|0",
                        "evt_k6|payout.paid||2023-11-14 22:15:11.300|bridge-a|2024-06-20|0",
                        "evt_k7|payout.failed||2023-11-14 22:15:12.300|bridge-a|2024-06-20|0",
                        "evt_k8|payout.paid||2023-11-14 22:15:15.300|bridge-a|2024-06-20|0",
                        "evt_k9|payment_intent.succeeded||2023-11-14 22:15:20.100|bridge-a|2024-06-20|0"),
                db.rows("SELECT event_id, type, account, toString(received_at), bridge_instance, api_version,"
                        + " countSubstrings(payload, 'jenny') FROM {db}.stripe_events FINAL ORDER BY event_id"));
        assertEquals(List.of("0"), db.rows("SELECT count() FROM {db}.late_events FINAL"));

        // The three broken headers in the deserializer, the body that is no JSON object in the redactor:
        // each counted once, and the job neither failed nor restarted.
        assertEquals(4, ReportedJobMetrics.counter(METRICS, job.getJobID(), JobMetrics.EVENTS_MALFORMED));
        assertEquals(1, ReportedJobMetrics.counter(METRICS, job.getJobID(), JobMetrics.EVENTS_DUPLICATE));
        assertEquals(1, ReportedJobMetrics.counter(METRICS, job.getJobID(), JobMetrics.EVENTS_RAW_ONLY));
        assertEquals(0, ReportedJobMetrics.counter(METRICS, job.getJobID(), JobMetrics.EVENTS_TOO_LATE));
        assertEquals(0, ReportedJobMetrics.restarts(METRICS, job.getJobID()));
    }

    /**
     * Two minutes of events with answers computed by hand, a Stripe retry, and four records no bridge
     * writes, which the job must count and skip rather than stop on.
     */
    private List<ProducerRecord<byte[], byte[]>> script() {
        return List.of(
                // Minute T0: three attempts, one of them for a Connect account.
                topic.delivery(StripeEventSamples.chargeSucceeded("evt_k1", "ch_k1", T0 + 1, "visa", "US", 1000, "usd"), 300),
                topic.delivery(StripeEventSamples.chargeFailed("evt_k2", "ch_k2", T0 + 5, "visa", "US", 2000, "usd",
                        "card_declined", "05"), 400),
                topic.delivery(TestEvents.forAccount(StripeEventSamples.chargeFailed("evt_k3", "ch_k3", T0 + 10, "mastercard",
                        "GB", 3000, "eur", "insufficient_funds", "51"), "acct_1Kafka"), 500),
                // Stripe retried evt_k2 two minutes later, through another bridge instance: dropped by event id.
                topic.record(StripeEventSamples.chargeFailed("evt_k2", "ch_k2", T0 + 5, "visa", "US", 2000, "usd",
                        "card_declined", "05"), (T0 + 5) * 1000 + 120_400, "bridge-b"),
                // No bridge writes these; the job must count and skip them, not stop.
                withHeader(topic.delivery(StripeEventSamples.chargeSucceeded("evt_kbadheader", "ch_kbadheader", T0 + 12, "visa",
                        "US", 1000, "usd"), 300), EnvelopeHeaders.EVENT_CREATED, "yesterday"),
                withValue(topic.delivery("{\"id\":\"evt_knotjson\",\"object\":\"event\",\"type\":\"customer.updated\","
                        + "\"created\":" + (T0 + 15) + ",\"livemode\":true}", 600), "not json {"),
                // Times no DateTime column can hold, which failed the ClickHouse insert after every restart:
                // a created in milliseconds received on time, and a negative one.
                topic.record(StripeEventSamples.chargeSucceeded("evt_kmillis", "ch_kmillis", (T0 + 13) * 1000, "visa", "US",
                        1000, "usd"), (T0 + 13) * 1000 + 300, "bridge-a"),
                withHeader(topic.delivery(StripeEventSamples.chargeFailed("evt_knegative", "ch_knegative", T0 + 14, "visa",
                        "US", 1000, "usd", "card_declined", "05"), 300), EnvelopeHeaders.EVENT_CREATED, "-1"),
                // Minute T0+60: an approval, four payouts and a PaymentIntent, which is no attempt.
                topic.delivery(StripeEventSamples.chargeSucceeded("evt_k4", "ch_k4", T0 + 61, "mastercard", "GB", 4000,
                        "eur"), 200),
                topic.delivery(StripeEventSamples.payout("evt_k5", "payout.paid", "po_k5", T0 + 70, T0 + 70 + 2 * DAY, 5000,
                        "usd", "standard"), 300),
                topic.delivery(StripeEventSamples.payout("evt_k6", "payout.paid", "po_k6", T0 + 71, T0 + 71 + DAY, 5000,
                        "usd", "standard"), 300),
                topic.delivery(StripeEventSamples.payout("evt_k7", "payout.failed", "po_k7", T0 + 72, T0 + 72 + 5 * DAY, 5000,
                        "usd", "standard"), 300),
                topic.delivery(StripeEventSamples.payout("evt_k8", "payout.paid", "po_k8", T0 + 75, T0 + 75 + 1800, 5000,
                        "eur", "instant"), 300),
                topic.delivery(StripeEventSamples.paymentIntent("evt_k9", "payment_intent.succeeded", "pi_k9", T0 + 80, 1000,
                        "usd"), 100));
    }

    private static ProducerRecord<byte[], byte[]> withHeader(ProducerRecord<byte[], byte[]> record, String header,
                                                             String value) {
        record.headers().remove(header).add(header, BridgeTopic.utf8(value));
        return record;
    }

    private static ProducerRecord<byte[], byte[]> withValue(ProducerRecord<byte[], byte[]> record, String value) {
        return new ProducerRecord<>(record.topic(), null, record.key(), BridgeTopic.utf8(value), record.headers());
    }
}
