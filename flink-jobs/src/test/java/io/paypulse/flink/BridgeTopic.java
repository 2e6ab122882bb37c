package io.paypulse.flink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.model.StripeEvent;
import io.paypulse.infra.Eventually;
import io.paypulse.infra.SharedInfra;
import io.paypulse.schemas.EnvelopeHeaders;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpec;
import io.paypulse.schemas.TopicSpecs;
import io.paypulse.schemas.Topics;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A topic of one test's own on the shared Kafka broker, configured like {@code stripe.events} and
 * written the way the ingest bridge writes it: key = event id, value = the body bytes untouched, the
 * v1 envelope in headers (see {@code schemas/envelope/README.md} and the bridge's {@code WebhookRecords}).
 */
final class BridgeTopic implements AutoCloseable {

    /** The spec of {@code stripe.events}, whose partitions and configs every topic here copies. */
    private static final TopicSpec PRODUCTION = TopicSpecs.load().get(Topics.STRIPE_EVENTS);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final String name;

    private BridgeTopic(String bootstrapServers, String name) {
        this.bootstrapServers = bootstrapServers;
        this.name = name;
    }

    /**
     * Creates {@code <prefix>-<random>} with the partitions and configs of {@code stripe.events}, on
     * the broker named by {@code KAFKA_BOOTSTRAP_SERVERS} or else the JVM-wide local one.
     */
    static BridgeTopic create(String prefix) {
        return provisioned(servers(), prefix + "-" + UUID.randomUUID());
    }

    /** As {@link #create}, on the broker at {@code servers}. */
    static BridgeTopic createOn(String servers, String prefix) {
        return provisioned(servers, prefix + "-" + UUID.randomUUID());
    }

    private static String servers() {
        String configured = System.getenv(JobConfig.ENV_KAFKA_BOOTSTRAP_SERVERS);
        return configured != null && !configured.isBlank() ? configured : SharedInfra.kafka().bootstrapServers();
    }

    private static BridgeTopic provisioned(String servers, String name) {
        return provisioned(servers, name, PRODUCTION.partitions());
    }

    private static BridgeTopic provisioned(String servers, String name, int partitions) {
        TopicProvisioner.provision(servers, List.of(new TopicSpec(name, PRODUCTION.description(),
                partitions, PRODUCTION.replicationFactor(), PRODUCTION.config())), KAFKA_TIMEOUT);
        return new BridgeTopic(servers, name);
    }

    private static Admin admin(String servers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis()));
    }

    /**
     * Creates {@code name} afresh, as {@link #create} does, deleting a topic of that name first: a savepoint
     * names the topic its offsets are for ({@link UpgradeFixture}).
     */
    static BridgeTopic recreate(String name) throws Exception {
        return recreate(name, PRODUCTION.partitions());
    }

    /** As {@link #recreate(String)}, with {@code partitions} partitions instead of the spec's. */
    static BridgeTopic recreate(String name, int partitions) throws Exception {
        String servers = servers();
        try (Admin admin = admin(servers)) {
            try {
                admin.deleteTopics(List.of(name)).all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            // Deletion completes in the background; creating the name again fails until it has.
            Eventually.until("topic " + name + " deleted", KAFKA_TIMEOUT, () ->
                    !admin.listTopics().names().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).contains(name));
        }
        return provisioned(servers, name, partitions);
    }

    /** The next offset of each partition, in partition order. */
    List<Long> endOffsets() throws Exception {
        try (Admin admin = admin(bootstrapServers)) {
            int partitions = admin.describeTopics(List.of(name)).allTopicNames()
                    .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(name).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(name, p), OffsetSpec.latest());
            }
            var offsets = admin.listOffsets(latest).all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<Long> ends = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                ends.add(offsets.get(new TopicPartition(name, p)).offset());
            }
            return ends;
        }
    }

    /**
     * The offsets {@code group} has committed, one per partition in partition order, 0 where it has none: a Flink
     * job commits the offsets of each completed checkpoint, so these reaching {@link #endOffsets} mean the job has
     * read everything and checkpointed it.
     */
    List<Long> committedOffsets(String group) throws Exception {
        int partitions = endOffsets().size();
        try (Admin admin = admin(bootstrapServers)) {
            var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<Long> offsets = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                var offset = committed.get(new TopicPartition(name, p));
                offsets.add(offset == null ? 0L : offset.offset());
            }
            return offsets;
        }
    }

    String name() {
        return name;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** The job's configuration for this topic: defaults, the given overrides, and a consumer group of its own. */
    JobConfig jobConfig(String consumerGroup, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(overrides);
        env.put(JobConfig.ENV_KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
        env.put(JobConfig.ENV_TOPIC, name);
        env.put(JobConfig.ENV_CONSUMER_GROUP, name + "-" + consumerGroup);
        return JobConfig.fromEnv(env);
    }

    /**
     * The job's own Kafka source, stopped at the end the topic has when the job starts. A new
     * consumer group starts from the earliest record, as the production source does on first deployment.
     */
    static KafkaSource<StripeEvent> boundedSource(JobConfig config) {
        return PaymentHealthJob.kafkaSourceBuilder(config).setBounded(OffsetsInitializer.latest()).build();
    }

    /**
     * The record bridge instance {@code bridge-a} writes for {@code body}, received {@code latencyMillis}
     * after the event's {@code created}.
     */
    ProducerRecord<byte[], byte[]> delivery(String body, long latencyMillis) {
        return record(body, json(body).path("created").asLong() * 1000 + latencyMillis, "bridge-a");
    }

    /**
     * The record the bridge writes for {@code body}, received at {@code receivedAtMillis} by
     * {@code bridgeInstance}; the envelope fields are read from the body, optional ones left out when absent.
     */
    ProducerRecord<byte[], byte[]> record(String body, long receivedAtMillis, String bridgeInstance) {
        JsonNode event = json(body);
        RecordHeaders headers = new RecordHeaders();
        headers.add(EnvelopeHeaders.ENVELOPE_VERSION, utf8(EnvelopeHeaders.VERSION));
        headers.add(EnvelopeHeaders.EVENT_ID, utf8(event.path("id").asText()));
        headers.add(EnvelopeHeaders.EVENT_TYPE, utf8(event.path("type").asText()));
        headers.add(EnvelopeHeaders.EVENT_CREATED, utf8(Long.toString(event.path("created").asLong())));
        if (event.path("api_version").isTextual()) {
            headers.add(EnvelopeHeaders.EVENT_API_VERSION, utf8(event.path("api_version").asText()));
        }
        if (event.path("account").isTextual()) {
            headers.add(EnvelopeHeaders.EVENT_ACCOUNT, utf8(event.path("account").asText()));
        }
        headers.add(EnvelopeHeaders.EVENT_LIVEMODE, utf8(Boolean.toString(event.path("livemode").asBoolean())));
        headers.add(EnvelopeHeaders.RECEIVED_AT, utf8(Long.toString(receivedAtMillis)));
        headers.add(EnvelopeHeaders.BRIDGE_INSTANCE, utf8(bridgeInstance));
        return new ProducerRecord<>(name, null, utf8(event.path("id").asText()), utf8(body), headers);
    }

    /** Sends {@code records} in order with the bridge's producer settings and returns once all are acknowledged. */
    void send(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> record : records) {
                acks.add(producer.send(record));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Deletes the topic, so the shared broker does not collect one per test run. */
    @Override
    public void close() throws Exception {
        try (Admin admin = admin(bootstrapServers)) {
            admin.deleteTopics(List.of(name)).all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A numeric envelope header of {@code record} ({@code created}, {@code received_at}, ...). */
    static long longHeader(ProducerRecord<byte[], byte[]> record, String name) {
        return Long.parseLong(new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
