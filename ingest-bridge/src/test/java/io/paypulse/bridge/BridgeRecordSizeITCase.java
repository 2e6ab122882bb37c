package io.paypulse.bridge;

import io.paypulse.infra.Eventually;
import io.paypulse.infra.SharedInfra;
import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.EnvelopeHeaders;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpecs;
import io.paypulse.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bodies at the bridge's size limit reach Kafka: the record around them (key, envelope headers) must not
 * push them over the producer's or the topic's own limit, or Stripe would get 503 on every retry.
 */
class BridgeRecordSizeITCase {

    private static final String SECRET = "whsec_size_it_5c7e9a1b";
    private static final int ONE_MIB = 1024 * 1024;

    private static IngestBridge atDefaultLimit;
    private static IngestBridge overTopicLimit;
    private static KafkaTopicReader reader;

    @BeforeAll
    static void start() throws Exception {
        String kafka = SharedInfra.kafka().bootstrapServers();
        TopicProvisioner.provision(kafka, TopicSpecs.load().all(), Duration.ofSeconds(30));
        atDefaultLimit = IngestBridge.start(config(kafka, "size-it-default", null));
        // Told to take 3 MiB bodies, more than the topics' 2 MiB max.message.bytes: Kafka must refuse them.
        overTopicLimit = IngestBridge.start(config(kafka, "size-it-3mib", Integer.toString(3 * ONE_MIB)));
        reader = new KafkaTopicReader(kafka);
    }

