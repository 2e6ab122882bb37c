package io.paypulse.schemas;

import io.paypulse.infra.Eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Topic provisioning against a real Kafka broker; every test provisions topics of its own. */
class TopicProvisionerITCase {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Admin admin;
    private String suffix;

    @BeforeEach
    void connect() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalServers.kafkaBootstrapServers()));
        suffix = UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void close() {
        admin.close(Duration.ofSeconds(10));
    }

    @Test
    void createsEveryTopicOfTheContractWithItsPartitionsAndConfig() throws Exception {
        List<TopicSpec> specs = ownCopies(TopicSpecs.load().all());

        TopicProvisioner.Result result = new TopicProvisioner(admin, TIMEOUT).provision(specs);

        assertEquals(names(specs), result.created());
        assertEquals(List.of(), result.alreadyPresent());
        assertEquals(List.of(), result.partitionMismatches());
        for (TopicSpec spec : specs) {
            assertEquals(spec.partitions(), partitionCount(spec.name()), spec.name());
            Config config = Eventually.get(TIMEOUT, () -> admin.describeConfigs(
                    List.of(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()))).all().get()
                    .get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name())));
            for (Map.Entry<String, String> entry : spec.config().entrySet()) {
                assertEquals(entry.getValue(), config.get(entry.getKey()).value(), spec.name() + " " + entry.getKey());
            }
            // One broker here: one replica, and min.insync.replicas left to the broker (2 on a cluster of three).
            assertEquals(1, Eventually.get(TIMEOUT, () -> admin.describeTopics(List.of(spec.name())).allTopicNames().get())
                    .get(spec.name()).partitions().get(0).replicas().size(), spec.name());
            assertTrue(config.get("min.insync.replicas").source()
                    != org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, spec.name());
        }
    }

    @Test
    void secondRunCreatesNothing() throws Exception {
        List<TopicSpec> specs = ownCopies(TopicSpecs.load().all());
        new TopicProvisioner(admin, TIMEOUT).provision(specs);

        TopicProvisioner.Result again = new TopicProvisioner(admin, TIMEOUT).provision(specs);

        assertEquals(List.of(), again.created());
        assertEquals(names(specs), again.alreadyPresent());
        assertEquals(List.of(), again.partitionMismatches());
    }

    @Test
    void bootstrapServersVariantOpensItsOwnClient() throws Exception {
        List<TopicSpec> specs = ownCopies(List.of(TopicSpecs.load().get(Topics.STRIPE_EVENTS_DLQ)));

        TopicProvisioner.Result result =
                TopicProvisioner.provision(LocalServers.kafkaBootstrapServers(), specs, TIMEOUT);

        assertEquals(names(specs), result.created());
        assertEquals(specs.get(0).partitions(), partitionCount(specs.get(0).name()));
    }

    @Test
    void existingTopicWithOtherPartitionCountIsReportedAndLeftAlone() throws Exception {
        TopicSpec spec = ownCopies(List.of(TopicSpecs.load().get(Topics.STRIPE_EVENTS))).get(0);
        admin.createTopics(List.of(new NewTopic(spec.name(), Optional.of(2), Optional.empty()))).all().get();
        assertEquals(2, partitionCount(spec.name()));

        TopicProvisioner.Result result = new TopicProvisioner(admin, TIMEOUT).provision(List.of(spec));

        assertEquals(List.of(), result.created());
        assertEquals(List.of(spec.name()), result.alreadyPresent());
        assertEquals(List.of(new TopicProvisioner.PartitionMismatch(spec.name(), 6, 2)), result.partitionMismatches());
        assertEquals(2, partitionCount(spec.name()));
    }

    @Test
    void stripeEventsCreatedWithTwelvePartitionsBeforeTheSpecSaidSixKeepsThem() throws Exception {
        TopicSpec spec = ownCopies(List.of(TopicSpecs.load().get(Topics.STRIPE_EVENTS))).get(0);
        admin.createTopics(List.of(new NewTopic(spec.name(), Optional.of(12), Optional.empty()))).all().get();

        TopicProvisioner.Result result = new TopicProvisioner(admin, TIMEOUT).provision(List.of(spec));

        assertEquals(List.of(), result.created());
        assertEquals(List.of(new TopicProvisioner.PartitionMismatch(spec.name(), 6, 12)), result.partitionMismatches());
        assertEquals(12, partitionCount(spec.name()));
    }

    @Test
    void unreachableClusterSaysHowToFixIt() throws IOException {
        String bootstrap = "127.0.0.1:" + freePort();

        ProvisioningException e = assertThrows(ProvisioningException.class,
                () -> TopicProvisioner.provision(bootstrap, TopicSpecs.load().all(), Duration.ofSeconds(3)));

        assertTrue(e.getMessage().startsWith("Kafka at " + bootstrap + " did not answer within 3s"), e.getMessage());
        assertTrue(e.getMessage().endsWith("start it or set KAFKA_BOOTSTRAP_SERVERS"), e.getMessage());
    }

    /** The contract's specs under names no other test uses. */
    private List<TopicSpec> ownCopies(List<TopicSpec> specs) {
        return specs.stream()
                .map(s -> new TopicSpec(s.name() + ".it-" + suffix, s.description(), s.partitions(),
                        s.replicationFactor(), s.config()))
                .toList();
    }

    private int partitionCount(String topic) throws Exception {
        // Metadata reaches every broker a moment after creation; poll until it has.
        return Eventually.get(TIMEOUT,
                () -> admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions().size());
    }

    private static List<String> names(List<TopicSpec> specs) {
        return specs.stream().map(TopicSpec::name).collect(Collectors.toList());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
