package io.paypulse.flink;

import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.model.StripeEvent;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failure injected in the middle of a Kafka stream, and the restart from the last completed
 * checkpoint that follows, leave ClickHouse with exactly the rows of a run that never failed: window
 * state, deduplication state and Kafka offsets are restored together, and what the failed attempt
 * wrote after the checkpoint is replaced, not added to.
 */
class PaymentHealthRecoveryITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = JobCluster.reportingTo(METRICS);

    // A hang guard, not a measure: generous for a loaded 2-core machine.
    private static final Duration JOB_DEADLINE = Duration.ofSeconds(120);
    /**
     * Records source subtask 0 passes before it waits for a checkpoint to complete, after which the failure
     * comes; it reads about half the script.
     */
    private static final long FAIL_AFTER_RECORDS = 40;


    private BridgeTopic topic;
    private PaymentHealthDatabase clean;
    private PaymentHealthDatabase recovered;

    @BeforeEach
    void ownTopicAndDatabases() {
        topic = BridgeTopic.create("it-recovery");
        clean = PaymentHealthDatabase.migrated("it_recovery_clean");
        recovered = PaymentHealthDatabase.migrated("it_recovery_failed");
        FailOnceAfterCheckpoint.reset();
    }

    @AfterEach
    void dropTopicAndDatabases() throws Exception {
        try (BridgeTopic t = topic; PaymentHealthDatabase c = clean; PaymentHealthDatabase r = recovered) {
            // All three are closed, even when one close fails.
        }
    }

    @Test
    void restartFromARocksDbCheckpointAfterAMidStreamFailureGivesTheRowsOfACleanRun() throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = ScriptedTraffic.records(topic);
        topic.send(records);

        // Out-of-orderness far below the script's six minutes, so windows fire while the stream runs
        // and the failure falls between firings; allowed lateness (1 h) above it, so that no event is
        // ever too late. Which event is too late depends on the watermark when it is read: after the
        // restart the lateness gate judges by the checkpoint's watermark, and an event the failed attempt
        // judged against a newer one can be on time (docs/payment-health-job.md, Known limits), so
        // late_events could differ by design. With 12 partitions read in no fixed order, it could not be
        // the same even between two clean runs. LatenessGateTest covers the gate's restore.
        Map<String, String> settings = Map.of(JobConfig.ENV_OUT_OF_ORDERNESS, "5s",
                JobConfig.ENV_CHECKPOINT_INTERVAL, "200ms");
        JobClient cleanRun = run(topic.jobConfig("clean", settings), clean, false);
        JobClient failedRun = run(topic.jobConfig("failed", settings), recovered, true);

        // The clean run is right on its own, so that equal rows below mean the right rows.
        int redeliveries = records.size() - ScriptedTraffic.EVENTS;
        assertTrue(redeliveries > 10, "the script redelivers events: " + redeliveries);
        long charges = ScriptedTraffic.scripted(ScriptedTraffic.Kind.CHARGE);
        long payouts = ScriptedTraffic.scripted(ScriptedTraffic.Kind.PAYOUT_PAID, ScriptedTraffic.Kind.PAYOUT_FAILED);
        assertEquals(List.of(ScriptedTraffic.EVENTS + "|" + charges + "|" + payouts + "|0"), clean.rows(
                "SELECT (SELECT count() FROM {db}.stripe_events FINAL), (SELECT count() FROM {db}.payment_attempts FINAL),"
                        + " (SELECT sum(payouts) FROM {db}.settlement_times WHERE dimension_set = 'all'),"
                        + " (SELECT count() FROM {db}.late_events FINAL)"));
        assertEquals(List.of(charges + "|" + ScriptedTraffic.EVENTS + "|6"), clean.rows(
                "SELECT (SELECT sum(attempts) FROM {db}.decline_rates WHERE dimension_set = 'all'),"
                        + " (SELECT sum(events) FROM {db}.webhook_latency WHERE dimension_set = 'all'),"
                        + " (SELECT count() FROM {db}.decline_rates WHERE dimension_set = 'all')"));

        for (String table : PaymentHealthDatabase.JOB_TABLES) {
            assertEquals(clean.finalRows(table), recovered.finalRows(table), table);
        }

        // The failure happened once, after a completed checkpoint, and the job restarted from it: the
        // second attempt read on from the checkpointed offsets, not from the start of the topic.
        assertEquals(1, FailOnceAfterCheckpoint.FAILURES.get(),
                "injected failures; none means source subtask 0 had no record left after the covering checkpoint");
        // Subtask 0 held its records from the FAIL_AFTER_RECORDS-th on until the checkpoint completed: the
        // failure came at the very next one.
        assertEquals(FAIL_AFTER_RECORDS, FailOnceAfterCheckpoint.PASSED_BEFORE_FAILURE.get());
        assertEquals(1, ReportedJobMetrics.restarts(METRICS, failedRun.getJobID()));
        assertEquals(0, ReportedJobMetrics.restarts(METRICS, cleanRun.getJobID()));
        long firstAttempt = FailOnceAfterCheckpoint.passedInAttempt(0);
        long secondAttempt = FailOnceAfterCheckpoint.passedInAttempt(1);
        assertTrue(secondAttempt > 0 && secondAttempt <= records.size() - FAIL_AFTER_RECORDS,
                "records read after the restart: " + secondAttempt + " of " + records.size());
        assertTrue(firstAttempt + secondAttempt >= records.size(),
                "records read before the failure: " + firstAttempt + ", after: " + secondAttempt);
    }

    /**
     * The job as {@link PaymentHealthRunner} runs it (its checkpointing and restart strategy, the Kafka
     * source, the topology and the ClickHouse sinks), reading the topic to its current end; with
     * {@code fail}, a {@link FailOnceAfterCheckpoint} between source and topology.
     */
    private JobClient run(JobConfig config, PaymentHealthDatabase db, boolean fail) throws Exception {
        Configuration conf = PaymentHealthRunner.flinkConfiguration(config);
        if (fail) {
            // The failing run keeps its state in RocksDB with incremental checkpoints, as docker-compose.yml
            // runs the job, and the clean run on the heap: equal rows mean the job restores on either.
            conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
            conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        if (fail) {
            var events = env.fromSource(new HeldSource<>(BridgeTopic.boundedSource(config), new HoldSubtaskZero()),
                            WatermarkStrategy.noWatermarks(), "Kafka " + config.topic())
                    .uid("kafka-stripe-events")
                    .map(new FailOnceAfterCheckpoint(FAIL_AFTER_RECORDS))
                    .uid("fail-once-after-checkpoint").name("Fail once after a checkpoint");
            PaymentHealthJob.sinkToClickHouse(PaymentHealthJob.build(events, config), db.config(), config);
        } else {
            PaymentHealthRunner.define(env, config, db.config(), BridgeTopic.boundedSource(config));
        }
        JobClient job = env.executeAsync("payment-health-recovery-test");
        JobCluster.awaitEnd(job, JOB_DEADLINE);
        return job;
    }


    /**
     * Passes events through and fails its task once, mid-stream: on source subtask 0, at the first
     * record after a checkpoint that covers at least {@code afterRecords} records has completed. From
     * {@code afterRecords} on until then, {@link HeldSource} holds the rest of subtask 0's records back:
     * the task stays up and idle, so checkpoints are taken and complete on it, and records are still
     * left to read when one has. Runs chained to the source, so it counts what the reader emitted. Its
     * counters are static: the MiniCluster runs the tasks in this JVM, and the failure must happen once
     * across restarts.
     */
    static final class FailOnceAfterCheckpoint extends RichMapFunction<StripeEvent, StripeEvent>
            implements CheckpointedFunction, CheckpointListener {

        private static final long serialVersionUID = 1L;

        static final AtomicInteger FAILURES = new AtomicInteger();
        /** Records subtask 0 had passed when it failed. */
        static final AtomicLong PASSED_BEFORE_FAILURE = new AtomicLong();
        private static final Map<Integer, AtomicLong> PASSED_BY_ATTEMPT = new ConcurrentHashMap<>();
        /** Set once subtask 0 has passed {@code afterRecords}; {@link #release} ends the hold. */
        private static volatile boolean holding;
        /** Completed when a checkpoint covering {@code afterRecords} records of subtask 0 has completed. */
        private static volatile CompletableFuture<Void> release = new CompletableFuture<>();

        private final long afterRecords;
        private transient boolean failing;
        private transient long passed;
        private transient long coveringCheckpoint;
        private transient boolean covered;

        FailOnceAfterCheckpoint(long afterRecords) {
            this.afterRecords = afterRecords;
        }

        static void reset() {
            FAILURES.set(0);
            PASSED_BEFORE_FAILURE.set(0);
            PASSED_BY_ATTEMPT.clear();
            holding = false;
            release = new CompletableFuture<>();
        }

        /** Records passed, over all subtasks, by the given attempt (0 = before any restart). */
        static long passedInAttempt(int attempt) {
            AtomicLong passed = PASSED_BY_ATTEMPT.get(attempt);
            return passed == null ? 0 : passed.get();
        }

        /** Whether source subtask 0 must hold its records back now; if so, {@link #released()} ends it. */
        static boolean holding() {
            return holding && !release.isDone();
        }

        static CompletableFuture<Void> released() {
            return release;
        }

        @Override
        public void open(OpenContext openContext) {
            // Subtask 0 of the first attempt fails; every attempt after the failure runs through.
            failing = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0 && FAILURES.get() == 0;
            passed = 0;
            coveringCheckpoint = Long.MAX_VALUE;
            covered = false;
        }

        @Override
        public StripeEvent map(StripeEvent event) {
            if (failing && covered) {
                FAILURES.incrementAndGet();
                PASSED_BEFORE_FAILURE.set(passed);
                throw new IllegalStateException("injected failure after checkpoint " + coveringCheckpoint
                        + " and " + passed + " records");
            }
            PASSED_BY_ATTEMPT.computeIfAbsent(getRuntimeContext().getTaskInfo().getAttemptNumber(),
                    attempt -> new AtomicLong()).incrementAndGet();
            passed++;
            if (failing && passed >= afterRecords) {
                holding = true;
            }
            return event;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            if (passed >= afterRecords && coveringCheckpoint == Long.MAX_VALUE) {
                coveringCheckpoint = context.getCheckpointId();
            }
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (failing && checkpointId >= coveringCheckpoint) {
                covered = true;
                release.complete(null);
            }
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {
            // Stateless: the counters that matter to the test must survive the restart, so they are static.
        }
    }

    /** Holds source subtask 0 while {@link FailOnceAfterCheckpoint#holding()}, until it has {@code released()}. */
    private static final class HoldSubtaskZero implements HeldSource.Gate {

        private static final long serialVersionUID = 1L;

        @Override
        public CompletableFuture<Void> opened() {
            return FailOnceAfterCheckpoint.released();
        }

        @Override
        public boolean holds(int subtask) {
            return subtask == 0 && FailOnceAfterCheckpoint.holding();
        }
    }
}
