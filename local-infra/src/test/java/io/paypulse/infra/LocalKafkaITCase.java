package io.paypulse.infra;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalKafkaITCase {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void recordAcknowledgedWithAcksAllIsConsumedBack() throws Exception {
        LocalKafka kafka = SharedInfra.kafka();
        String topic = uniqueTopic("roundtrip");
        createTopic(kafka, topic);

        RecordMetadata ack = produce(kafka, topic, "evt_1", "charge.succeeded");

        assertEquals(0, ack.offset());
        assertEquals(List.of("evt_1=charge.succeeded"), consumeFromStart(kafka, topic, 1));
        assertTrue(SharedInfra.kafka() == kafka, "one shared broker per JVM");
    }

    @Test
    void acknowledgedRecordSurvivesStopAndRestart() throws Exception {
        try (LocalKafka kafka = LocalKafka.builder().build().start()) {
            String bootstrap = kafka.bootstrapServers();
            String topic = uniqueTopic("restart");
            createTopic(kafka, topic);
            produce(kafka, topic, "evt_1", "before-stop");

            kafka.stop();
            assertFalse(kafka.isRunning());
            assertTrue(FreePorts.isFree(kafka.port()), "the broker's port is released while it is stopped");
            kafka.start();

            assertTrue(kafka.isRunning());
            assertEquals(bootstrap, kafka.bootstrapServers());
            assertEquals(1, produce(kafka, topic, "evt_2", "after-restart").offset());
            assertEquals(List.of("evt_1=before-stop", "evt_2=after-restart"), consumeFromStart(kafka, topic, 2));
        }
    }

    @Test
    void brokerKilledWithSigkillIsRestartedByTheSupervisorAndKeepsEveryAcknowledgedRecord() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        ServerSupervisor.Listener listener = new ServerSupervisor.Listener() {
            @Override
            public void restarting(LocalServer<?> server, int exitCode) {
                seen.add("restarting exit=" + exitCode);
            }

            @Override
            public void restarted(LocalServer<?> server, Duration took) {
                seen.add("restarted");
            }

            @Override
            public void gaveUp(LocalServer<?> server, int failures, Exception cause) {
                seen.add("gave up");
            }
        };
        try (LocalKafka kafka = LocalKafka.builder().build().start();
             ServerSupervisor supervisor = new ServerSupervisor(listener, Duration.ofMillis(200), 3, Duration.ofMinutes(10))) {
            String topic = uniqueTopic("sigkill");
            createTopic(kafka, topic);
            supervisor.watch(kafka).start();
            // One producer across the crash, as the bridge's is: it reconnects to the restarted broker by itself.
            try (KafkaProducer<String, String> producer = producer(kafka)) {
                producer.send(new ProducerRecord<>(topic, "evt_1", "before-kill")).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

                kafka.kill();
                Eventually.until("the supervisor restarted the broker", Duration.ofSeconds(90), () -> seen.contains("restarted"));

                assertEquals(List.of("restarting exit=137", "restarted"), seen);
                assertTrue(kafka.isRunning());
                RecordMetadata after = producer.send(new ProducerRecord<>(topic, "evt_2", "after-restart"))
                        .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                assertEquals(1, after.offset());
            }
            assertEquals(List.of("evt_1=before-kill", "evt_2=after-restart"), consumeFromStart(kafka, topic, 2));
        }
    }

    @Test
    void dataDirFromAnEarlierInstanceIsReused(@TempDir Path dataDir) throws Exception {
        String topic = uniqueTopic("reuse");
        try (LocalKafka first = LocalKafka.builder().dataDir(dataDir).build().start()) {
            createTopic(first, topic);
            produce(first, topic, "evt_1", "first-run");
        }

        // Like a second `paypulse run`: new instance, new controller port, same data.
        try (LocalKafka second = LocalKafka.builder().dataDir(dataDir).build().start()) {
            assertEquals(List.of("evt_1=first-run"), consumeFromStart(second, topic, 1));
        }
    }

    @Test
    void takenPortFailsFastWithAMessageSayingSo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             LocalKafka kafka = LocalKafka.builder().port(taken.getLocalPort()).build()) {
            LocalInfraException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(LocalInfraException.class, kafka::start));

            assertTrue(e.getMessage().startsWith("Kafka cannot start: its listener port 127.0.0.1:"
                    + taken.getLocalPort() + " is already in use"), e.getMessage());
            // The hint serves both a `run` user and a test author.
            assertTrue(e.getMessage().contains("./paypulse run --kafka-port <port>"), e.getMessage());
            assertFalse(kafka.isRunning());
        }
    }

    @Test
    void brokerThatExitsDuringStartReportsWhyAndWhereItsLogIs() {
        try (LocalKafka kafka = LocalKafka.builder().brokerProperty("num.partitions", "many").build()) {
            LocalInfraException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> assertThrows(LocalInfraException.class, kafka::start));

            String message = e.getMessage();
            assertTrue(message.startsWith("Kafka broker " + kafka.bootstrapServers() + " exited with code 1 before it"
                    + " was ready."), message);
            assertTrue(message.contains("Log: " + kafka.logFile()), message);
            assertTrue(message.contains("num.partitions"), "the log tail shows the cause: " + message);
            assertFalse(kafka.isRunning());
        }
    }

    private static String uniqueTopic(String purpose) {
        return "it-" + purpose + "-" + UUID.randomUUID();
    }

    private static void createTopic(LocalKafka kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all()
                    .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static RecordMetadata produce(LocalKafka kafka, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = producer(kafka)) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, String> producer(LocalKafka kafka) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    /** Reads partition 0 from the start until {@code expected} records arrived or the deadline passed. */
    private static List<String> consumeFromStart(LocalKafka kafka, String topic, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicPartition partition = new TopicPartition(topic, 0);
        List<String> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    records.add(r.key() + "=" + r.value());
                }
            }
            assertEquals(expected, consumer.endOffsets(List.of(partition)).get(partition),
                    "no records beyond the expected ones");
        }
        return records;
    }
}
