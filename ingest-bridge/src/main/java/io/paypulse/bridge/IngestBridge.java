package io.paypulse.bridge;

import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The running ingest bridge: an HTTP server that puts verified Stripe webhooks onto Kafka. Closing it
 * stops accepting connections, lets requests in flight finish, then flushes and closes the producer.
 */
public final class IngestBridge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestBridge.class);
    private static final Duration READINESS_INTERVAL = Duration.ofSeconds(2);

    private final BridgeConfig config;
    private final BridgeMetrics metrics;
    private final WebhookPublisher publisher;
    private final KafkaReadiness readiness;
    private final Server server;
    private final AtomicBoolean shuttingDown;
    private MetricSnapshots snapshots;
    private boolean closed;

    private IngestBridge(BridgeConfig config, BridgeMetrics metrics, WebhookPublisher publisher, KafkaReadiness readiness,
                         Server server, AtomicBoolean shuttingDown) {
        this.shuttingDown = shuttingDown;
        this.config = config;
        this.metrics = metrics;
        this.publisher = publisher;
        this.readiness = readiness;
        this.server = server;
    }

    /** Starts the bridge and returns once it listens. */
    public static IngestBridge start(BridgeConfig config) throws Exception {
        BridgeMetrics metrics = new BridgeMetrics(config.webhookSecrets().size());
        WebhookPublisher publisher = WebhookPublisher.create(config, metrics);
        KafkaReadiness readiness = KafkaReadiness.start(config, metrics, READINESS_INTERVAL);

        AtomicBoolean shuttingDown = new AtomicBoolean();
        BridgeHandler handler = new BridgeHandler(
                new SignatureVerifier(config.webhookSecrets(), config.signatureTolerance(), Clock.systemUTC()),
                publisher, new WebhookRecords(config.instanceId()), metrics,
                () -> !shuttingDown.get() && readiness.reachable(), config.maxBodyBytes());
        Server server = BridgeHttpServer.create(config.bindHost(), config.port(), handler, config.shutdownTimeout());

        IngestBridge bridge = new IngestBridge(config, metrics, publisher, readiness, server, shuttingDown);
        try {
            server.start();
        } catch (Exception e) {
            readiness.close();
            publisher.close();
            throw new IllegalStateException("the bridge could not listen on " + config.bindHost() + ":" + config.port()
                    + " (" + e.getMessage() + "): free the port or set " + BridgeConfig.ENV_PORT, e);
        }
        if (config.metricsSnapshotsEnabled()) {
            bridge.snapshots = MetricSnapshots.start(metrics, publisher, config.instanceId(), config.metricsInterval());
        }
        LOG.info("event=bridge_started port={} kafka={} instance={} secrets={} metrics_interval_ms={}", bridge.port(),
                config.kafkaBootstrapServers(), config.instanceId(), config.webhookSecrets().size(),
                config.metricsInterval().toMillis());
        return bridge;
    }

    public int port() {
        return BridgeHttpServer.localPort(server);
    }

    /** The base address clients use, such as {@code http://127.0.0.1:8080}. */
    public URI baseUri() {
        String host = config.bindHost().equals("0.0.0.0") ? "127.0.0.1" : config.bindHost();
        return URI.create("http://" + host + ":" + port());
    }

    public URI webhookUri() {
        return baseUri().resolve(BridgeHandler.WEBHOOK_PATH);
    }

    public BridgeMetrics metrics() {
        return metrics;
    }

    public BridgeConfig config() {
        return config;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        shuttingDown.set(true);
        LOG.info("event=bridge_stopping in_flight={}", (long) metrics.inFlight.get());
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("event=bridge_stop_incomplete error={}", e.toString());
        }
        if (snapshots != null) {
            // After the server stopped, so the last snapshot counts every request; before the producer closes.
            snapshots.close(config.kafkaAckTimeout());
        }
        // Everything answered 2xx is already acknowledged; this flushes records whose requests timed out.
        publisher.close(config.shutdownTimeout());
        readiness.close();
        LOG.info("event=bridge_stopped");
    }
}
