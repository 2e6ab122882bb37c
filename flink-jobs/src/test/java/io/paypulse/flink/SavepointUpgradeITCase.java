package io.paypulse.flink;

import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.functions.JobMetrics;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An upgrade: every savepoint an earlier build of the job wrote in the middle of a stream
 * ({@link UpgradeFixture}, under {@code src/test/resources/upgrade-fixtures/}) restores into this build, which
 * reads on from the savepoint's offsets, still knows the event ids seen before it, and finishes the windows it
 * held, so that ClickHouse ends with exactly the rows of one run of this build that never stopped. A renamed
 * uid or state, a changed state type, or a new Flink version that cannot read the old state fails here, not on
 * a production upgrade. Each is also restored scaled in from two subtasks to one.
 */
class SavepointUpgradeITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = JobCluster.reportingTo(METRICS);

    // A hang guard, not a measure: generous for a loaded 2-core machine.
    private static final Duration JOB_DEADLINE = Duration.ofSeconds(120);

    /**
     * Each fixture, restored at the parallelism it was taken with ({@link UpgradeFixture#PARALLELISM}) and scaled
     * in to one, which redistributes the keyed state, the Kafka splits and the lateness gate's union state.
     */
    static Stream<Arguments> fixtures() throws URISyntaxException, IOException {
        try (Stream<Path> dirs = Files.list(fixtureRoot())) {
            return dirs.filter(Files::isDirectory).map(dir -> dir.getFileName().toString()).sorted()
                    .flatMap(name -> Stream.of(Arguments.of(name, UpgradeFixture.PARALLELISM), Arguments.of(name, 1)))
                    .toList().stream();
        }
    }

    @ParameterizedTest(name = "savepoint {0} at parallelism {1}")
    @MethodSource("fixtures")
    void theJobCarriesOnFromASavepointOfAnEarlierBuildAsIfItHadNeverStopped(String name, int parallelism,
                                                                             @TempDir Path tmp) throws Exception {
        UpgradeFixture fixture = UpgradeFixture.read(fixtureRoot().resolve(name));
        try (BridgeTopic topic = BridgeTopic.recreate(UpgradeFixture.TOPIC);
             PaymentHealthDatabase clean = PaymentHealthDatabase.migrated("it_upgrade_clean");
             PaymentHealthDatabase upgraded = PaymentHealthDatabase.migrated("it_upgrade_restored")) {
            // The stream lands where the savepoint's offsets expect it: what the old build had read, then the rest.
            List<ProducerRecord<byte[], byte[]>> records = fixture.records(topic);
            int before = fixture.recordsBeforeSavepoint();
            topic.send(records.subList(0, before));
            assertEquals(fixture.endOffsetsBeforeSavepoint(), topic.endOffsets(), "end offsets when the savepoint was taken");
            topic.send(records.subList(before, records.size()));

            Map<String, String> settings = fixture.jobSettings();
            JobConfig cleanConfig = topic.jobConfig("clean", settings);
            JobClient cleanRun = UpgradeFixture.start(cleanConfig, clean.config(), BridgeTopic.boundedSource(cleanConfig), null,
                    UpgradeFixture.PARALLELISM);
            JobCluster.awaitEnd(cleanRun, JOB_DEADLINE);

            // ClickHouse holds what the old build wrote; this build carries on from its savepoint with the production
            // source. Once it has read and checkpointed the whole stream it is drained, which, as the end of the clean
            // run's bounded input does, fires every window still open. (A bounded KafkaSource restored from a savepoint
            // never finishes: FLINK-31006.)
            for (String table : PaymentHealthDatabase.JOB_TABLES) {
                upgraded.load(table, fixture.rows(table));
            }
            Path savepoint = fixture.unpackSavepoint(tmp.resolve("savepoint"));
            JobConfig upgradedConfig = topic.jobConfig("upgraded", settings);
            JobClient upgradedRun = UpgradeFixture.start(upgradedConfig, upgraded.config(),
                    PaymentHealthJob.kafkaSource(upgradedConfig), savepoint, parallelism);
            UpgradeFixture.awaitCommitted(upgradedRun, topic, upgradedConfig.consumerGroupId(), topic.endOffsets(),
                    JOB_DEADLINE);
            upgradedRun.stopWithSavepoint(true, tmp.resolve("drained").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(JOB_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            JobCluster.awaitEnd(upgradedRun, JOB_DEADLINE);

            // The clean run is right on its own, so that equal rows below mean the right rows.
            long distinct = records.stream().map(SavepointUpgradeITCase::eventId).distinct().count();
            assertEquals(List.of(distinct + "|0"), clean.rows("SELECT (SELECT count() FROM {db}.stripe_events FINAL),"
                    + " (SELECT count() FROM {db}.late_events FINAL)"));
            assertEquals(records.size() - distinct, ReportedJobMetrics.counter(METRICS, cleanRun.getJobID(),
                    JobMetrics.EVENTS_DUPLICATE), "duplicates the clean run dropped");

            // The upgraded job read the records after the savepoint, not those before it again, and knew the event
            // ids the old build had seen: its duplicates are exactly the redeliveries among the records it read.
            assertEquals(redeliveredAfter(records, before), ReportedJobMetrics.counter(METRICS, upgradedRun.getJobID(),
                    JobMetrics.EVENTS_DUPLICATE), "duplicates the upgraded job dropped");
            for (String table : PaymentHealthDatabase.JOB_TABLES) {
                assertEquals(clean.finalRows(table), upgraded.finalRows(table), table);
            }
        }
    }

    /** Records from index {@code from} on whose event id an earlier record of the stream had. */
    private static long redeliveredAfter(List<ProducerRecord<byte[], byte[]>> records, int from) {
        Set<String> seen = new HashSet<>();
        long redelivered = 0;
        for (int i = 0; i < records.size(); i++) {
            boolean known = !seen.add(eventId(records.get(i)));
            if (known && i >= from) {
                redelivered++;
            }
        }
        return redelivered;
    }

    private static String eventId(ProducerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }

    private static Path fixtureRoot() throws URISyntaxException {
        return Path.of(Objects.requireNonNull(SavepointUpgradeITCase.class.getClassLoader().getResource(
                UpgradeFixture.RESOURCE_ROOT), "no " + UpgradeFixture.RESOURCE_ROOT + " on the test classpath").toURI());
    }
}
