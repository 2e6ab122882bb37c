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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bridge's counter snapshots on {@code paypulse.metrics}, against a real broker over real HTTP. */
class BridgeMetricSnapshotsITCase {

    private static final String SECRET = "whsec_it_snapshots_7c1d9e";

    @Test
    void snapshotsCarryTheExactCountersAndTheLastOneIsTakenOnShutdown() throws Exception {
        String kafka = SharedInfra.kafka().bootstrapServers();
        TopicProvisioner.provision(kafka, TopicSpecs.load().all(), Duration.ofSeconds(30));
        // An instance of its own: the topic is shared, the key tells this bridge's snapshots apart.
        String instance = "bridge-snap-" + UUID.randomUUID();
        Map<TopicPartition, Long> before;
        try (KafkaTopicReader reader = new KafkaTopicReader(kafka)) {
            before = reader.endOffsets(Topics.PAYPULSE_METRICS);
        }
        IngestBridge bridge = IngestBridge.start(BridgeConfig.fromEnv(Map.of(
                        BridgeConfig.ENV_SECRETS, SECRET,
                        BridgeConfig.ENV_KAFKA, kafka,
                        BridgeConfig.ENV_INSTANCE_ID, instance,
                        BridgeConfig.ENV_BIND_HOST, "127.0.0.1",
                        BridgeConfig.ENV_METRICS_INTERVAL, "200ms"))
                .withPort(0));
        long startedAt = System.currentTimeMillis();
        try {
            SignedWebhooks webhooks = new SignedWebhooks(bridge.webhookUri());
            long now = Instant.now().getEpochSecond();
            int accepted = 5;
            for (int i = 0; i < accepted; i++) {
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
            // A periodic snapshot arrives while the bridge runs.
            Eventually.until("a periodic snapshot with every accepted webhook", Duration.ofSeconds(30),
                    () -> snapshots(kafka, before, instance).values().stream().anyMatch(rows -> rows.contains(
                            "bridge_accepted_total||" + (double) accepted + "|counter")));
        } finally {
            bridge.close();
        }
        long closedAt = System.currentTimeMillis();

        TreeMap<Long, TreeSet<String>> snapshots = snapshots(kafka, before, instance);
        assertTrue(snapshots.size() >= 2, "periodic snapshots and the final one: " + snapshots.keySet());
        long last = snapshots.lastKey();
        assertTrue(last >= startedAt && last <= closedAt, "the final snapshot is taken on shutdown");
        TreeSet<String> expected = new TreeSet<>(List.of(
                "bridge_received_total||11.0|counter",
                "bridge_accepted_total||5.0|counter",
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
        assertEquals(expected, snapshots.get(last));
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
