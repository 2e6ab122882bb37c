package io.paypulse.flink;

import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.model.StripeEvent;
import io.paypulse.infra.stripe.StripeEventSamples;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.paypulse.flink.TestEvents.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The job's consumers take the Kafka client properties of {@code KAFKA_CLIENT_CONFIG}, the file the
 * bridge reads too: on a real broker, {@code isolation.level=read_committed} in that file hides a record of
 * an aborted transaction from the job's own source, which reads it without the file.
 */
class KafkaClientConfigITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(1)
            .build());

    private BridgeTopic topic;

    @BeforeEach
    void ownTopic() throws Exception {
        topic = BridgeTopic.create("it-client-config");
        // One record in a transaction that is aborted, then one written as the bridge writes: the last
        // offset is a visible record, so the bounded source ends there in either isolation level.
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, topic.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-aborted-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(topic.delivery(StripeEventSamples.chargeSucceeded("evt_aborted", "ch_aborted", T0 + 1, "visa", "US",
                    1000, "usd"), 300));
            producer.flush();
            producer.abortTransaction();
        }
        topic.send(List.of(topic.delivery(StripeEventSamples.chargeSucceeded("evt_committed", "ch_committed", T0 + 2,
                "visa", "US", 2000, "usd"), 300)));
    }

    @AfterEach
    void dropTopic() throws Exception {
        topic.close();
    }

    @Test
    void theFilesIsolationLevelReachesTheJobsSource(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "isolation.level=read_committed\n");

        assertEquals(List.of("evt_aborted", "evt_committed"), eventIds(topic.jobConfig("default", Map.of())));
        assertEquals(List.of("evt_committed"),
                eventIds(topic.jobConfig("committed", Map.of(JobConfig.ENV_KAFKA_CLIENT_CONFIG, file.toString()))));
    }

    private static List<String> eventIds(JobConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<String> ids = new ArrayList<>();
        try (CloseableIterator<StripeEvent> events = env.fromSource(BridgeTopic.boundedSource(config),
                WatermarkStrategy.noWatermarks(), "Kafka " + config.topic()).executeAndCollect()) {
            events.forEachRemaining(e -> ids.add(e.eventId()));
        }
        ids.sort(null);
        return ids;
    }
}
