package io.paypulse.flink;

import io.paypulse.flink.config.JobConfig;
import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.EnvelopeHeaders;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Writes an {@link UpgradeFixture}: runs this build's job over the first half of {@link ScriptedTraffic},
 * stops it with a savepoint (not drained, so windows stay open in it), and keeps the savepoint and the
 * stream. Run it when a release changes the job's state or topology, so that
 * {@link SavepointUpgradeITCase} holds every later build to restoring what this one wrote
 * (docs/payment-health-job.md, "Upgrades"):
 *
 * <pre>
 * mvn -q install -DskipTests
 * cd flink-jobs &amp;&amp; mvn -q exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *   -Dexec.args="-cp %classpath io.paypulse.flink.UpgradeFixtureWriter src/test/resources/upgrade-fixtures/$(date +%F)-$(git rev-parse --short HEAD)"
 * </pre>
 *
 * It starts the local Kafka broker and ClickHouse server as the tests do (or uses {@code KAFKA_BOOTSTRAP_SERVERS}
 * and {@code CLICKHOUSE_URL}).
 */
public final class UpgradeFixtureWriter {

    private static final Duration DEADLINE = Duration.ofMinutes(2);

    /**
     * The job's settings: out-of-orderness far below the script's six minutes, so windows fire while the stream
     * runs and the savepoint holds both fired and open windows; 30 s of allowed lateness, so the stream's first
     * minute is closed for good by the savepoint; and event ids remembered for a hundred years, so
     * that the savepoint's dedup flags, stamped with the time it was taken, still hold when a later build
     * restores it (in production the 72 h default outlasts any upgrade).
     */
    private static final Map<String, String> SETTINGS = Map.of(
            JobConfig.ENV_OUT_OF_ORDERNESS, "5s",
            JobConfig.ENV_ALLOWED_LATENESS, "30s",
            JobConfig.ENV_CHECKPOINT_INTERVAL, "200ms",
            JobConfig.ENV_DEDUP_RETENTION, "36500d");
    private static final String LATE_EVENT = "evt_late_after_savepoint";

    private UpgradeFixtureWriter() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2 || (args.length == 2 && !args[1].matches("[12]"))) {
            System.err.println("usage: UpgradeFixtureWriter <new fixture directory> [parallelism: 1 or 2, the test cluster's "
                    + "slots; default " + UpgradeFixture.PARALLELISM + "]");
            System.exit(2);
        }
        int parallelism = args.length == 2 ? Integer.parseInt(args[1]) : UpgradeFixture.PARALLELISM;
        Path out = Path.of(args[0]).toAbsolutePath();
        if (Files.exists(out)) {
            System.err.println(out + " exists: a fixture is never rewritten (later builds are held to it); name a new one");
            System.exit(2);
        }
        try {
            write(out, parallelism);
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.out.println("wrote " + out);
        // The local Kafka and ClickHouse stop with the JVM.
        System.exit(0);
    }

    /** Writes the fixture into a staging directory beside {@code out}, moved into place once it is whole. */
    private static void write(Path out, int parallelism) throws Exception {
        Files.createDirectories(out.getParent());
        Path staging = Files.createTempDirectory(out.getParent(), "." + out.getFileName() + "-");
        Path savepoints = Files.createTempDirectory("upgrade-fixture-savepoints");
        JobClient job = null;
        try (BridgeTopic topic = BridgeTopic.recreate(UpgradeFixture.TOPIC);
             PaymentHealthDatabase db = PaymentHealthDatabase.migrated("upgrade_fixture")) {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(ScriptedTraffic.records(topic));
            int before = records.size() / 2;
            // The first record after the savepoint is a charge for the stream's first minute, which the job closed
            // for good before the savepoint: right after a restore only the lateness gate's state knows that.
            long receivedAt = BridgeTopic.longHeader(records.get(before - 1), EnvelopeHeaders.RECEIVED_AT);
            records.add(before, topic.record(StripeEventSamples.chargeSucceeded(LATE_EVENT, "ch_late_after_savepoint",
                    TestEvents.T0 + 10, "visa", "US", 1234, "usd"), receivedAt, "bridge-a"));
            topic.send(records.subList(0, before));
            List<Long> endBefore = topic.endOffsets();

            // The production source, unbounded: a bounded KafkaSource restored from a savepoint never finishes
            // (FLINK-31006), so the test drains the restored job instead.
            JobConfig config = topic.jobConfig("fixture-" + UUID.randomUUID(), SETTINGS);
            job = UpgradeFixture.start(config, db.config(), PaymentHealthJob.kafkaSource(config), null,
                    parallelism);
            UpgradeFixture.awaitCommitted(job, topic, config.consumerGroupId(), endBefore, DEADLINE);
            UpgradeFixture.awaitTooLate(job, db, List.of(records.get(before)), config.allowedLateness(), DEADLINE);
            String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            UpgradeFixture.storeSavepoint(Path.of(URI.create(savepoint)), staging);

            Properties properties = new Properties();
            properties.setProperty("written_by", gitRevision());
            properties.setProperty("written_at", Instant.now().toString());
            properties.setProperty("flink_version", EnvironmentInformation.getVersion());
            properties.setProperty("parallelism", Integer.toString(parallelism));
            properties.setProperty("records_before_savepoint", Integer.toString(before));
            properties.setProperty("end_offsets_before_savepoint", UpgradeFixture.offsetsText(endBefore));
            properties.setProperty("late_event_ids", LATE_EVENT);
            SETTINGS.forEach((name, value) -> properties.setProperty(UpgradeFixture.jobSettingKey(name), value));
            UpgradeFixture.write(staging, properties, records);
            Files.move(staging, out);
        } finally {
            UpgradeFixture.cancelIfRunning(job);
            UpgradeFixture.deleteTree(savepoints);
            if (Files.exists(staging)) {
                UpgradeFixture.deleteTree(staging);
            }
        }
    }

    /** The commit this build is from, marked {@code -dirty} with uncommitted changes; "unknown" outside a git checkout. */
    private static String gitRevision() {
        try {
            Process git = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true).start();
            String revision = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.waitFor() == 0 ? revision : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
