package io.paypulse.bridge;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings the bridge refuses at start, with a message that names what to change, rather than failing later. */
class BridgeConfigBoundsTest {

    @Test
    void ackTimeoutAboveWhatKafkaTakesIsRefusedNamingTheVariableAndFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(Map.of(BridgeConfig.ENV_ACK_TIMEOUT, "3000000000")));
        assertTrue(e.getMessage().startsWith("BRIDGE_KAFKA_ACK_TIMEOUT_MS (--ack-timeout-ms) must be at most 2147483647 ms"),
                e.getMessage());
    }

    @Test
    void ackTimeoutPlusLingerMustFitTheDeliveryTimeout() {
        String largest = Integer.toString(Integer.MAX_VALUE);
        BridgeConfig atLimit = config(Map.of(BridgeConfig.ENV_ACK_TIMEOUT, largest, BridgeConfig.ENV_LINGER, "0"));
        Properties producer = WebhookPublisher.producerProperties(atLimit);
        assertEquals(largest, producer.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
        // Kafka's own validation, without connecting anywhere: the values it would otherwise refuse at start.
        new ProducerConfig(producer);

        IllegalArgumentException overflow = assertThrows(IllegalArgumentException.class,
                () -> config(Map.of(BridgeConfig.ENV_ACK_TIMEOUT, largest, BridgeConfig.ENV_LINGER, "1")));
        assertTrue(overflow.getMessage().startsWith(
                "BRIDGE_KAFKA_ACK_TIMEOUT_MS (--ack-timeout-ms) plus BRIDGE_KAFKA_LINGER_MS must be at most 2147483647 ms"),
                overflow.getMessage());
        IllegalArgumentException hugeLinger = assertThrows(IllegalArgumentException.class,
                () -> config(Map.of(BridgeConfig.ENV_LINGER, Long.toString(Long.MAX_VALUE))));
        assertTrue(hugeLinger.getMessage().contains("BRIDGE_KAFKA_LINGER_MS"), hugeLinger.getMessage());
    }

    @Test
    void producerNeverWaitsToQueueARecord() {
        assertEquals("0", WebhookPublisher.producerProperties(config(Map.of())).get(ProducerConfig.MAX_BLOCK_MS_CONFIG));
    }

    @Test
    void clientConfigMayNotSetMaxBlockMs(@TempDir Path dir) throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(Map.of(BridgeConfig.ENV_KAFKA_CLIENT_CONFIG, clientConfig(dir, "max.block.ms=60000"))));
        assertTrue(e.getMessage().startsWith("KAFKA_CLIENT_CONFIG sets max.block.ms, which the bridge does not take from it: "
                + "remove that line from the file"), e.getMessage());
        assertTrue(e.getMessage().contains("BRIDGE_KAFKA_ACK_TIMEOUT_MS"), e.getMessage());
        assertFalse(e.getMessage().contains("60000"), "values are never echoed: " + e.getMessage());
    }

    @Test
    void clientConfigMayNotMakeTheProducerTransactional(@TempDir Path dir) throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(Map.of(BridgeConfig.ENV_KAFKA_CLIENT_CONFIG, clientConfig(dir, "transactional.id=bridge-tx-7"))));
        assertTrue(e.getMessage().startsWith("KAFKA_CLIENT_CONFIG sets transactional.id, which the bridge does not take "
                + "from it: remove that line from the file"), e.getMessage());
        assertFalse(e.getMessage().contains("bridge-tx-7"), "values are never echoed: " + e.getMessage());
    }

    @Test
    void securitySettingsAndTuningStillPass(@TempDir Path dir) throws IOException {
        BridgeConfig c = config(Map.of(BridgeConfig.ENV_KAFKA_CLIENT_CONFIG,
                clientConfig(dir, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\ncompression.type=zstd")));
        assertEquals("SASL_SSL", c.kafkaClientProperties().get("security.protocol"));
    }

    @Test
    void shutdownDrainIsOffByDefaultAndBounded() {
        assertEquals(Duration.ZERO, config(Map.of()).shutdownDrain());
        assertEquals(Duration.ofSeconds(5), config(Map.of(BridgeConfig.ENV_SHUTDOWN_DRAIN, "5000")).shutdownDrain());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> config(Map.of(BridgeConfig.ENV_SHUTDOWN_DRAIN, "-1")));
        assertTrue(negative.getMessage().startsWith("BRIDGE_SHUTDOWN_DRAIN_MS (--shutdown-drain-ms) must be between 0 and"),
                negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> config(Map.of(BridgeConfig.ENV_SHUTDOWN_DRAIN, "300001")));
    }

    private static BridgeConfig config(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put(BridgeConfig.ENV_SECRETS, "whsec_a");
        return BridgeConfig.fromEnv(env);
    }

    private static String clientConfig(Path dir, String content) throws IOException {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, content + "\n");
        return file.toString();
    }
}
