package io.paypulse.flink;

import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.functions.JobMetrics;
import io.paypulse.infra.Eventually;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An upgrade: every savepoint an earlier build of the job wrote in the middle of a stream
 * ({@link UpgradeFixture}, under {@code src/test/resources/upgrade-fixtures/}) restores into this build, which
 * reads on from the savepoint's offsets, still knows the event ids seen before it and the minutes it closed for
 * good, and finishes the windows it held: every row it writes is the row one run of this build that never stopped
 * writes for that key. A renamed
 * uid or state, a changed state type, or a new Flink version that cannot read the old state fails here, not on
 * a production upgrade. Each is also restored at another parallelism than it was taken with.
 */
class SavepointUpgradeITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = JobCluster.reportingTo(METRICS);

    // A hang guard, not a measure: generous for a loaded 2-core machine.
    private static final Duration JOB_DEADLINE = Duration.ofSeconds(120);

    /**
     * Each fixture, restored at the parallelism it was taken with and rescaled (to 1, or from 1 to 2), which
     * redistributes the keyed state, the Kafka splits and the lateness gate's union state.
     */
    static Stream<Arguments> fixtures() throws URISyntaxException, IOException {
        List<Arguments> cases = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(fixtureRoot())) {
            // A name starting with '.' is UpgradeFixtureWriter's staging directory, not a fixture.
            for (Path dir : dirs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith("."))
                    .sorted().toList()) {
                int taken = UpgradeFixture.read(dir).parallelism();
                cases.add(Arguments.of(dir.getFileName().toString(), taken));
                cases.add(Arguments.of(dir.getFileName().toString(), taken > 1 ? 1 : 2));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "savepoint {0} at parallelism {1}")
    @MethodSource("fixtures")
    void theJobCarriesOnFromASavepointOfAnEarlierBuildAsIfItHadNeverStopped(String name, int parallelism,
                                                                             @TempDir Path tmp) throws Exception {
        UpgradeFixture fixture = UpgradeFixture.read(fixtureRoot().resolve(name));
        JobClient cleanRun = null;
        JobClient upgradedRun = null;
        try (BridgeTopic topic = BridgeTopic.recreate(UpgradeFixture.TOPIC, fixture.partitions());
             PaymentHealthDatabase clean = PaymentHealthDatabase.migrated("it_upgrade_clean");
             PaymentHealthDatabase upgraded = PaymentHealthDatabase.migrated("it_upgrade_restored")) {
            // The stream lands where the savepoint's offsets expect it: what the old build had read, then the rest.
            List<ProducerRecord<byte[], byte[]>> records = fixture.records(topic);
            int before = fixture.recordsBeforeSavepoint();
            topic.send(records.subList(0, before));
            assertEquals(fixture.endOffsetsBeforeSavepoint(), topic.endOffsets(), "end offsets when the savepoint was taken");

            // The unbroken run reads the stream in the same two parts, as the old build and this one do: an event
            // after the savepoint for a window closed before it is then too late in both, whichever partition is read
            // first. Consumer groups of this case's own: a group's offsets for the topic deleted by an earlier case
            // may outlive it.
            Map<String, String> settings = fixture.jobSettings();
            JobConfig cleanConfig = topic.jobConfig("clean-" + UUID.randomUUID(), settings);
            cleanRun = UpgradeFixture.start(cleanConfig, clean.config(), PaymentHealthJob.kafkaSource(cleanConfig), null,
                    fixture.parallelism());
            ReportedJobMetrics.awaitKafkaRecordsRead(METRICS, cleanRun, before, JOB_DEADLINE);
            List<ProducerRecord<byte[], byte[]>> lateRecords = records.stream()
                    .filter(r -> fixture.lateEventIds().contains(eventId(r))).toList();
            UpgradeFixture.awaitTooLate(cleanRun, clean, lateRecords, cleanConfig.allowedLateness(), JOB_DEADLINE);
            topic.send(records.subList(before, records.size()));
            drain(cleanRun, records.size(), tmp.resolve("clean-drained"));

            // This build carries on from the savepoint with the production source, and is drained as the unbroken run
            // was. (A bounded KafkaSource restored from a savepoint never finishes: FLINK-31006.)
            Path savepoint = fixture.unpackSavepoint(tmp.resolve("savepoint"));
            JobConfig upgradedConfig = topic.jobConfig("upgraded-" + UUID.randomUUID(), settings);
            upgradedRun = UpgradeFixture.start(upgradedConfig, upgraded.config(),
                    PaymentHealthJob.kafkaSource(upgradedConfig), savepoint, parallelism);
            drain(upgradedRun, records.size() - before, tmp.resolve("drained"));

            // The clean run is right on its own, so that rows equal to its rows are right.
            long distinct = records.stream().map(SavepointUpgradeITCase::eventId).distinct().count();
            assertEquals(List.of(Long.toString(distinct)), clean.rows("SELECT count() FROM {db}.stripe_events FINAL"));
            List<String> late = fixture.lateEventIds().stream().sorted().toList();
            assertEquals(late, clean.rows("SELECT event_id FROM {db}.late_events FINAL ORDER BY event_id"),
                    "events the unbroken run found too late");
            assertEquals(records.size() - distinct, ReportedJobMetrics.counter(METRICS, cleanRun.getJobID(),
                    JobMetrics.EVENTS_DUPLICATE), "duplicates the clean run dropped");

            // The upgraded job read the records after the savepoint, not those before it again, and knew the event
            // ids the old build had seen: its duplicates are exactly the redeliveries among the records it read, and
            // it stored exactly the events first delivered after the savepoint.
            assertEquals(redeliveredAfter(records, before), ReportedJobMetrics.counter(METRICS, upgradedRun.getJobID(),
                    JobMetrics.EVENTS_DUPLICATE), "duplicates the upgraded job dropped");
            assertEquals(List.of(Long.toString(distinct - distinctBefore(records, before))),
                    upgraded.rows("SELECT count() FROM {db}.stripe_events FINAL"), "events the upgraded job stored");
            // An event for a window the old build had closed is too late for this one too, though this build's own
            // watermark starts from nothing: the lateness gate judged it by the watermark in the savepoint.
            assertEquals(late, upgraded.rows("SELECT event_id FROM {db}.late_events FINAL ORDER BY event_id"),
                    "events the upgraded job found too late");
            // Every row it wrote is the clean run's row for that key. Among them is the minute of the newest event before
            // the savepoint, a window the old build held open: the upgraded job finished it with the old build's counts.
            long openMinute = newestCreatedBefore(records, before) / 60 * 60;
            assertEquals(List.of("1"), upgraded.rows("SELECT count() FROM {db}.decline_rates_1m FINAL"
                    + " WHERE dimension_set = 'all' AND window_start = toDateTime(" + openMinute + ", 'UTC')"),
                    "the upgraded job's row for the window open at the savepoint");
            for (String table : PaymentHealthDatabase.JOB_TABLES) {
                // A late event's row says what the watermark was when it was turned away: the restored one here, and
                // in the unbroken run whatever it had reached, records of other partitions being read meanwhile.
                String except = table.equals("late_events") ? "ingested_at, watermark" : "ingested_at";
                List<String> cleanRows = clean.finalRowsExcept(table, except);
                List<String> notClean = upgraded.finalRowsExcept(table, except).stream()
                        .filter(row -> !cleanRows.contains(row)).toList();
                assertEquals(List.of(), notClean, table + ": rows of the upgraded job that the clean run does not have");
            }
        } finally {
            // A job still running after a failed assertion would hold the cluster's slots for the next case.
            UpgradeFixture.cancelIfRunning(cleanRun);
            UpgradeFixture.cancelIfRunning(upgradedRun);
        }
    }

    /** Distinct event ids among the first {@code count} records. */
    private static long distinctBefore(List<ProducerRecord<byte[], byte[]>> records, int count) {
        return records.subList(0, count).stream().map(SavepointUpgradeITCase::eventId).distinct().count();
    }

    /** The newest {@code created} (epoch seconds, from the envelope) among the first {@code count} records. */
    private static long newestCreatedBefore(List<ProducerRecord<byte[], byte[]>> records, int count) {
        return records.subList(0, count).stream().mapToLong(UpgradeFixture::created).max().orElseThrow();
    }

    /**
     * Once {@code job} has read {@code records} records from Kafka, stops it with a drain, which, as the end of a
     * bounded input does, fires every window still open, and waits for it to end. (Waiting for the offsets the job
     * commits would take up to 10 s more each time: the Kafka source sends its commits between polls, and an idle
     * topic's poll waits 10 s.)
     */
    private static void drain(JobClient job, long records, Path savepoints) throws Exception {
        ReportedJobMetrics.awaitKafkaRecordsRead(METRICS, job, records, JOB_DEADLINE);
        // A source reads as soon as it runs, while a restored job's other tasks may still be restoring: a savepoint
        // triggered then is refused. A checkpoint completed after the reads means every task runs.
        long checkpoints = ReportedJobMetrics.completedCheckpoints(METRICS, job.getJobID());
        Eventually.until("a checkpoint after the last record was read", JOB_DEADLINE,
                () -> ReportedJobMetrics.completedCheckpoints(METRICS, job.getJobID()) > checkpoints);
        job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(JOB_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        JobCluster.awaitEnd(job, JOB_DEADLINE);
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
