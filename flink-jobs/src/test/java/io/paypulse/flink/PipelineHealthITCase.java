package io.paypulse.flink;

import io.paypulse.flink.config.AlertingConfig;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.EnvelopeHeaders;
import io.paypulse.schemas.PipelineMetric;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpec;
import io.paypulse.schemas.TopicSpecs;
import io.paypulse.schemas.Topics;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The pipeline health data path of the running job (MiniCluster as {@code paypulse run} starts it, real Kafka,
 * real ClickHouse): dead-lettered records into {@code dlq_events}, snapshots on the metrics topic into
 * {@code pipeline_metrics}, and the job's own counters, through its metric reporter, into the same table.
 */
class PipelineHealthITCase {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    /** A minute boundary: the on-time charge opens the window starting here. */
    private static final long T = 1_700_000_040L;
    private static final int TOO_LATE = 3;

    private BridgeTopic events;
    private String dlqTopic;
    private String metricsTopic;
    private PaymentHealthDatabase db;

    @BeforeEach
    void ownTopicsAndDatabase() {
        events = BridgeTopic.create("it-health");
        String suffix = UUID.randomUUID().toString();
        dlqTopic = "it-health-dlq-" + suffix;
        metricsTopic = "it-health-metrics-" + suffix;
        TopicSpecs specs = TopicSpecs.load();
        TopicProvisioner.provision(events.bootstrapServers(), List.of(renamed(specs.get(Topics.STRIPE_EVENTS_DLQ), dlqTopic),
                renamed(specs.get(Topics.PAYPULSE_METRICS), metricsTopic)), KAFKA_TIMEOUT);
        db = PaymentHealthDatabase.migrated("it_health");
    }

