package io.paypulse.flink;

import io.paypulse.flink.config.JobConfig;
import io.paypulse.schemas.ProvisioningException;
import org.junit.jupiter.api.Test;

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
}
