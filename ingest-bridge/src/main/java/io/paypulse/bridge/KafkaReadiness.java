package io.paypulse.bridge;

import io.paypulse.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Checks in the background whether the Kafka cluster answers, so that {@code /readyz} reflects it
 * without doing network work on the request path. The first time it answers, also checks that the
 * bridge's topics take the largest record the bridge may write, and says so loudly if they do not.
 */
final class KafkaReadiness implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaReadiness.class);

    private final Admin admin;
    private final Duration interval;
    private final BridgeMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final int requiredRecordBytes;
    private volatile boolean reachable;
    private boolean limitsChecked;

    private KafkaReadiness(Admin admin, Duration interval, BridgeMetrics metrics, int requiredRecordBytes) {
        this.admin = admin;
        this.requiredRecordBytes = requiredRecordBytes;
        this.interval = interval;
        this.metrics = metrics;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kafka-readiness");
            t.setDaemon(true);
            return t;
        });
    }

    static KafkaReadiness start(BridgeConfig config, BridgeMetrics metrics, Duration interval) {
        Properties p = config.kafkaClientProperties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "paypulse-bridge-readiness-" + config.instanceId());
        int timeoutMs = (int) Math.max(500, interval.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));
        KafkaReadiness readiness = new KafkaReadiness(Admin.create(p), interval, metrics,
                WebhookPublisher.requiredRecordBytes(config));
        readiness.scheduler.scheduleWithFixedDelay(readiness::check, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return readiness;
    }

    boolean reachable() {
        return reachable;
    }

    private void check() {
        boolean now;
        try {
            int timeoutMs = (int) Math.max(500, interval.toMillis());
            now = !admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                    .nodes().get(timeoutMs + 500L, TimeUnit.MILLISECONDS).isEmpty();
        } catch (Exception e) {
            now = false;
        }
        if (now != reachable) {
            LOG.info("event=kafka_readiness_changed reachable={}", now);
        }
        reachable = now;
        metrics.kafkaReady.set(now ? 1 : 0);
        if (now && !limitsChecked) {
            limitsChecked = checkTopicLimits();
        }
    }

    /**
     * Whether the topics' {@code max.message.bytes} could be read (true also when they are too small:
     * that is logged once). A topic created by an older paypulse, or by hand, may keep Kafka's default
     * of about 1 MB, and then a body near the bridge's limit would get 503 on every retry.
     */
    private boolean checkTopicLimits() {
        List<ConfigResource> topics = List.of(new ConfigResource(ConfigResource.Type.TOPIC, Topics.STRIPE_EVENTS),
                new ConfigResource(ConfigResource.Type.TOPIC, Topics.STRIPE_EVENTS_DLQ));
        Map<ConfigResource, Config> configs;
        try {
            int timeoutMs = (int) Math.max(500, interval.toMillis());
            configs = admin.describeConfigs(topics, new DescribeConfigsOptions().timeoutMs(timeoutMs)).all()
                    .get(timeoutMs + 500L, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Not allowed to describe configs, or the topics do not exist yet: retried at the next check.
            LOG.debug("event=topic_limits_unknown error={}", e.getClass().getSimpleName());
            return false;
        }
        for (ConfigResource topic : topics) {
            ConfigEntry limit = configs.get(topic).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (limit != null && limit.value() != null && Long.parseLong(limit.value()) < requiredRecordBytes) {
                LOG.error("event=topic_limit_too_small topic={} max_message_bytes={} needed={} action=\"bodies near {} get 503 "
                        + "on every retry: raise the topic's max.message.bytes to {} (kafka-configs --alter --entity-type "
                        + "topics --entity-name {} --add-config max.message.bytes={}), or lower {}\"",
                        topic.name(), limit.value(), requiredRecordBytes, BridgeConfig.ENV_MAX_BODY, requiredRecordBytes,
                        topic.name(), requiredRecordBytes, BridgeConfig.ENV_MAX_BODY);
            }
        }
        return true;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
