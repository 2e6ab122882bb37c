package io.paypulse.bridge;

import io.paypulse.infra.Eventually;
import io.paypulse.infra.SharedInfra;
import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpecs;
import io.paypulse.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On shutdown {@code /readyz} turns 503 first and the bridge keeps serving for the drain delay, so a load
 * balancer that watches readiness stops sending before the port closes.
 */
class BridgeShutdownDrainITCase {

    private static final String SECRET = "whsec_drain_2e4a6c8f";

    @Test
    void readyzTurns503WhileWebhooksAreStillAcceptedThenThePortCloses() throws Exception {
        String kafka = SharedInfra.kafka().bootstrapServers();
        TopicProvisioner.provision(kafka, TopicSpecs.load().all(), Duration.ofSeconds(30));
        Map<TopicPartition, Long> before;
        try (KafkaTopicReader reader = new KafkaTopicReader(kafka)) {
            before = reader.endOffsets(Topics.STRIPE_EVENTS);
        }
        // Long enough that the POST below lands within it even on a loaded machine; the test waits for facts, and
        // only the port's closing waits for the drain to end.
        IngestBridge bridge = IngestBridge.start(BridgeConfig.fromEnv(Map.of(
                        BridgeConfig.ENV_SECRETS, SECRET,
                        BridgeConfig.ENV_KAFKA, kafka,
                        BridgeConfig.ENV_INSTANCE_ID, "drain-it",
                        BridgeConfig.ENV_BIND_HOST, "127.0.0.1",
                        BridgeConfig.ENV_METRICS_INTERVAL, "0",
                        BridgeConfig.ENV_SHUTDOWN_DRAIN, "12000"))
                .withPort(0));
        int port = bridge.port();
        SignedWebhooks webhooks = new SignedWebhooks(bridge.webhookUri());
        Eventually.until("the bridge is ready", Duration.ofSeconds(30),
                () -> webhooks.request("GET", "/readyz").statusCode() == 200);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(bridge::close);
        Eventually.until("/readyz turns 503 on shutdown", Duration.ofSeconds(10),
                () -> webhooks.request("GET", "/readyz").statusCode() == 503);
        // Sent right after /readyz said 503, within the drain: a request a load balancer still routes.
        String id = "evt_drain_" + UUID.randomUUID();
        String payload = StripeEventSamples.chargeSucceeded(id, "ch_drain_1", Instant.now().getEpochSecond(),
                "visa", "US", 500, "usd");
        HttpResponse<String> accepted = webhooks.send(payload, SECRET);
        assertEquals(200, accepted.statusCode(), accepted.body());

        Eventually.until("the bridge stops accepting connections after the drain", Duration.ofSeconds(120), () -> {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return false;
            } catch (ConnectException refused) {
                return true;
            }
        });
        closing.get(60, TimeUnit.SECONDS);

        // The 200 meant Kafka had it: exactly that record, byte for byte.
        try (KafkaTopicReader reader = new KafkaTopicReader(kafka)) {
            List<ConsumerRecord<byte[], byte[]>> mine = reader.readSince(before, Duration.ofSeconds(30)).stream()
                    .filter(r -> id.equals(new String(r.key(), StandardCharsets.UTF_8)))
                    .toList();
            assertEquals(1, mine.size(), "the accepted webhook is on stripe.events once");
            assertEquals(payload, new String(mine.get(0).value(), StandardCharsets.UTF_8));
        }
    }
}
