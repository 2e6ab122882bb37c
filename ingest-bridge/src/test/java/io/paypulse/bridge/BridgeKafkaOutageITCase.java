package io.paypulse.bridge;

import io.paypulse.infra.Eventually;
import io.paypulse.infra.LocalKafka;
import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpecs;
import io.paypulse.schemas.Topics;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the bridge promises when things go wrong around it: Kafka going away, and the bridge itself
 * being stopped with requests in flight. Each test has its own broker, since it stops it.
 */
class BridgeKafkaOutageITCase {

    private static final String SECRET = "whsec_outage_3c5e7a9b";

    @Test
    void kafkaStoppedMidStreamGives503sAndEveryAcceptedEventSurvivesTheRestart() throws Exception {
        try (LocalKafka kafka = LocalKafka.builder().build().start()) {
            TopicProvisioner.provision(kafka.bootstrapServers(), TopicSpecs.load().all(), Duration.ofSeconds(30));
            try (IngestBridge bridge = IngestBridge.start(config(kafka.bootstrapServers()).withKafkaAckTimeout(Duration.ofMillis(1500)))) {
                SignedWebhooks webhooks = new SignedWebhooks(bridge.webhookUri());
                Set<String> accepted = new HashSet<>();
                int sent = acceptEach(webhooks, 20, 0, accepted);

                kafka.stop();
                Eventually.until("/readyz reports Kafka unreachable", Duration.ofSeconds(30),
                        () -> webhooks.request("GET", "/readyz").statusCode() == 503);
                for (int i = 0; i < 10; i++, sent++) {
                    HttpResponse<String> r = webhooks.send(event(sent), SECRET);
                    assertEquals(503, r.statusCode(), r.body());
                    assertTrue(r.body().startsWith("{\"error\":{\"code\":\"kafka_"), r.body());
                }

                kafka.start();
                Eventually.until("/readyz reports Kafka back", Duration.ofSeconds(60),
                        () -> webhooks.request("GET", "/readyz").statusCode() == 200);
                // Right after a restart the producer may still be reconnecting; Stripe would simply retry.
                acceptAgain(webhooks, 20, sent, accepted);
                assertEveryAcceptedEventOnceOnTheTopic(kafka, accepted);
            }
        }
    }

    @Test
    void kafkaStalledGives503AtTheDeadlineAndTheBridgeRecoversWithoutDuplicates() throws Exception {
        // A broker that stops answering but keeps its connections open (a long GC pause, a frozen VM, a
        // partition that drops packets) is worse than one that is gone: nothing fails fast. SIGSTOP plays it.
        try (LocalKafka kafka = LocalKafka.builder().build().start()) {
            TopicProvisioner.provision(kafka.bootstrapServers(), TopicSpecs.load().all(), Duration.ofSeconds(30));
            try (IngestBridge bridge = IngestBridge.start(config(kafka.bootstrapServers()).withKafkaAckTimeout(Duration.ofMillis(1500)))) {
                SignedWebhooks webhooks = new SignedWebhooks(bridge.webhookUri());
                Set<String> accepted = new HashSet<>();
                int sent = acceptEach(webhooks, 10, 0, accepted);

                kafka.freeze();
                ExecutorService clients = Executors.newFixedThreadPool(6);
                try {
                    List<Future<HttpResponse<String>>> stalled = new ArrayList<>();
                    for (int i = 0; i < 6; i++, sent++) {
                        String payload = event(sent);
                        stalled.add(clients.submit(() -> webhooks.send(payload, SECRET)));
                    }
                    for (Future<HttpResponse<String>> answer : stalled) {
                        HttpResponse<String> r = answer.get(60, TimeUnit.SECONDS);
                        assertEquals(503, r.statusCode(), r.body());
                        assertTrue(r.body().startsWith("{\"error\":{\"code\":\"kafka_timeout\""), r.body());
                    }
                    Eventually.until("/readyz reports the stalled Kafka", Duration.ofSeconds(30),
                            () -> webhooks.request("GET", "/readyz").statusCode() == 503);
                } finally {
                    clients.shutdownNow();
                    kafka.thaw();
                }
                assertTrue(bridge.metrics().scrapeText().contains("paypulse_bridge_webhooks_unavailable_total{reason=\"kafka_timeout\"} 6.0"),
                        bridge.metrics().scrapeText());

                Eventually.until("/readyz reports Kafka back", Duration.ofSeconds(60),
                        () -> webhooks.request("GET", "/readyz").statusCode() == 200);
                acceptAgain(webhooks, 10, sent, accepted);
                assertEveryAcceptedEventOnceOnTheTopic(kafka, accepted);
            }
        }
    }

