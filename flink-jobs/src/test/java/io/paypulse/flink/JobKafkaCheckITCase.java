package io.paypulse.flink;

import io.paypulse.flink.config.AlertingConfig;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.schemas.MissingTopicException;
import io.paypulse.schemas.ProvisioningException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The local job's check before it starts, on a real broker: a missing events topic is one sentence that says
 * what to do, where the job would otherwise restart forever with a stack trace every few seconds.
 */
class JobKafkaCheckITCase {

    @Test
    void aMissingEventsTopicIsOneSentenceAndAnExistingOneStarts() throws Exception {
        try (BridgeTopic topic = BridgeTopic.create("it-check")) {
            String missing = "it-missing-" + UUID.randomUUID();
            JobConfig config = JobConfig.fromEnv(Map.of(JobConfig.ENV_KAFKA_BOOTSTRAP_SERVERS, topic.bootstrapServers(),
                    JobConfig.ENV_TOPIC, missing));

            ProvisioningException e = assertThrows(ProvisioningException.class, () -> PaymentHealthRunner.checkKafka(config));
            assertEquals("topic " + missing + " does not exist on Kafka at " + config.kafkaBootstrapServers()
                    + ": start `./paypulse bridge` once (it creates the topics), or set PAYPULSE_EVENTS_TOPIC to the topic"
                    + " the bridge writes", e.getMessage());

            PaymentHealthRunner.checkKafka(topic.jobConfig("check", Map.of()));
        }
    }

    /** {@code PaymentHealthJob.main}, as `flink run` calls it: a bad setting or a missing topic fails the submission. */
    @Test
    void theClusterEntryPointChecksSettingsAndTopicsBeforeItDefinesTheJob() throws Exception {
        try (BridgeTopic topic = BridgeTopic.create("it-main")) {
            String missing = "it-missing-" + UUID.randomUUID();
            MissingTopicException e = assertThrows(MissingTopicException.class, () -> PaymentHealthJob.prepare(Map.of(
                    JobConfig.ENV_KAFKA_BOOTSTRAP_SERVERS, topic.bootstrapServers(), JobConfig.ENV_TOPIC, missing)));
            assertEquals("topic " + missing + " does not exist on Kafka at " + topic.bootstrapServers()
                    + ": start `./paypulse bridge` once (it creates the topics), or set PAYPULSE_EVENTS_TOPIC to the topic"
                    + " the bridge writes", e.getMessage());

            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> PaymentHealthJob.prepare(Map.of(
                    JobConfig.ENV_KAFKA_BOOTSTRAP_SERVERS, topic.bootstrapServers(), JobConfig.ENV_TOPIC, topic.name(),
                    AlertingConfig.ENV_RESOLVE_AFTER_WINDOWS, "0")));
            assertEquals(AlertingConfig.ENV_RESOLVE_AFTER_WINDOWS + " must be at least 1, got 0", bad.getMessage());

            StreamExecutionEnvironment flink = PaymentHealthJob.prepare(Map.of(
                    JobConfig.ENV_KAFKA_BOOTSTRAP_SERVERS, topic.bootstrapServers(), JobConfig.ENV_TOPIC, topic.name()));
            List<String> sources = flink.getStreamGraph().getStreamNodes().stream().map(StreamNode::getOperatorName)
                    .filter(name -> name.startsWith("Source: ")).sorted().toList();
            assertEquals(List.of("Source: Kafka " + topic.name(), "Source: Kafka paypulse.metrics",
                    "Source: Kafka stripe.events.dlq"), sources);
        }
    }

    /**
     * Where {@code main} runs may not reach Kafka as the job's tasks do (a `flink run` client outside the cluster's
     * network; a JobManager while Kafka restarts): the job is still defined, and its sources retry.
     */
    @Test
    void anUnreachableKafkaDoesNotStopTheSubmission() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        StreamExecutionEnvironment flink = PaymentHealthJob.prepare(Map.of(
                JobConfig.ENV_KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:" + closed, JobConfig.ENV_TOPIC, "stripe.events"));
        List<String> sources = flink.getStreamGraph().getStreamNodes().stream().map(StreamNode::getOperatorName)
                .filter(name -> name.startsWith("Source: ")).sorted().toList();
        assertEquals(List.of("Source: Kafka paypulse.metrics", "Source: Kafka stripe.events",
                "Source: Kafka stripe.events.dlq"), sources);
    }
}