    @AfterEach
    void dropTopicsAndDatabase() throws Exception {
        try (BridgeTopic t = events; PaymentHealthDatabase d = db;
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, events.bootstrapServers()))) {
            admin.deleteTopics(List.of(dlqTopic, metricsTopic)).all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void dlqRecordsSnapshotsAndTheJobsOwnCountersLandInClickHouse(@TempDir Path checkpoints, @TempDir Path replayCheckpoints)
            throws Exception {
        List<RecordMetadata> dlq = send(List.of(
                dlqRecord(0, "invalid_json", "not json {", 1_700_000_001_000L),
                dlqRecord(1, "missing_id", "{\"object\":\"event\"}", 1_700_000_002_000L),
                dlqRecord(2, "missing_type", "{\"id\":\"evt_1\"}", 1_700_000_003_000L),
                dlqRecord(0, "missing_created", "{\"id\":\"evt_2\",\"type\":\"charge.succeeded\"}", 1_700_000_004_000L)));
        List<String> expectedDlq = List.of(
                row("2023-11-14 22:13:21.000|invalid_json|10|bridge-it", dlq.get(0)),
                row("2023-11-14 22:13:22.000|missing_id|18|bridge-it", dlq.get(1)),
                row("2023-11-14 22:13:23.000|missing_type|14|bridge-it", dlq.get(2)),
                row("2023-11-14 22:13:24.000|missing_created|40|bridge-it", dlq.get(3)));
        long ts = System.currentTimeMillis();
        send(List.of(
                new ProducerRecord<>(metricsTopic, utf8("bridge-x"), new PipelineMetric(ts, "bridge", "bridge-x",
                        PipelineMetric.BRIDGE_ACCEPTED, "", 7, "counter").toJson()),
                new ProducerRecord<>(metricsTopic, utf8("bridge-x"), new PipelineMetric(ts, "bridge", "bridge-x",
                        PipelineMetric.BRIDGE_REJECTED, "reason=signature_mismatch", 2, "counter").toJson()),
                new ProducerRecord<>(metricsTopic, utf8("bridge-x"), utf8("{\"not\":\"a metric\"}"))));
        // All events on one partition: the other eleven go idle after a second, so this partition's
        // event time alone moves the watermark, and which events are too late does not depend on timing.
        events.send(List.of(onPartition0(charge("ok", T)), onPartition0(charge("ahead", T + 180))));

        JobConfig job = jobConfig("health");
        JobClient running = PaymentHealthRunner.startLocal(job, AlertingConfig.fromEnv(Map.of()), db.config(), 0, checkpoints);
        try {
            awaitRows("SELECT reason, size_bytes, bridge_instance, partition, offset FROM {db}.dlq_events FINAL"
                    + " ORDER BY received_at", expectedDlq.stream().map(r -> r.substring(r.indexOf('|') + 1)).toList());
            assertEquals(expectedDlq, db.rows("SELECT toString(received_at), reason, size_bytes, bridge_instance,"
                    + " partition, offset FROM {db}.dlq_events FINAL ORDER BY received_at"));
            awaitRows("SELECT metric, label, value, kind FROM {db}.pipeline_metrics FINAL WHERE source = 'bridge'"
                    + " AND instance = 'bridge-x' ORDER BY metric", List.of("bridge_accepted_total||7.0|counter",
                    "bridge_rejected_total|reason=signature_mismatch|2.0|counter"));

            // The on-time charge's window fires once the charge three minutes ahead moves the watermark...
            awaitRows("SELECT count() FROM {db}.decline_rates WHERE dimension_set = 'all' AND window_start = " + T,
                    List.of("1"));
            // ...so these are beyond the allowed lateness (0s) of their long-closed windows.
            List<ProducerRecord<byte[], byte[]>> late = new ArrayList<>();
            for (int i = 0; i < TOO_LATE; i++) {
                late.add(onPartition0(charge("late" + i, T - 600 + i)));
            }
            events.send(late);
            awaitRows("SELECT count() FROM {db}.late_events FINAL", List.of(String.valueOf(TOO_LATE)));

            // The job's own counters, as its reporter sent them: the latest snapshot says 3 too late, 5 read.
            awaitRows(latestJobValue(PipelineMetric.JOB_LATE_EVENTS, ""), List.of(TOO_LATE + ".0"));
            awaitRows(latestJobValue(PipelineMetric.JOB_RECORDS_IN, ""), List.of("5.0"));
            awaitRows(latestJobValue(PipelineMetric.JOB_MALFORMED, ""), List.of("0.0"));
            awaitRows(latestJobValue(PipelineMetric.JOB_OTHER_MODE, ""), List.of("0.0"));
            // The windows dropped nothing: the gate decided what was too late, and they never ran ahead of it.
            awaitRows(latestJobValue(PipelineMetric.JOB_WINDOW_DROPPED, ""), List.of("0.0"));
            awaitRows(latestJobValue(PipelineMetric.JOB_SINK_RETRIES, "table=dlq_events"), List.of("0.0"));
            // Every event read (5 records in, above): the newest snapshot of the lag behind the events topic is 0.
            awaitRows(latestJobValue(PipelineMetric.JOB_KAFKA_LAG, ""), List.of("0.0"));
            assertEquals(List.of("gauge"), db.rows("SELECT DISTINCT kind FROM {db}.pipeline_metrics FINAL"
                    + " WHERE source = 'job' AND metric = '" + PipelineMetric.JOB_KAFKA_LAG + "' AND label = ''"));
            // A retry counter for each ClickHouse sink of the job (PaymentHealthJob.sinkToClickHouse), by table.
            awaitRows("SELECT DISTINCT label FROM {db}.pipeline_metrics WHERE source = 'job'"
                    + " AND metric = '" + PipelineMetric.JOB_SINK_RETRIES + "' ORDER BY label", List.of(
                    "table=alerts", "table=anomalies", "table=decline_rates_1m", "table=dlq_events", "table=late_events",
                    "table=payment_attempts", "table=payouts", "table=pipeline_metrics", "table=settlement_times_1m",
                    "table=stripe_events", "table=webhook_latency_1m"));
        } finally {
            running.cancel().get(30, TimeUnit.SECONDS);
        }

        // A replay: another consumer group reads the DLQ from the start and writes every row again, with the
        // same keys, so the table still holds one row per record, now the replay's copy.
        String replayStart = db.rows("SELECT toUnixTimestamp64Milli(now64(3))").get(0);
        JobClient replay = PaymentHealthRunner.startLocal(jobConfig("health-replay"), AlertingConfig.fromEnv(Map.of()),
                db.config(), 0, replayCheckpoints);
        try {
            awaitRows("SELECT count(), countIf(toUnixTimestamp64Milli(ingested_at) >= " + replayStart + ")"
                    + " FROM {db}.dlq_events FINAL", List.of(expectedDlq.size() + "|" + expectedDlq.size()));
            assertEquals(expectedDlq, db.rows("SELECT toString(received_at), reason, size_bytes, bridge_instance,"
                    + " partition, offset FROM {db}.dlq_events FINAL ORDER BY received_at"));
        } finally {
            replay.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private JobConfig jobConfig(String group) {
        return events.jobConfig(group, Map.of(
                JobConfig.ENV_DLQ_TOPIC, dlqTopic,
                JobConfig.ENV_METRICS_TOPIC, metricsTopic,
                JobConfig.ENV_METRICS_INTERVAL, "500ms",
                JobConfig.ENV_CHECKPOINT_INTERVAL, "1s",
                JobConfig.ENV_OUT_OF_ORDERNESS, "0s",
                JobConfig.ENV_ALLOWED_LATENESS, "0s",
                JobConfig.ENV_SOURCE_IDLE_TIMEOUT, "1s"));
    }

    /** The value of the job's newest snapshot row of {@code metric} and {@code label}. */
    private static String latestJobValue(String metric, String label) {
        return "SELECT argMax(value, ts) FROM {db}.pipeline_metrics FINAL WHERE source = 'job' AND metric = '" + metric
                + "' AND label = '" + label + "'";
    }

    private ProducerRecord<byte[], byte[]> charge(String id, long created) {
        return events.delivery(StripeEventSamples.chargeSucceeded("evt_h" + id, "ch_h" + id, created, "visa", "US", 1000,
                "usd"), 300);
    }

    private static ProducerRecord<byte[], byte[]> onPartition0(ProducerRecord<byte[], byte[]> r) {
        return new ProducerRecord<>(r.topic(), 0, r.key(), r.value(), r.headers());
    }

    /** A dead-letter record as the bridge writes it (WebhookRecords.deadLetter), on {@code partition}. */
    private ProducerRecord<byte[], byte[]> dlqRecord(int partition, String reason, String body, long receivedAt) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EnvelopeHeaders.ENVELOPE_VERSION, utf8(EnvelopeHeaders.VERSION));
        headers.add(EnvelopeHeaders.DLQ_REASON, utf8(reason));
        headers.add(EnvelopeHeaders.DLQ_DETAIL, utf8("The body is signed but broken."));
        headers.add(EnvelopeHeaders.RECEIVED_AT, utf8(Long.toString(receivedAt)));
        headers.add(EnvelopeHeaders.BRIDGE_INSTANCE, utf8("bridge-it"));
        return new ProducerRecord<>(dlqTopic, partition, (byte[]) null, utf8(body), headers);
    }

    private static String row(String prefix, RecordMetadata m) {
        return prefix + "|" + m.partition() + "|" + m.offset();
    }

    private List<RecordMetadata> send(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, events.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        List<RecordMetadata> acks = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                acks.add(producer.send(record).get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            }
        }
        return acks;
    }

    private void awaitRows(String sql, List<String> expected) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        List<String> rows = List.of();
        while (System.nanoTime() < deadline) {
            rows = db.rows(sql);
            if (rows.equals(expected)) {
                return;
            }
            Thread.sleep(200);
        }
        assertEquals(expected, rows, sql);
    }

    private static TopicSpec renamed(TopicSpec spec, String name) {
        return new TopicSpec(name, spec.description(), spec.partitions(), spec.replicationFactor(), spec.config());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
