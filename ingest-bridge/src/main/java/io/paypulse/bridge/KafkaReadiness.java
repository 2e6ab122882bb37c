package io.paypulse.bridge;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Checks in the background whether the Kafka cluster answers, so that {@code /readyz} reflects it
 * without doing network work on the request path.
 */
final class KafkaReadiness implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaReadiness.class);

    private final Admin admin;
    private final Duration interval;
    private final BridgeMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private volatile boolean reachable;

    private KafkaReadiness(Admin admin, Duration interval, BridgeMetrics metrics) {
        this.admin = admin;
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
        KafkaReadiness readiness = new KafkaReadiness(Admin.create(p), interval, metrics);
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
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
