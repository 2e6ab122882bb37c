package io.paypulse.bridge;

import io.paypulse.infra.Eventually;
import io.paypulse.infra.SharedInfra;
import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpecs;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
        IngestBridge bridge = IngestBridge.start(BridgeConfig.fromEnv(Map.of(
                        BridgeConfig.ENV_SECRETS, SECRET,
                        BridgeConfig.ENV_KAFKA, kafka,
                        BridgeConfig.ENV_INSTANCE_ID, "drain-it",
                        BridgeConfig.ENV_BIND_HOST, "127.0.0.1",
                        BridgeConfig.ENV_METRICS_INTERVAL, "0",
                        BridgeConfig.ENV_SHUTDOWN_DRAIN, "4000"))
                .withPort(0));
        int port = bridge.port();
        SignedWebhooks webhooks = new SignedWebhooks(bridge.webhookUri());
        Eventually.until("the bridge is ready", Duration.ofSeconds(30),
                () -> webhooks.request("GET", "/readyz").statusCode() == 200);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(bridge::close);
        Eventually.until("/readyz turns 503 on shutdown", Duration.ofSeconds(10),
                () -> webhooks.request("GET", "/readyz").statusCode() == 503);
        // Sent right after /readyz said 503, well within the 4 s drain: a request a load balancer still routes.
        String payload = StripeEventSamples.chargeSucceeded("evt_drain_1", "ch_drain_1", Instant.now().getEpochSecond(),
                "visa", "US", 500, "usd");
        HttpResponse<String> accepted = webhooks.send(payload, SECRET);
        assertEquals(200, accepted.statusCode(), accepted.body());

        Eventually.until("the bridge stops accepting connections after the drain", Duration.ofSeconds(30), () -> {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return false;
            } catch (ConnectException refused) {
                return true;
            }
        });
        closing.get(30, TimeUnit.SECONDS);
    }
}
