package io.paypulse.cli;

import io.paypulse.bridge.BridgeConfig;
import io.paypulse.infra.SharedInfra;
import io.paypulse.schemas.ProvisioningException;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code paypulse bridge} checks its topics with the same Kafka client settings (KAFKA_CLIENT_CONFIG: TLS,
 * SASL) as its producer, so a secured cluster is not mistaken for an unreachable one.
 */
class BridgeCommandTopicsITCase {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void theTopicCheckUsesTheClientConfig(@TempDir Path dir) throws IOException {
        // A value no Kafka client takes: it can only fail if the properties reach the admin client.
        BridgeConfig config = config(dir, "security.protocol=NOT_A_PROTOCOL\n");

        ProvisioningException e = assertThrows(ProvisioningException.class,
                () -> BridgeCommand.provisionTopics(config, TIMEOUT));

        assertTrue(e.getMessage().startsWith("the Kafka client settings are not valid ("), e.getMessage());
        assertTrue(e.getMessage().contains("security.protocol"), e.getMessage());
        assertTrue(e.getMessage().endsWith("fix them in KAFKA_BOOTSTRAP_SERVERS or in the file KAFKA_CLIENT_CONFIG names"),
                e.getMessage());
    }

    @Test
    void topicsAreCheckedWithValidClientConfig(@TempDir Path dir) throws IOException {
        BridgeConfig config = config(dir, "security.protocol=PLAINTEXT\nclient.dns.lookup=use_all_dns_ips\n");

        TopicProvisioner.Result result = BridgeCommand.provisionTopics(config, TIMEOUT);

        List<String> topics = new ArrayList<>(result.created());
        topics.addAll(result.alreadyPresent());
        assertTrue(topics.containsAll(List.of(Topics.STRIPE_EVENTS, Topics.STRIPE_EVENTS_DLQ)), topics.toString());
    }

    private static BridgeConfig config(Path dir, String clientProperties) throws IOException {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, clientProperties);
        return BridgeConfig.fromEnv(Map.of(
                BridgeConfig.ENV_SECRETS, "whsec_cli_topics_1a2b",
                BridgeConfig.ENV_KAFKA, SharedInfra.kafka().bootstrapServers(),
                BridgeConfig.ENV_KAFKA_CLIENT_CONFIG, file.toString()));
    }
}
