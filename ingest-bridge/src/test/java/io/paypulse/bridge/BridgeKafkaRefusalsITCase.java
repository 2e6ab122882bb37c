package io.paypulse.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.paypulse.infra.Eventually;
import io.paypulse.infra.FreePorts;
import io.paypulse.infra.LocalKafka;
import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpecs;
import io.paypulse.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 503s the README documents for a Kafka that cannot take a record: a full producer buffer
 * ({@code kafka_buffer_full}, answered at once) and a dead-letter topic that refuses a signed non-event
 * ({@code kafka_error}, 503 rather than 400, so Stripe sends it again), and an event Kafka refuses with an
 * error of its own ({@code kafka_error}). Each test has its own broker.
 */
class BridgeKafkaRefusalsITCase {

    private static final String SECRET = "whsec_refusals_4b6d8f0a";
    /** Room for exactly two batches: the producer allocates max(batch.size, record size) per batch. */
    private static final int BATCH_BYTES = 16_384;
    private static final int BUFFER_BYTES = 2 * BATCH_BYTES;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRecordTheFullBufferCannotTakeIs503AtOnceAndEveryAcceptedEventIsOnTheTopic(@TempDir Path dir) throws Exception {
        try (LocalKafka kafka = LocalKafka.builder().build().start()) {
            TopicProvisioner.provision(kafka.bootstrapServers(), TopicSpecs.load().all(), Duration.ofSeconds(30));
            Path clientConfig = dir.resolve("client.properties");
            Files.writeString(clientConfig, "batch.size=" + BATCH_BYTES + "\nbuffer.memory=" + BUFFER_BYTES + "\n");
            String instance = "buffer-full-it";
            // Far longer than this test takes: the queued webhooks must still be waiting when the third is refused.
            BridgeConfig config = config(kafka.bootstrapServers(), instance,
                    Map.of(BridgeConfig.ENV_KAFKA_CLIENT_CONFIG, clientConfig.toString()))
                    .withKafkaAckTimeout(Duration.ofSeconds(120));
            ObjectName producerMetrics = new ObjectName(
                    "kafka.producer:type=producer-metrics,client-id=paypulse-bridge-" + instance);
            ExecutorService clients = Executors.newFixedThreadPool(3);
            try (IngestBridge bridge = IngestBridge.start(config);
                 KafkaTopicReader reader = new KafkaTopicReader(kafka.bootstrapServers())) {
                // The file's buffer.memory reaches the producer (BridgeConfig refuses only max.block.ms and transactional.id).
                assertEquals((double) BUFFER_BYTES, producerMetric(producerMetrics, "buffer-total-bytes"));
                SignedWebhooks webhooks = new SignedWebhooks(bridge.webhookUri());
                List<String> accepted = new ArrayList<>();
                HttpResponse<String> warmUp = webhooks.send(event("evt_buffer_warm"), SECRET);
                assertEquals(200, warmUp.statusCode(), warmUp.body());
                accepted.add("evt_buffer_warm");
                // The batch's memory goes back to the pool just after its callback answered 200.
                Eventually.until("the warm-up batch's memory is back in the pool", Duration.ofSeconds(30),
                        () -> producerMetric(producerMetrics, "buffer-available-bytes") == BUFFER_BYTES);

                // Three events on three different partitions: each needs a batch of its own, and there is room for two.
                List<String> ids = idsOnDistinctPartitions(reader.endOffsets(Topics.STRIPE_EVENTS).size(), 3);
                Map<CompletableFuture<HttpResponse<String>>, String> answers = new HashMap<>();
                kafka.freeze();
                try {
                    for (String id : ids) {
                        String payload = event(id);
                        answers.put(CompletableFuture.supplyAsync(() -> {
                            try {
                                return webhooks.send(payload, SECRET);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }, clients), id);
                    }
                    CompletableFuture.anyOf(answers.keySet().toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                    List<CompletableFuture<HttpResponse<String>>> answered = answers.keySet().stream()
                            .filter(CompletableFuture::isDone).toList();
                    // Answered while the broker is frozen and the other two still wait for it: it did not wait for room.
                    assertEquals(1, answered.size(), "only the webhook that found no buffer space is answered");
                    HttpResponse<String> refused = answered.get(0).get();
                    assertEquals(503, refused.statusCode(), refused.body());
                    assertEquals("kafka_buffer_full", JSON.readTree(refused.body()).path("error").path("code").asText(),
                            refused.body());
                    assertEquals(0.0, producerMetric(producerMetrics, "buffer-available-bytes"),
                            "the two queued batches hold the whole buffer");
                    String scrape = bridge.metrics().scrapeText();
                    assertTrue(scrape.contains("paypulse_bridge_webhooks_unavailable_total{reason=\"kafka_buffer_full\"} 1.0"),
                            scrape);
                    answers.remove(answered.get(0));
                } finally {
                    kafka.thaw();
                }

                for (Map.Entry<CompletableFuture<HttpResponse<String>>, String> queued : answers.entrySet()) {
                    HttpResponse<String> r = queued.getKey().get(60, TimeUnit.SECONDS);
                    assertEquals(200, r.statusCode(), r.body());
                    assertEquals(queued.getValue(), JSON.readTree(r.body()).path("id").asText(), r.body());
                    accepted.add(queued.getValue());
                }
                assertTrue(bridge.metrics().scrapeText().contains("paypulse_bridge_webhooks_accepted_total 3.0"),
                        bridge.metrics().scrapeText());

                // Every 200 is on the topic, once; the refused webhook was never queued, so it is not.
                Map<TopicPartition, Long> start = reader.endOffsets(Topics.STRIPE_EVENTS);
                start.replaceAll((tp, offset) -> 0L);
                List<String> onTopic = reader.readSince(start, Duration.ofSeconds(30)).stream()
                        .map(r -> new String(r.key(), StandardCharsets.UTF_8)).sorted().toList();
                assertEquals(accepted.stream().sorted().toList(), onTopic);
            } finally {
                clients.shutdownNow();
            }
        }
    }

    @Test
    void aSignedNonEventTheDlqRefusesIs503KafkaErrorNot400AndNothingIsKept() throws Exception {
        try (LocalKafka kafka = LocalKafka.builder().build().start()) {
            // A compacted topic refuses records without a key (INVALID_RECORD, not retriable), and dead letters
            // have none: the DLQ refuses every record, deterministically, with a Kafka error.
            try (Admin admin = Admin.create(Map.<String, Object>of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(Topics.STRIPE_EVENTS_DLQ, 3, (short) 1).configs(Map.of(
                                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "2097152"))))
                        .all().get(30, TimeUnit.SECONDS);
            }
            // Leaves the DLQ as it is, creates the others.
            TopicProvisioner.provision(kafka.bootstrapServers(), TopicSpecs.load().all(), Duration.ofSeconds(30));
            try (IngestBridge bridge = IngestBridge.start(config(kafka.bootstrapServers(), "dlq-refuses-it", Map.of()));
                 KafkaTopicReader reader = new KafkaTopicReader(kafka.bootstrapServers())) {
                SignedWebhooks webhooks = new SignedWebhooks(bridge.webhookUri());

                HttpResponse<String> notJson = webhooks.send("not json {", SECRET);
                assertEquals(503, notJson.statusCode(), notJson.body());
                assertEquals("kafka_error", JSON.readTree(notJson.body()).path("error").path("code").asText(), notJson.body());

                String scrape = bridge.metrics().scrapeText();
                assertTrue(scrape.contains("paypulse_bridge_webhooks_unavailable_total{reason=\"kafka_error\"} 1.0"), scrape);
                assertTrue(scrape.contains("paypulse_bridge_requests_rejected_total{reason=\"invalid_json\"} 0.0"), scrape);
                assertTrue(scrape.contains("paypulse_bridge_webhooks_dead_lettered_total{reason=\"invalid_json\"} 0.0"), scrape);
                assertEquals(0, reader.count(Topics.STRIPE_EVENTS), "nothing on stripe.events");
                assertEquals(0, reader.count(Topics.STRIPE_EVENTS_DLQ), "nothing on the DLQ");

                // The refusal does not break the producer: the next event is accepted and lands.
                HttpResponse<String> next = webhooks.send(event("evt_after_dlq_refusal"), SECRET);
                assertEquals(200, next.statusCode(), next.body());
                assertEquals(1, reader.count(Topics.STRIPE_EVENTS));
                assertEquals(0, reader.count(Topics.STRIPE_EVENTS_DLQ));
            }
        }
    }

    @Test
    void anEventKafkaRefusesIs503KafkaErrorAndItsRetryIsAcceptedOnceKafkaTakesItAgain() throws Exception {
        // A write ACL that denies the topic makes the broker refuse each produce with a non-retriable Kafka error
        // (TOPIC_AUTHORIZATION_FAILED), deterministically, with the broker up and answering at once.
        try (LocalKafka kafka = LocalKafka.builder()
                .brokerProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .brokerProperty("allow.everyone.if.no.acl.found", "true")
                .build().start();
             Admin admin = Admin.create(Map.<String, Object>of(
                     AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicProvisioner.provision(kafka.bootstrapServers(), TopicSpecs.load().all(), Duration.ofSeconds(30));
            try (IngestBridge bridge = IngestBridge.start(config(kafka.bootstrapServers(), "kafka-error-it", Map.of()));
                 KafkaTopicReader reader = new KafkaTopicReader(kafka.bootstrapServers())) {
                SignedWebhooks webhooks = new SignedWebhooks(bridge.webhookUri());
                HttpResponse<String> before = webhooks.send(event("evt_kerr_before"), SECRET);
                assertEquals(200, before.statusCode(), before.body());

                AclBinding deny = new AclBinding(new ResourcePattern(ResourceType.TOPIC, Topics.STRIPE_EVENTS, PatternType.LITERAL),
                        new AccessControlEntry("User:ANONYMOUS", "*", AclOperation.WRITE, AclPermissionType.DENY));
                admin.createAcls(List.of(deny)).all().get(30, TimeUnit.SECONDS);
                // On this one-node cluster DescribeAcls is answered from the very authorizer that checks produce requests.
                Eventually.until("the broker's authorizer has the deny ACL", Duration.ofSeconds(30),
                        () -> admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS).contains(deny));

                String refusedPayload = event("evt_kerr_refused");
                HttpResponse<String> refused = webhooks.send(refusedPayload, SECRET);
                assertEquals(503, refused.statusCode(), refused.body());
                assertEquals("kafka_error", JSON.readTree(refused.body()).path("error").path("code").asText(), refused.body());
                String scrape = bridge.metrics().scrapeText();
                assertTrue(scrape.contains("paypulse_bridge_webhooks_unavailable_total{reason=\"kafka_error\"} 1.0"), scrape);
                assertTrue(scrape.contains("paypulse_bridge_webhooks_unavailable_total{reason=\"kafka_timeout\"} 0.0"), scrape);

                admin.deleteAcls(List.of(deny.toFilter())).all().get(30, TimeUnit.SECONDS);
                Eventually.until("the broker's authorizer no longer has the deny ACL", Duration.ofSeconds(30),
                        () -> admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS).isEmpty());
                // Stripe's retry of the refused delivery, and a new event: both accepted by the same producer.
                HttpResponse<String> retried = webhooks.send(refusedPayload, SECRET);
                assertEquals(200, retried.statusCode(), retried.body());
                HttpResponse<String> after = webhooks.send(event("evt_kerr_after"), SECRET);
                assertEquals(200, after.statusCode(), after.body());

                // The refused send wrote nothing: each event is on the topic exactly once.
                Map<TopicPartition, Long> start = reader.endOffsets(Topics.STRIPE_EVENTS);
                start.replaceAll((tp, offset) -> 0L);
                List<String> onTopic = reader.readSince(start, Duration.ofSeconds(30)).stream()
                        .map(r -> new String(r.key(), StandardCharsets.UTF_8)).sorted().toList();
                assertEquals(List.of("evt_kerr_after", "evt_kerr_before", "evt_kerr_refused"), onTopic);
            }
        }
    }

    private static double producerMetric(ObjectName producerMetrics, String attribute) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        return ((Number) server.getAttribute(producerMetrics, attribute)).doubleValue();
    }

    /** {@code count} event ids whose keys the producer puts on {@code count} different partitions. */
    private static List<String> idsOnDistinctPartitions(int partitions, int count) {
        List<String> ids = new ArrayList<>();
        Set<Integer> used = new HashSet<>();
        for (int n = 0; ids.size() < count; n++) {
            String id = "evt_buffer_" + n;
            if (used.add(BuiltInPartitioner.partitionForKey(id.getBytes(StandardCharsets.UTF_8), partitions))) {
                ids.add(id);
            }
        }
        return ids;
    }

    private static BridgeConfig config(String kafka, String instance, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                BridgeConfig.ENV_SECRETS, SECRET,
                BridgeConfig.ENV_KAFKA, kafka,
                BridgeConfig.ENV_INSTANCE_ID, instance,
                BridgeConfig.ENV_BIND_HOST, FreePorts.HOST,
                BridgeConfig.ENV_METRICS_INTERVAL, "0"));
        env.putAll(extra);
        return BridgeConfig.fromEnv(env).withPort(0);
    }

    private static String event(String id) {
        return StripeEventSamples.chargeSucceeded(id, "ch_" + id.substring(4), Instant.now().getEpochSecond(), "visa", "DE",
                2500, "eur");
    }
}
