package io.paypulse.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.model.StripeEvent;
import io.paypulse.infra.Eventually;
import io.paypulse.schemas.ClickHouseConfig;
import io.paypulse.schemas.EnvelopeHeaders;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * What an earlier build of the job left behind when it was stopped with a savepoint in the middle of a
 * stream, kept under {@code src/test/resources/upgrade-fixtures/<name>/} so that every later build must
 * carry on from it ({@link SavepointUpgradeITCase}); {@link UpgradeFixtureWriter} writes one.
 *
 * <ul>
 *   <li>{@code savepoint/}: the savepoint, in Flink's canonical format (relocatable, any state backend), each
 *       file gzipped;</li>
 *   <li>{@code records.jsonl.gz}: every record of the stream, in topic order, those the job had read
 *       when it stopped and those it had not;</li>
 *   <li>{@code fixture.properties}: how many records the job had read, the topic's end offsets then, the
 *       parallelism and settings of the job, the ids of the events after the savepoint that are too late for
 *       their window, and the build and Flink version that wrote it.</li>
 * </ul>
 *
 * The savepoint's Kafka offsets name the topic {@link #TOPIC}: the stream is replayed into a topic of that
 * name, with as many partitions as it had then and partitioned as before (the key is the event id), so the
 * offsets point where they did.
 */
final class UpgradeFixture {

    static final String TOPIC = "it-upgrade-stripe-events";
    static final String RESOURCE_ROOT = "upgrade-fixtures";
    /** The parallelism the job runs with when {@link UpgradeFixtureWriter} writes a fixture. */
    static final int PARALLELISM = 2;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOB_SETTING = "job.";

    private final Path dir;
    private final Properties properties;

    private UpgradeFixture(Path dir, Properties properties) {
        this.dir = dir;
        this.properties = properties;
    }