    private static BridgeConfig config(String kafka, String instance, String maxBody) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(BridgeConfig.ENV_SECRETS, SECRET, BridgeConfig.ENV_KAFKA, kafka,
                BridgeConfig.ENV_INSTANCE_ID, instance, BridgeConfig.ENV_BIND_HOST, "127.0.0.1",
                BridgeConfig.ENV_METRICS_INTERVAL, "0"));
        if (maxBody != null) {
            env.put(BridgeConfig.ENV_MAX_BODY, maxBody);
        }
        return BridgeConfig.fromEnv(env).withPort(0);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[]{atDefaultLimit, overTopicLimit, reader}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing what a failed start left
                }
            }
        }
    }

    @Test
    void anEventOfExactlyTheBodyLimitIsAcceptedAndStoredByteForByte() throws Exception {
        String id = "evt_size_" + UUID.randomUUID().toString().replace("-", "");
        String payload = padded(StripeEventSamples.chargeSucceeded(id, "ch_size", Instant.now().getEpochSecond(), "visa", "BR",
                4999, "brl"), ONE_MIB);
        assertEquals(ONE_MIB, payload.getBytes(StandardCharsets.UTF_8).length);
        Map<TopicPartition, Long> before = reader.endOffsets(Topics.STRIPE_EVENTS);

        HttpResponse<String> response = new SignedWebhooks(atDefaultLimit.webhookUri()).send(payload, SECRET);

        assertEquals(200, response.statusCode(), response.body());
        List<ConsumerRecord<byte[], byte[]>> records = reader.readSince(before, Duration.ofSeconds(30));
        assertEquals(1, records.size());
        assertEquals(id, new String(records.get(0).key(), StandardCharsets.UTF_8));
        assertArrayEquals(payload.getBytes(StandardCharsets.UTF_8), records.get(0).value());
    }

    @Test
    void aSignedNonEventOfExactlyTheBodyLimitIsRefusedAndKeptOnTheDeadLetterTopic() throws Exception {
        String body = "not json " + "x".repeat(ONE_MIB - 9);
        Map<TopicPartition, Long> eventsBefore = reader.endOffsets(Topics.STRIPE_EVENTS);
        Map<TopicPartition, Long> dlqBefore = reader.endOffsets(Topics.STRIPE_EVENTS_DLQ);

        HttpResponse<String> response = new SignedWebhooks(atDefaultLimit.webhookUri()).send(body, SECRET);

        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().startsWith("{\"error\":{\"code\":\"invalid_json\""), response.body());
        List<ConsumerRecord<byte[], byte[]>> dlq = reader.readSince(dlqBefore, Duration.ofSeconds(30));
        assertEquals(1, dlq.size());
        assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), dlq.get(0).value());
        assertEquals("size-it-default", new String(dlq.get(0).headers().lastHeader(EnvelopeHeaders.BRIDGE_INSTANCE).value(),
                StandardCharsets.UTF_8));
        assertEquals(eventsBefore, reader.endOffsets(Topics.STRIPE_EVENTS));
    }

    @Test
    void anEventLargerThanTheTopicTakesGets503NamingTheCauseAndNothingIsWritten() throws Exception {
        String id = "evt_huge_" + UUID.randomUUID().toString().replace("-", "");
        // Random hex: lz4 cannot shrink it below the topic's 2 MiB, as it would a repetitive body.
        String payload = padded(StripeEventSamples.chargeSucceeded(id, "ch_huge", Instant.now().getEpochSecond(), "visa", "BR",
                4999, "brl"), 5 * ONE_MIB / 2);
        Map<TopicPartition, Long> before = reader.endOffsets(Topics.STRIPE_EVENTS);
        SignedWebhooks webhooks = new SignedWebhooks(overTopicLimit.webhookUri());

        HttpResponse<String> response = webhooks.send(payload, SECRET);

        assertEquals(503, response.statusCode(), response.body());
        assertTrue(response.body().startsWith("{\"error\":{\"code\":\"kafka_record_too_large\",\"message\":\"Kafka refused the "
                + "event as larger than its topic accepts"), response.body());
        assertEquals(before, reader.endOffsets(Topics.STRIPE_EVENTS));
        Matcher m = Pattern.compile("paypulse_bridge_webhooks_unavailable_total\\{reason=\"(\\w+)\"} (\\S+)")
                .matcher(webhooks.request("GET", "/metrics").body());
        Map<String, Double> unavailable = new java.util.TreeMap<>();
        while (m.find()) {
            unavailable.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        assertEquals(Map.of("kafka_error", 0.0, "kafka_record_too_large", 1.0, "kafka_timeout", 0.0), unavailable);
    }

    @Test
    void eachBridgeSaysWhetherTheTopicsTakeItsLargestRecord() throws Exception {
        // Read once Kafka answers: 2 MiB topics take a 1 MiB body and its envelope, not a 3 MiB one.
        Map<String, Double> expectedTooSmall = Map.of(Topics.STRIPE_EVENTS, 1.0, Topics.STRIPE_EVENTS_DLQ, 1.0);
        Map<String, Double> expectedEnough = Map.of(Topics.STRIPE_EVENTS, 0.0, Topics.STRIPE_EVENTS_DLQ, 0.0);
        Eventually.until("the 3 MiB bridge has read both topics' limits", Duration.ofSeconds(30),
                () -> expectedTooSmall.equals(topicLimits(overTopicLimit)));
        Eventually.until("the default bridge has read both topics' limits", Duration.ofSeconds(30),
                () -> expectedEnough.equals(topicLimits(atDefaultLimit)));
    }

    private static Map<String, Double> topicLimits(IngestBridge bridge) throws Exception {
        Matcher m = Pattern.compile("paypulse_bridge_topic_limit_too_small\\{topic=\"([\\w.]+)\"} (\\S+)")
                .matcher(new SignedWebhooks(bridge.webhookUri()).request("GET", "/metrics").body());
        Map<String, Double> values = new java.util.TreeMap<>();
        while (m.find()) {
            values.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return values;
    }

    /** {@code event} with a {@code metadata.padding} of random hex making it exactly {@code bytes} long. */
    private static String padded(String event, int bytes) {
        String open = event.substring(0, event.length() - 1) + ",\"padding\":\"";
        String close = "\"}";
        int pad = bytes - open.length() - close.length();
        StringBuilder hex = new StringBuilder(pad);
        Random random = new Random(pad);
        while (hex.length() < pad) {
            hex.append(Character.forDigit(random.nextInt(16), 16));
        }
        return open + hex + close;
    }
}
