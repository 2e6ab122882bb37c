package io.paypulse.simulator;

import io.paypulse.bridge.BridgeConfig;
import io.paypulse.bridge.IngestBridge;
import io.paypulse.infra.SharedInfra;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpecs;
import io.paypulse.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulator against the real bridge on a real Kafka broker: every event it created is on {@code stripe.events}. */
class SimulatorBridgeITCase {

    private static final String SECRET = "whsec_simulator_it_3c5e7a9b";

    @Test
    void everyCreatedEventLandsOnKafkaAndNoneIsLost() throws Exception {
        String kafka = SharedInfra.kafka().bootstrapServers();
        TopicProvisioner.provision(kafka, TopicSpecs.load().all(), Duration.ofSeconds(60));
        String runTag = "it" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        // Half an hour of Stripe-like traffic (duplicates, reordering, late and missing first deliveries, a
        // silence with a backlog) replayed at 120 times: 15 seconds.
        Scenario scenario = new Scenario("it", "", 300, 60, 120, Optional.of(Duration.ofMinutes(30)),
                new DeliveryProfile(Duration.ofMillis(700), Duration.ofSeconds(5), 0.05, 0.05, Duration.ofMinutes(1),
                        Duration.ofMinutes(5)),
                List.of(new Incident.Silence(Duration.ofMinutes(10), Duration.ofMinutes(3), true),
                        new Incident.DeclineSpike(Duration.ofMinutes(20), Duration.ofMinutes(5),
                                new SegmentFilter(null, "visa", "BR", null, null), 0.5, null)));
        SimulationProgress done;
        try (IngestBridge bridge = IngestBridge.start(BridgeConfig.fromEnv(Map.of(
                BridgeConfig.ENV_SECRETS, SECRET,
                BridgeConfig.ENV_KAFKA, kafka,
                BridgeConfig.ENV_BIND_HOST, "127.0.0.1")).withPort(0))) {
            SimulatorConfig config = SimulatorConfig.of(bridge.webhookUri(), SECRET, scenario, 17).withRunTag(runTag);
            done = Simulator.create(config).run(false, Duration.ofSeconds(5), p -> System.err.println("simulate: " + p.line()));
        }
        assertEquals(0, done.lost(), done.line());
        assertEquals(Map.of(), done.rejectedByStatus(), done.line());
        assertEquals(done.events(), done.eventsDelivered(), done.line());
        assertTrue(done.duplicates() > 0 && done.late() > 0, done.line());

        // The bridge writes every delivery, duplicates included; the job deduplicates. Count distinct ids.
        long[] records = new long[1];
        Set<String> ids = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.STRIPE_EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertTrue(System.nanoTime() < deadline, "read the topic to its end within 60 s");
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String id = new String(r.key(), StandardCharsets.UTF_8);
                    if (id.startsWith("evt_3Sim" + runTag)) {
                        records[0]++;
                        ids.add(id);
                    }
                }
            }
        }
        assertEquals(done.events(), ids.size(), "distinct event ids on " + Topics.STRIPE_EVENTS);
        assertEquals(done.accepted(), records[0], "one record per accepted delivery");
        assertTrue(records[0] > ids.size(), "duplicates reach the topic too: " + records[0] + " records");
    }

    @Test
    void aSecretThatIsNotTheBridgesIsRefusedWithItsCodeAndAHint() throws Exception {
        String kafka = SharedInfra.kafka().bootstrapServers();
        TopicProvisioner.provision(kafka, TopicSpecs.load().all(), Duration.ofSeconds(60));
        Scenario scenario = new Scenario("it-wrong-secret", "", 300, 60, 120, Optional.of(Duration.ofMinutes(2)),
                DeliveryProfile.perfect(), List.of());
        SimulationProgress done;
        try (IngestBridge bridge = IngestBridge.start(BridgeConfig.fromEnv(Map.of(
                BridgeConfig.ENV_SECRETS, SECRET,
                BridgeConfig.ENV_KAFKA, kafka,
                BridgeConfig.ENV_BIND_HOST, "127.0.0.1")).withPort(0))) {
            SimulatorConfig config = SimulatorConfig.of(bridge.webhookUri(), "whsec_not_the_bridges_1f2e3d", scenario, 17);
            done = Simulator.create(config).run(false, Duration.ofSeconds(5), p -> { });
        }

        assertEquals(0, done.accepted(), done.line());
        assertEquals(Map.of(400, done.requests()), done.rejectedByStatus(), done.line());
        assertEquals("400 signature_mismatch", done.rejectionCause());
        assertTrue(done.line().contains("rejected " + done.requests() + " (400×" + done.requests()
                + ", first: 400 signature_mismatch)"), done.line());
        assertEquals("every request so far was refused (400 signature_mismatch): the webhook secret is not the bridge's:"
                + " give the simulator the bridge's STRIPE_WEBHOOK_SECRET (--secret-file; under ./paypulse run it is in"
                + " <data dir>/webhook-secret)", done.rejectionHint());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String kafka) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(p);
    }

}
