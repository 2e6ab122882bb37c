package io.paypulse.bridge;

import io.paypulse.infra.FreePorts;
import io.paypulse.infra.SharedInfra;
import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpecs;
import io.paypulse.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge's HTTP threads never wait for Kafka: a webhook whose topic has no metadata yet (Kafka not
 * reachable, a missing topic, metadata dropped after a long idle) is answered 503 at once, and every other
 * connection keeps being served. The bridge keeps its topics' metadata warm so that this does not happen
 * in normal operation.
 */
class BridgeNeverWaitsOnKafkaITCase {

    private static final String SECRET = "whsec_nonblocking_7d1f3b5a";
    /** Far longer than the client waits: a bridge that waits on Kafka at all fails these tests. */
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void webhookWithKafkaUnreachableGets503WhileHealthzKeepsAnswering() throws Exception {
        String nobodyListens = FreePorts.HOST + ":" + FreePorts.pick();
        try (IngestBridge bridge = IngestBridge.start(config(nobodyListens, "nonblocking-unreachable", Map.of()))) {
            CompletableFuture<HttpResponse<String>> webhook = http.sendAsync(signed(bridge, event("evt_nb_unreachable")),
                    HttpResponse.BodyHandlers.ofString());
            CompletableFuture<HttpResponse<String>> secondWebhook = http.sendAsync(
                    signed(bridge, event("evt_nb_unreachable_2")), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, get(bridge, "/healthz").statusCode());

            HttpResponse<String> answer = webhook.get(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(503, answer.statusCode(), answer.body());
            assertTrue(answer.body().startsWith("{\"error\":{\"code\":\"kafka_metadata_unavailable\""), answer.body());
            assertEquals(503, secondWebhook.get(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS).statusCode());
            assertEquals(503, get(bridge, "/readyz").statusCode());
            assertTrue(bridge.metrics().scrapeText()
                    .contains("paypulse_bridge_webhooks_unavailable_total{reason=\"kafka_metadata_unavailable\"} 2.0"),
                    bridge.metrics().scrapeText());
        }
    }

    @Test
    void deadLettersRightAfterStartAndAfterALongIdleLandOnTheDlq(@TempDir Path dir) throws Exception {
        String kafka = SharedInfra.kafka().bootstrapServers();
        TopicProvisioner.provision(kafka, TopicSpecs.load().all(), Duration.ofSeconds(30));
        // The producer forgets a topic after metadata.max.idle.ms without sends (5 s is Kafka's minimum), at its
        // next metadata refresh: without the bridge keeping the DLQ's metadata warm, its next send would get 503.
        Path clientConfig = dir.resolve("client.properties");
        Files.writeString(clientConfig, "metadata.max.idle.ms=5000\nmetadata.max.age.ms=500\n");
        try (IngestBridge bridge = IngestBridge.start(config(kafka, "nonblocking-dlq",
                Map.of(BridgeConfig.ENV_KAFKA_CLIENT_CONFIG, clientConfig.toString())));
             KafkaTopicReader reader = new KafkaTopicReader(kafka)) {
            Map<TopicPartition, Long> dlqBefore = reader.endOffsets(Topics.STRIPE_EVENTS_DLQ);
            String first = "{\"nonblocking\":\"right after start\"";
            assertDeadLettered(send(signed(bridge, first)));

            // Events keep flowing, the DLQ sees nothing for longer than metadata.max.idle.ms plus a refresh.
            long idleUntil = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            for (int n = 0; System.nanoTime() < idleUntil; n++) {
                HttpResponse<String> accepted = send(signed(bridge, event("evt_nb_idle_" + n)));
                assertEquals(200, accepted.statusCode(), accepted.body());
            }
            String second = "{\"nonblocking\":\"after a long idle\"";
            assertDeadLettered(send(signed(bridge, second)));

            List<ConsumerRecord<byte[], byte[]>> dlq = reader.readSince(dlqBefore, Duration.ofSeconds(30));
            assertEquals(Stream.of(first, second).sorted().toList(),
                    dlq.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8))
                            .filter(body -> body.startsWith("{\"nonblocking\"")).sorted().toList());
        }
    }

    private static void assertDeadLettered(HttpResponse<String> answer) {
        assertEquals(400, answer.statusCode(), answer.body());
        assertTrue(answer.body().startsWith("{\"error\":{\"code\":\"invalid_json\""), answer.body());
    }

    private static BridgeConfig config(String kafka, String instance, Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                BridgeConfig.ENV_SECRETS, SECRET,
                BridgeConfig.ENV_KAFKA, kafka,
                BridgeConfig.ENV_INSTANCE_ID, instance,
                BridgeConfig.ENV_BIND_HOST, FreePorts.HOST,
                BridgeConfig.ENV_METRICS_INTERVAL, "0",
                BridgeConfig.ENV_ACK_TIMEOUT, Long.toString(ACK_TIMEOUT.toMillis())));
        env.putAll(extra);
        return BridgeConfig.fromEnv(env).withPort(0);
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(IngestBridge bridge, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(bridge.baseUri().resolve(path)).timeout(CLIENT_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest signed(IngestBridge bridge, String payload) {
        return HttpRequest.newBuilder(URI.create(bridge.webhookUri().toString()))
                .timeout(CLIENT_TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Stripe-Signature", StripeEventSamples.signatureHeader(payload, SECRET, Instant.now().getEpochSecond()))
                .POST(HttpRequest.BodyPublishers.ofString(payload))
                .build();
    }

    private static String event(String id) {
        return StripeEventSamples.chargeSucceeded(id, "ch_" + id.substring(4), Instant.now().getEpochSecond(), "visa", "BR",
                1000, "brl");
    }
}