    static UpgradeFixture read(Path dir) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("fixture.properties"))) {
            properties.load(in);
        }
        return new UpgradeFixture(dir, properties);
    }

    /** The parallelism of the job that took the savepoint (2 for fixtures that predate the property). */
    int parallelism() {
        return Integer.parseInt(properties.getProperty("parallelism", "2"));
    }

    /**
     * Ids of the events in the stream that arrive after their window was closed for good (to {@code late_events}):
     * none for fixtures that predate the property.
     */
    List<String> lateEventIds() {
        String ids = properties.getProperty("late_event_ids", "");
        return ids.isBlank() ? List.of() : List.of(ids.split(","));
    }

    /** Records of the stream the job had read when the savepoint was taken. */
    int recordsBeforeSavepoint() {
        return Integer.parseInt(properties.getProperty("records_before_savepoint"));
    }

    List<Long> endOffsetsBeforeSavepoint() {
        return offsets(properties.getProperty("end_offsets_before_savepoint"));
    }

    /**
     * The partitions of the topic the savepoint read, one end offset each: an upgrade keeps the topic as it was,
     * so fixtures written while {@code stripe.events} had 12 partitions are replayed into 12.
     */
    int partitions() {
        return endOffsetsBeforeSavepoint().size();
    }

    /** The job's settings (environment variables) the savepoint was taken with, to run it on with. */
    Map<String, String> jobSettings() {
        Map<String, String> settings = new HashMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(JOB_SETTING)) {
                settings.put(key.substring(JOB_SETTING.length()), properties.getProperty(key));
            }
        }
        return settings;
    }

    /** The stream, as records for {@code topic}. */
    List<ProducerRecord<byte[], byte[]>> records(BridgeTopic topic) throws IOException {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (BufferedReader in = gzipReader(dir.resolve("records.jsonl.gz"))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode record = JSON.readTree(line);
                RecordHeaders headers = new RecordHeaders();
                for (JsonNode header : record.path("headers")) {
                    headers.add(header.path("key").asText(), BridgeTopic.utf8(header.path("value").asText()));
                }
                records.add(new ProducerRecord<>(topic.name(), null, BridgeTopic.utf8(record.path("key").asText()),
                        BridgeTopic.utf8(record.path("value").asText()), headers));
            }
        }
        return records;
    }

    /**
     * Starts the job as {@link PaymentHealthRunner#define} builds it, reading {@code source}, writing to
     * {@code clickHouse}, with the given parallelism; from {@code savepoint} if not null. Without restarts: state
     * that cannot be read fails a task, and the production strategy would restart it forever.
     */
    static JobClient start(JobConfig config, ClickHouseConfig clickHouse, KafkaSource<StripeEvent> source,
                           Path savepoint, int parallelism) throws Exception {
        Configuration conf = PaymentHealthRunner.flinkConfiguration(config);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        PaymentHealthRunner.define(env, config, clickHouse, source);
        return env.executeAsync("payment-health-upgrade-test");
    }

    /**
     * Waits until {@code job} has committed {@code offsets} for {@code group}: it has read that far and
     * checkpointed it. A job that ends meanwhile (one that cannot restore its savepoint fails at once) ends the
     * wait with its failure.
     */
    static void awaitCommitted(JobClient job, BridgeTopic topic, String group, List<Long> offsets, Duration deadline)
            throws Exception {
        Eventually.until("the job has read and checkpointed the topic up to offsets " + offsets, deadline, () -> {
            JobCluster.failIfEnded(job, "it had read the topic up to offsets " + offsets);
            return topic.committedOffsets(group).equals(offsets);
        });
    }

    /**
     * Waits until the job writing to {@code db} has a watermark at which every one of {@code late} is too late for
     * its one-minute window (the window's end plus {@code lateness}): a decline-rate window ending at or after that
     * has closed, so every lateness gate upstream has passed it. Returns at once when {@code late} is empty.
     */
    static void awaitTooLate(JobClient job, PaymentHealthDatabase db, List<ProducerRecord<byte[], byte[]>> late,
                             Duration lateness, Duration deadline) throws Exception {
        if (late.isEmpty()) {
            return;
        }
        long tooLateAt = late.stream().mapToLong(r -> created(r) / 60 * 60 + 60).max().orElseThrow() + lateness.toSeconds();
        long closed = Math.floorDiv(tooLateAt - 60 + 59, 60) * 60;
        Eventually.until("the window from " + closed + " closed", deadline, () -> {
            JobCluster.failIfEnded(job, "the window from " + closed + " closed");
            return db.rows("SELECT count() FROM {db}.decline_rates_1m FINAL WHERE dimension_set = 'all'"
                    + " AND window_start = toDateTime(" + closed + ", 'UTC')").equals(List.of("1"));
        });
    }

    /** The event's {@code created} (epoch seconds) from the record's envelope. */
    static long created(ProducerRecord<byte[], byte[]> record) {
        return BridgeTopic.longHeader(record, EnvelopeHeaders.EVENT_CREATED);
    }

    /** Cancels {@code job} unless it is null or has ended. */
    static void cancelIfRunning(JobClient job) throws Exception {
        if (job != null && !job.getJobExecutionResult().isDone()) {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** Writes {@code fixture.properties} and {@code records.jsonl.gz} to {@code dir}. */
    static void write(Path dir, Properties properties, List<ProducerRecord<byte[], byte[]>> records) throws IOException {
        try (Writer out = Files.newBufferedWriter(dir.resolve("fixture.properties"))) {
            properties.store(out, "written by UpgradeFixtureWriter; see UpgradeFixture");
        }
        try (Writer out = new OutputStreamWriter(gzip(dir.resolve("records.jsonl.gz")), StandardCharsets.UTF_8)) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                ObjectNode line = JSON.createObjectNode();
                line.put("key", new String(record.key(), StandardCharsets.UTF_8));
                var headers = line.putArray("headers");
                for (Header header : record.headers()) {
                    headers.addObject().put("key", header.key()).put("value", new String(header.value(), StandardCharsets.UTF_8));
                }
                line.put("value", new String(record.value(), StandardCharsets.UTF_8));
                out.write(JSON.writeValueAsString(line));
                out.write('\n');
            }
        }
    }

    static String jobSettingKey(String variable) {
        return JOB_SETTING + variable;
    }

    static String offsetsText(List<Long> offsets) {
        return offsets.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /**
     * Keeps the savepoint directory {@code savepoint} in fixture {@code dir}, each file gzipped: a savepoint of
     * this size holds its state in {@code _metadata}, mostly the detectors' doubles, and shrinks twentyfold.
     */
    static void storeSavepoint(Path savepoint, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.walk(savepoint)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = dir.resolve("savepoint").resolve(savepoint.relativize(file) + ".gz");
                Files.createDirectories(target.getParent());
                try (OutputStream out = gzip(target)) {
                    Files.copy(file, out);
                }
            }
        }
    }

    /** Unpacks the savepoint into the directory {@code to}, for Flink to restore from; returns {@code to}. */
    Path unpackSavepoint(Path to) throws IOException {
        Path stored = dir.resolve("savepoint");
        try (Stream<Path> files = Files.walk(stored)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = stored.relativize(file).toString();
                Path target = to.resolve(name.substring(0, name.length() - ".gz".length()));
                Files.createDirectories(target.getParent());
                try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                    Files.copy(in, target);
                }
            }
        }
        return to;
    }

    static void deleteTree(Path tree) throws IOException {
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static List<Long> offsets(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).map(Long::valueOf).toList();
    }

    private static BufferedReader gzipReader(Path file) throws IOException {
        return new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8));
    }

    private static OutputStream gzip(Path file) throws IOException {
        return new GZIPOutputStream(Files.newOutputStream(file));
    }
}
