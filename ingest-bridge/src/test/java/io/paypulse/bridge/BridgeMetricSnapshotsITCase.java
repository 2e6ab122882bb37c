package io.paypulse.bridge;

import io.paypulse.infra.Eventually;
import io.paypulse.infra.SharedInfra;
import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.PipelineMetric;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpecs;
import io.paypulse.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The bridge's counter snapshots on {@code paypulse.metrics}, against a real broker over real HTTP. */
class BridgeMetricSnapshotsITCase {

    private static final String SECRET = "whsec_it_snapshots_7c1d9e";

    @Test
    void periodicSnapshotsCarryTheExactCountersWhileTheBridgeRuns() throws Exception {
        String kafka = SharedInfra.kafka().bootstrapServers();
        TopicProvisioner.provision(kafka, TopicSpecs.load().all(), Duration.ofSeconds(30));
        // An instance of its own: the topic is shared, the key tells this bridge's snapshots apart.
        String instance = "bridge-snap-" + UUID.randomUUID();
        Map<TopicPartition, Long> before = metricsEnd(kafka);
        try (IngestBridge bridge = start(kafka, instance, "200ms")) {
            sendTheMix(new SignedWebhooks(bridge.webhookUri()), instance);
            // Checked before close(), so only periodic snapshots can match.
            TreeSet<String> expected = expectedRows(11, 5);
            Eventually.until("a periodic snapshot with exactly the counters of every request sent", Duration.ofSeconds(30),
                    () -> snapshots(kafka, before, instance).containsValue(expected));
        }
    }

    @Test
    void theLastSnapshotIsTakenOnShutdownAndCountsTheLastWebhook() throws Exception {
        String kafka = SharedInfra.kafka().bootstrapServers();
        TopicProvisioner.provision(kafka, TopicSpecs.load().all(), Duration.ofSeconds(30));
        String instance = "bridge-snap-" + UUID.randomUUID();
        Map<TopicPartition, Long> before = metricsEnd(kafka);
        // The first periodic snapshot would be an hour after start: any snapshot seen here is the one of close().
        IngestBridge bridge = start(kafka, instance, "60m");
        try {
            SignedWebhooks webhooks = new SignedWebhooks(bridge.webhookUri());
            sendTheMix(webhooks, instance);
            assertEquals(Map.of(), snapshots(kafka, before, instance), "no snapshot before shutdown");
            // One more right before close(): the final snapshot must count it.
            String last = StripeEventSamples.chargeSucceeded("evt_snaplast" + instance, "ch_snaplast",
                    Instant.now().getEpochSecond(), "visa", "US", 42, "usd");
            assertEquals(200, webhooks.send(last, SECRET).statusCode());
        } finally {
            bridge.close();
        }

        TreeMap<Long, TreeSet<String>> snapshots = snapshots(kafka, before, instance);
        assertEquals(1, snapshots.size(), "exactly the final snapshot: " + snapshots.keySet());
        assertEquals(expectedRows(12, 6), snapshots.firstEntry().getValue());
    }

    private static IngestBridge start(String kafka, String instance, String interval) throws Exception {
        return IngestBridge.start(BridgeConfig.fromEnv(Map.of(
                        BridgeConfig.ENV_SECRETS, SECRET,
                        BridgeConfig.ENV_KAFKA, kafka,
                        BridgeConfig.ENV_INSTANCE_ID, instance,
                        BridgeConfig.ENV_BIND_HOST, "127.0.0.1",
                        BridgeConfig.ENV_METRICS_INTERVAL, interval))
                .withPort(0));
    }

    /** 5 accepted, 3 signature mismatches, 1 missing signature, 2 dead-lettered: 11 received. */
    private static void sendTheMix(SignedWebhooks webhooks, String instance) throws Exception {
        long now = Instant.now().getEpochSecond();
        for (int i = 0; i < 5; i++) {
            String body = StripeEventSamples.chargeSucceeded("evt_snap" + i + instance, "ch_snap" + i, now, "visa", "US",
                    100 + i, "usd");
            assertEquals(200, webhooks.send(body, SECRET).statusCode());
        }
        String body = StripeEventSamples.chargeSucceeded("evt_snapbad" + instance, "ch_snapbad", now, "visa", "US", 1, "usd");
        for (int i = 0; i < 3; i++) {
            assertEquals(400, webhooks.send(body, "whsec_wrong").statusCode());
        }
        assertEquals(400, webhooks.sendWithHeader(body, null).statusCode());
        assertEquals(400, webhooks.send("not json {", SECRET).statusCode());
        assertEquals(400, webhooks.send("{\"object\":\"event\"}", SECRET).statusCode());
    }

    private static TreeSet<String> expectedRows(int received, int accepted) {
        return new TreeSet<>(List.of(
                "bridge_received_total||" + (double) received + "|counter",
                "bridge_accepted_total||" + (double) accepted + "|counter",
                "bridge_rejected_total|reason=signature_mismatch|3.0|counter",
                "bridge_rejected_total|reason=signature_missing|1.0|counter",
                "bridge_rejected_total|reason=invalid_json|1.0|counter",
                "bridge_rejected_total|reason=missing_id|1.0|counter",
                "bridge_rejected_total|reason=signature_malformed|0.0|counter",
                "bridge_rejected_total|reason=timestamp_outside_tolerance|0.0|counter",
                "bridge_rejected_total|reason=body_too_large|0.0|counter",
                "bridge_rejected_total|reason=missing_type|0.0|counter",
                "bridge_rejected_total|reason=missing_created|0.0|counter",
                "bridge_rejected_total|reason=method_not_allowed|0.0|counter",
                "bridge_rejected_total|reason=not_found|0.0|counter",
                "bridge_unavailable_total|reason=kafka_timeout|0.0|counter",
                "bridge_unavailable_total|reason=kafka_error|0.0|counter",
                "bridge_unavailable_total|reason=kafka_record_too_large|0.0|counter",
                "bridge_dlq_total||2.0|counter",
                "bridge_in_flight||0.0|gauge"));
    }

    private static Map<TopicPartition, Long> metricsEnd(String kafka) {
        try (KafkaTopicReader reader = new KafkaTopicReader(kafka)) {
            return reader.endOffsets(Topics.PAYPULSE_METRICS);
        }
    }

    /** This instance's snapshot rows written since {@code before}, by snapshot time, as {@code metric|label|value|kind}. */
    private static TreeMap<Long, TreeSet<String>> snapshots(String kafka, Map<TopicPartition, Long> before, String instance) {
        TreeMap<Long, TreeSet<String>> byTs = new TreeMap<>();
        try (KafkaTopicReader reader = new KafkaTopicReader(kafka)) {
            for (ConsumerRecord<byte[], byte[]> r : reader.readSince(before, Duration.ofSeconds(30))) {
                if (!instance.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                    continue;
                }
                PipelineMetric m = PipelineMetric.fromJson(r.value());
                assertEquals(PipelineMetric.SOURCE_BRIDGE, m.source());
                assertEquals(instance, m.instance());
                byTs.computeIfAbsent(m.tsMillis(), ts -> new TreeSet<>())
                        .add(m.metric() + "|" + m.label() + "|" + m.value() + "|" + m.kind());
            }
        }
        return byTs;
    }
}