    /** Sends {@code count} new events, each of which must get 200, and returns the next event number. */
    private static int acceptEach(SignedWebhooks webhooks, int count, int sent, Set<String> accepted) throws Exception {
        for (int i = 0; i < count; i++, sent++) {
            HttpResponse<String> r = webhooks.send(event(sent), SECRET);
            assertEquals(200, r.statusCode(), r.body());
            accepted.add(id(sent));
        }
        return sent;
    }

    /**
     * Sends new events until {@code count} of them got 200, allowing 503s while the producer reconnects,
     * and returns the next event number.
     */
    private static int acceptAgain(SignedWebhooks webhooks, int count, int sent, Set<String> accepted) throws Exception {
        int acceptedAgain = 0;
        long stopAt = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (acceptedAgain < count && System.nanoTime() < stopAt) {
            HttpResponse<String> r = webhooks.send(event(sent), SECRET);
            if (r.statusCode() == 200) {
                accepted.add(id(sent));
                acceptedAgain++;
            } else {
                assertEquals(503, r.statusCode(), r.body());
            }
            sent++;
        }
        assertEquals(count, acceptedAgain, "the bridge accepts again once Kafka answers");
        return sent;
    }

    private static void assertEveryAcceptedEventOnceOnTheTopic(LocalKafka kafka, Set<String> accepted) {
        try (KafkaTopicReader reader = new KafkaTopicReader(kafka.bootstrapServers())) {
            Map<org.apache.kafka.common.TopicPartition, Long> start = reader.endOffsets(Topics.STRIPE_EVENTS);
            start.replaceAll((tp, offset) -> 0L);
            Map<String, Integer> copies = new HashMap<>();
            reader.readSince(start, Duration.ofSeconds(60))
                    .forEach(r -> copies.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum));
            Set<String> missing = new HashSet<>(accepted);
            missing.removeAll(copies.keySet());
            assertEquals(Set.of(), missing, "every event answered 200 is on stripe.events");
            // A 503'd event may have landed (Stripe's retry then makes a duplicate the job removes), but the
            // idempotent producer never writes one send twice.
            copies.values().removeIf(n -> n == 1);
            assertEquals(Map.of(), copies, "no record written twice");
        }
    }

    @Test
    void closingFinishesTheRequestInFlightAndRefusesNewConnections() throws Exception {
        try (LocalKafka kafka = LocalKafka.builder().build().start()) {
            TopicProvisioner.provision(kafka.bootstrapServers(), TopicSpecs.load().all(), Duration.ofSeconds(30));
            IngestBridge bridge = IngestBridge.start(config(kafka.bootstrapServers()));
            String payload = event(1);
            byte[] body = payload.getBytes(StandardCharsets.UTF_8);
            String signature = StripeEventSamples.signatureHeader(payload, SECRET, Instant.now().getEpochSecond());
            int port = bridge.port();
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(20_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /webhooks/stripe HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Stripe-Signature: " + signature + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body, 0, body.length / 2);
                out.flush();
                Eventually.until("the request is in flight", Duration.ofSeconds(10),
                        () -> bridge.metrics().scrapeText().contains("paypulse_bridge_requests_in_flight 1.0"));

                CompletableFuture<Void> closing = CompletableFuture.runAsync(bridge::close);
                Eventually.until("the bridge stops accepting connections", Duration.ofSeconds(10), () -> {
                    try (Socket probe = new Socket("127.0.0.1", port)) {
                        return false;
                    } catch (ConnectException refused) {
                        return true;
                    } catch (java.net.SocketException reset) {
                        // Connected into the backlog of a listener that is closing, then reset: not accepted, and
                        // not yet the refusal this waits for (seen once in a fresh-clone run).
                        return false;
                    }
                });
                out.write(body, body.length / 2, body.length - body.length / 2);
                out.flush();
                String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 200", answer);
                closing.get();
            }
            try (KafkaTopicReader reader = new KafkaTopicReader(kafka.bootstrapServers())) {
                assertEquals(1, reader.count(Topics.STRIPE_EVENTS));
            }
        }
    }

    private static BridgeConfig config(String kafka) {
        return BridgeConfig.fromEnv(Map.of(
                BridgeConfig.ENV_SECRETS, SECRET,
                BridgeConfig.ENV_KAFKA, kafka,
                BridgeConfig.ENV_BIND_HOST, "127.0.0.1")).withPort(0);
    }

    private static String id(int n) {
        return "evt_outage_" + n;
    }

    private static String event(int n) {
        return StripeEventSamples.chargeSucceeded(id(n), "ch_outage_" + n, Instant.now().getEpochSecond(), "visa", "BR", 1000, "brl");
    }
}
