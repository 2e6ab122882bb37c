package io.paypulse.flink;

import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.functions.JobMetrics;
import io.paypulse.infra.Eventually;
import io.paypulse.infra.LocalKafka;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The job rides out a Kafka broker that goes away in the middle of the stream and comes back: it keeps running
 * and checkpointing while the broker is down, reads on where it was once the broker is back, and ends with exactly
 * the rows of a run that never saw the outage. (The bridge's side of an outage is BridgeKafkaOutageITCase.)
 */
class PaymentHealthKafkaOutageITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = JobCluster.reportingTo(METRICS);

    // A hang guard, not a measure: generous for a loaded 2-core machine.
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final Map<String, String> SETTINGS = Map.of(
            JobConfig.ENV_OUT_OF_ORDERNESS, "5s",
            JobConfig.ENV_CHECKPOINT_INTERVAL, "200ms");

    @Test
    void aBrokerRestartMidStreamLosesAndRepeatsNothing(@TempDir Path tmp) throws Exception {
        JobClient outageRun = null;
        try (LocalKafka kafka = LocalKafka.builder().build().start();
             BridgeTopic topic = BridgeTopic.createOn(kafka.bootstrapServers(), "it-kafka-outage");
             PaymentHealthDatabase clean = PaymentHealthDatabase.migrated("it_kafka_outage_clean");
             PaymentHealthDatabase outage = PaymentHealthDatabase.migrated("it_kafka_outage")) {
            List<ProducerRecord<byte[], byte[]>> records = ScriptedTraffic.records(topic);
            int half = records.size() / 2;
            topic.send(records.subList(0, half));

            // The job as production runs it: the unbounded source, checkpoints, the restart strategy.
            JobConfig config = topic.jobConfig("outage", SETTINGS);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                    PaymentHealthRunner.flinkConfiguration(config));
            env.setParallelism(2);
            PaymentHealthRunner.define(env, config, outage.config(), PaymentHealthJob.kafkaSource(config));
            outageRun = env.executeAsync("payment-health-kafka-outage-test");
            JobClient job = outageRun;
            ReportedJobMetrics.awaitKafkaRecordsRead(METRICS, job, half, DEADLINE);

            kafka.stop();
            // The job keeps running while the broker is gone: checkpoints go on completing (offset commits fail).
            long before = ReportedJobMetrics.completedCheckpoints(METRICS, job.getJobID());
            Eventually.until("three checkpoints completed while Kafka was down", DEADLINE,
                    () -> ReportedJobMetrics.completedCheckpoints(METRICS, job.getJobID()) >= before + 3);
            kafka.start();

            topic.send(records.subList(half, records.size()));
            // Offset commits resume too: consumer lag, as Kafka's tools show it, is right again.
            UpgradeFixture.awaitCommitted(job, topic, config.consumerGroupId(), topic.endOffsets(), DEADLINE);
            job.stopWithSavepoint(true, tmp.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            JobCluster.awaitEnd(job, DEADLINE);

            JobConfig cleanConfig = topic.jobConfig("clean", SETTINGS);
            JobClient cleanRun = UpgradeFixture.start(cleanConfig, clean.config(), BridgeTopic.boundedSource(cleanConfig),
                    null, 2);
            JobCluster.awaitEnd(cleanRun, DEADLINE);

            long distinct = records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).distinct().count();
            assertEquals(List.of(distinct + "|0"), clean.rows("SELECT (SELECT count() FROM {db}.stripe_events FINAL),"
                    + " (SELECT count() FROM {db}.late_events FINAL)"));
            assertEquals(records.size() - distinct, ReportedJobMetrics.counter(METRICS, job.getJobID(),
                    JobMetrics.EVENTS_DUPLICATE), "duplicates dropped by the job that saw the outage");
            assertEquals(0, ReportedJobMetrics.restarts(METRICS, job.getJobID()), "restarts of the job that saw the outage");
            for (String table : PaymentHealthDatabase.JOB_TABLES) {
                assertEquals(clean.finalRows(table), outage.finalRows(table), table);
            }
        } finally {
            UpgradeFixture.cancelIfRunning(outageRun);
        }
    }
}
