package io.paypulse.bridge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BridgeConfigTest {

    @Test
    void appliesTheDocumentedDefaults() {
        BridgeConfig c = BridgeConfig.fromEnv(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_a", "HOSTNAME", "pod-7"));
        assertEquals(8080, c.port());
        assertEquals(List.of("whsec_a"), c.webhookSecrets());
        assertEquals(Duration.ofSeconds(300), c.signatureTolerance());
        assertEquals(1_048_576, c.maxBodyBytes());
        assertEquals("localhost:9092", c.kafkaBootstrapServers());
        assertEquals(Duration.ofSeconds(5), c.kafkaAckTimeout());
        assertTrue(c.instanceId().startsWith("pod-7-"));
        assertEquals(Duration.ofSeconds(15), c.metricsInterval());
        assertTrue(c.metricsSnapshotsEnabled());
    }

    @Test
    void theClientConfigFileMayTuneCompressionAndBatchSizeButNotTheDurabilityContract(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SSL\ncompression.type=zstd\nbatch.size=65536\nacks=1\n"
                + "enable.idempotence=false\nlinger.ms=50\n");
        Properties tuned = WebhookPublisher.producerProperties(BridgeConfig.fromEnv(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_a",
                "KAFKA_CLIENT_CONFIG", file.toString(), "BRIDGE_KAFKA_LINGER_MS", "1")));
        assertEquals("SSL", tuned.get("security.protocol"));
        assertEquals("zstd", tuned.get("compression.type"));
        assertEquals("65536", tuned.get("batch.size"));
        assertEquals("all", tuned.get("acks"));
        assertEquals("true", tuned.get("enable.idempotence"));
        assertEquals("1", tuned.get("linger.ms"));

        Properties defaults = WebhookPublisher.producerProperties(BridgeConfig.fromEnv(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_a")));
        assertEquals("lz4", defaults.get("compression.type"));
        assertEquals("262144", defaults.get("batch.size"));
    }

    @Test
    void theProducerTakesARecordAsLargeAsTheLargestBodyPlusItsEnvelope() {
        assertEquals(Integer.toString(1024 * 1024 + 64 * 1024), WebhookPublisher.producerProperties(
                BridgeConfig.fromEnv(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_a"))).get("max.request.size"));
        assertEquals(Integer.toString(3 * 1024 * 1024 + 64 * 1024), WebhookPublisher.producerProperties(
                BridgeConfig.fromEnv(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_a", "BRIDGE_MAX_BODY_BYTES", "3145728")))
                .get("max.request.size"));
        IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class, () -> BridgeConfig.fromEnv(
                Map.of("STRIPE_WEBHOOK_SECRET", "whsec_a", "BRIDGE_MAX_BODY_BYTES", "2147483647")));
        assertEquals("BRIDGE_MAX_BODY_BYTES must be between 1024 and 16777216 bytes (16 MiB), got 2147483647",
                tooLarge.getMessage());
        // Never below Kafka's own default.
        assertEquals("1048576", WebhookPublisher.producerProperties(
                BridgeConfig.fromEnv(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_a", "BRIDGE_MAX_BODY_BYTES", "65536")))
                .get("max.request.size"));
    }

    @Test
    void metricsIntervalTakesUnitsAndZeroTurnsSnapshotsOff() {
        assertEquals(Duration.ofMillis(500), metricsInterval("500ms"));
        assertEquals(Duration.ofSeconds(30), metricsInterval("30s"));
        assertEquals(Duration.ofMinutes(1), metricsInterval("1m"));
        assertEquals(Duration.ofSeconds(20), metricsInterval("20"));
        assertEquals(Duration.ZERO, metricsInterval("0"));
        assertFalse(BridgeConfig.fromEnv(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_a", "BRIDGE_METRICS_INTERVAL", "0"))
                .metricsSnapshotsEnabled());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> metricsInterval("often"));
        assertEquals("BRIDGE_METRICS_INTERVAL='often' is not an interval: write e.g. 15s, 500ms, 1m, or 0 for off",
                bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> metricsInterval("5ms"));
    }

    private static Duration metricsInterval(String value) {
        return BridgeConfig.fromEnv(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_a", "BRIDGE_METRICS_INTERVAL", value))
                .metricsInterval();
    }

    @Test
    void readsEveryVariable() {
        BridgeConfig c = BridgeConfig.fromEnv(Map.of(
                "BRIDGE_PORT", "9000", "STRIPE_WEBHOOK_SECRET", " whsec_old , whsec_new ",
                "STRIPE_WEBHOOK_TOLERANCE_SECONDS", "60", "BRIDGE_MAX_BODY_BYTES", "65536",
                "KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092", "BRIDGE_KAFKA_ACK_TIMEOUT_MS", "2500",
                "BRIDGE_INSTANCE_ID", "bridge-a"));
        assertEquals(9000, c.port());
        assertEquals(List.of("whsec_old", "whsec_new"), c.webhookSecrets());
        assertEquals(Duration.ofSeconds(60), c.signatureTolerance());
        assertEquals(65536, c.maxBodyBytes());
        assertEquals("k1:9092,k2:9092", c.kafkaBootstrapServers());
        assertEquals(Duration.ofMillis(2500), c.kafkaAckTimeout());
        assertEquals("bridge-a", c.instanceId());
    }

    @Test
    void refusesBadValuesWithAMessageThatSaysWhatToDo() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> BridgeConfig.fromEnv(Map.of()));
        assertTrue(missing.getMessage().startsWith("STRIPE_WEBHOOK_SECRET is not set"), missing.getMessage());
        IllegalArgumentException stray = assertThrows(IllegalArgumentException.class,
                () -> BridgeConfig.fromEnv(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_a,")));
        assertEquals("STRIPE_WEBHOOK_SECRET holds an empty secret at position 1: remove the stray comma", stray.getMessage());
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> BridgeConfig.fromEnv(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_a", "BRIDGE_PORT", "http")));
        assertEquals("BRIDGE_PORT must be a whole number, got 'http'", port.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> BridgeConfig.fromEnv(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_a", "BRIDGE_KAFKA_ACK_TIMEOUT_MS", "0")));
    }

    @Test
    void neverPrintsTheSecrets() {
        BridgeConfig c = BridgeConfig.fromEnv(Map.of("STRIPE_WEBHOOK_SECRET", "whsec_topsecret1,whsec_topsecret2"));
        assertFalse(c.toString().contains("topsecret"), c.toString());
        assertTrue(c.toString().contains("webhookSecrets=2 configured"));
    }
}
