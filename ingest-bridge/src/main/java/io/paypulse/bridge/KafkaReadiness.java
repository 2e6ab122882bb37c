package io.paypulse.bridge;

import io.paypulse.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Checks in the background whether the Kafka cluster answers and the producer knows the bridge's topics,
 * so that {@code /readyz} reflects it without doing network work on the request path. Each check also
 * keeps the topics' metadata warm in the producer, which never waits for it on a webhook. The first time
 * Kafka answers, also checks that the bridge's topics take the largest record the bridge may write, and
 * says so loudly if they do not.
 */
final class KafkaReadiness implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaReadiness.class);

    private final Admin admin;
    private final Duration interval;
    private final BridgeMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final int requiredRecordBytes;
    private final WebhookPublisher publisher;
    private final List<String> warmTopics;
    private volatile boolean ready;
    // Touched only by the scheduler's one thread.
    private Set<String> topicsWithoutMetadata = Set.of();
    private final Set<String> uncheckedTopics = new LinkedHashSet<>(List.of(Topics.STRIPE_EVENTS, Topics.STRIPE_EVENTS_DLQ));
    private final Set<String> limitUnknownWarned = new HashSet<>();

    private KafkaReadiness(Admin admin, Duration interval, BridgeMetrics metrics, int requiredRecordBytes,
                           WebhookPublisher publisher, List<String> warmTopics) {
        this.admin = admin;
        this.publisher = publisher;
        this.warmTopics = List.copyOf(warmTopics);
        this.requiredRecordBytes = requiredRecordBytes;
        this.interval = interval;
        this.metrics = metrics;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kafka-readiness");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts checking every {@code interval}, the first time now. {@code warmTopics} are the topics the
     * publisher sends to; the bridge is ready only while it knows {@link Topics#STRIPE_EVENTS}' partitions.
     */
    static KafkaReadiness start(BridgeConfig config, BridgeMetrics metrics, Duration interval, WebhookPublisher publisher,
                                List<String> warmTopics) {
        Properties p = config.kafkaClientProperties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "paypulse-bridge-readiness-" + config.instanceId());
        int timeoutMs = (int) Math.max(500, interval.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));
        KafkaReadiness readiness = new KafkaReadiness(Admin.create(p), interval, metrics,
                WebhookPublisher.requiredRecordBytes(config), publisher, warmTopics);
        readiness.scheduler.scheduleWithFixedDelay(readiness::check, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return readiness;
    }

    boolean ready() {
        return ready;
    }

    private void check() {
        boolean reachable;
        try {
            int timeoutMs = (int) Math.max(500, interval.toMillis());
            reachable = !admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                    .nodes().get(timeoutMs + 500L, TimeUnit.MILLISECONDS).isEmpty();
        } catch (Exception e) {
            reachable = false;
        }
        // Warmed even while Kafka is away, since each call restarts the producer's idle countdown for the topic.
        Set<String> withoutMetadata = new LinkedHashSet<>();
        for (String topic : warmTopics) {
            if (!publisher.warm(topic)) {
                withoutMetadata.add(topic);
            }
        }
        if (reachable && !withoutMetadata.equals(topicsWithoutMetadata)) {
            LOG.info("event=kafka_topic_metadata missing={}{}", withoutMetadata, withoutMetadata.isEmpty() ? ""
                    : " action=\"webhooks for these topics get 503: create them (paypulse bridge does, unless "
                    + "--no-create-topics), or let this client describe them\"");
            topicsWithoutMetadata = withoutMetadata;
        }
        // Without stripe.events' partitions every event would get 503; a missing DLQ only affects unparseable bodies.
        boolean now = reachable && !withoutMetadata.contains(Topics.STRIPE_EVENTS);
        if (now != ready) {
            LOG.info("event=kafka_readiness_changed ready={} reachable={}", now, reachable);
        }
        ready = now;
        metrics.kafkaReady.set(now ? 1 : 0);
        if (reachable && !uncheckedTopics.isEmpty()) {
            try {
                checkTopicLimits();
            } catch (RuntimeException e) {
                // A surprise here must not end the scheduled readiness checks.
                LOG.warn("event=topic_limit_check_failed error={}", e.getClass().getSimpleName());
            }
        }
    }

    /**
     * Reads each topic's {@code max.message.bytes} until it could be read once: a topic created by an older
     * paypulse, or by hand, may keep Kafka's default of about 1 MB, and then a body near the bridge's limit
     * would get 503 on every retry. A topic that does not exist yet is asked again at the next check; one
     * this client may not describe is given up on, with a warning.
     */
    private void checkTopicLimits() {
        int timeoutMs = (int) Math.max(500, interval.toMillis());
        for (String topic : List.copyOf(uncheckedTopics)) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config;
            try {
                config = admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().timeoutMs(timeoutMs)).values()
                        .get(resource).get(timeoutMs + 500L, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    continue;
                }
                if (e.getCause() instanceof AuthorizationException) {
                    uncheckedTopics.remove(topic);
                }
                warnLimitUnknown(topic, e.getCause());
                continue;
            } catch (Exception e) {
                warnLimitUnknown(topic, e);
                continue;
            }
            uncheckedTopics.remove(topic);
            ConfigEntry limit = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (limit == null || limit.value() == null) {
                continue;
            }
            boolean tooSmall = Long.parseLong(limit.value()) < requiredRecordBytes;
            metrics.topicLimitTooSmall.labelValues(topic).set(tooSmall ? 1 : 0);
            if (tooSmall) {
                LOG.error("event=topic_limit_too_small topic={} max_message_bytes={} needed={} action=\"bodies near {} get 503 "
                        + "on every retry: raise the topic's max.message.bytes to {} (kafka-configs --alter --entity-type "
                        + "topics --entity-name {} --add-config max.message.bytes={}), or lower {}\"",
                        topic, limit.value(), requiredRecordBytes, BridgeConfig.ENV_MAX_BODY, requiredRecordBytes,
                        topic, requiredRecordBytes, BridgeConfig.ENV_MAX_BODY);
            }
        }
    }

    private void warnLimitUnknown(String topic, Throwable cause) {
        if (limitUnknownWarned.add(topic)) {
            LOG.warn("event=topic_limit_unknown topic={} error={} action=\"check that its max.message.bytes is at least {}\"",
                    topic, cause.getClass().getSimpleName(), requiredRecordBytes);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
