package io.paypulse.bridge;

import io.paypulse.schemas.Topics;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The running ingest bridge: an HTTP server that puts verified Stripe webhooks onto Kafka. Closing it
 * turns {@code /readyz} to 503 and keeps serving for the drain delay, then stops accepting connections,
 * lets requests in flight finish, and flushes and closes the producer.
 */
public final class IngestBridge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestBridge.class);
    private static final Duration READINESS_INTERVAL = Duration.ofSeconds(2);
    /** A healthy cluster answers in milliseconds; past this, the bridge starts anyway, not ready until it has them. */
    private static final Duration METADATA_WAIT_AT_START = Duration.ofSeconds(5);

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
        List<String> topics = config.metricsSnapshotsEnabled()
                ? List.of(Topics.STRIPE_EVENTS, Topics.STRIPE_EVENTS_DLQ, Topics.PAYPULSE_METRICS)
                : List.of(Topics.STRIPE_EVENTS, Topics.STRIPE_EVENTS_DLQ);
        // The producer never waits for metadata on a webhook (max.block.ms=0): fetch it before the first one.
        Set<String> missing = publisher.awaitMetadata(topics, METADATA_WAIT_AT_START);
        if (!missing.isEmpty()) {
            LOG.warn("event=kafka_metadata_missing_at_start topics={} waited_ms={} action=\"webhooks get 503 until Kafka is "
                    + "reachable and these topics exist; /readyz says when\"", missing, METADATA_WAIT_AT_START.toMillis());
        }
        KafkaReadiness readiness = KafkaReadiness.start(config, metrics, READINESS_INTERVAL, publisher, topics);

        AtomicBoolean shuttingDown = new AtomicBoolean();
        BridgeHandler handler = new BridgeHandler(
                new SignatureVerifier(config.webhookSecrets(), config.signatureTolerance(), Clock.systemUTC()),
                publisher, new WebhookRecords(config.instanceId()), metrics,
                () -> !shuttingDown.get() && readiness.ready(), config.maxBodyBytes());
        Server server = BridgeHttpServer.create(config.bindHost(), config.port(), handler, config.shutdownTimeout());

        IngestBridge bridge = new IngestBridge(config, metrics, publisher, readiness, server, shuttingDown);
        try {
            server.start();
        } catch (Exception e) {
            readiness.close();
            publisher.close();
            throw new IllegalStateException("the bridge could not listen on " + config.bindHost() + ":" + config.port()
                    + " (" + e.getMessage() + "): " + listenHint(e), e);
        }
        if (config.metricsSnapshotsEnabled()) {
            bridge.snapshots = MetricSnapshots.start(metrics, publisher, config.instanceId(), config.metricsInterval());
        }
        LOG.info("event=bridge_started port={} kafka={} instance={} secrets={} metrics_interval_ms={}", bridge.port(),
                config.kafkaBootstrapServers(), config.instanceId(), config.webhookSecrets().size(),
                config.metricsInterval().toMillis());
        return bridge;
    }

    /** What to do when the server cannot listen: the cause decides which setting is wrong. */
    static String listenHint(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException
                    || message.contains("<unresolved>")
                    || t instanceof java.net.BindException && message.contains("assign requested address")) {
                return "set " + BridgeConfig.ENV_BIND_HOST + " to an address of this machine, e.g. 0.0.0.0 or 127.0.0.1";
            }
            if (t instanceof java.net.SocketException && message.contains("Permission denied")) {
                return "ports below 1024 need privileges: set " + BridgeConfig.ENV_PORT + " to 1024 or above";
            }
        }
        return "free the port or set " + BridgeConfig.ENV_PORT;
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
        LOG.info("event=bridge_stopping in_flight={} drain_ms={}", (long) metrics.inFlight.get(),
                config.shutdownDrain().toMillis());
        boolean interrupted = false;
        try {
            // /readyz answers 503 from now on; keep serving until load balancers have noticed and stop sending.
            Thread.sleep(config.shutdownDrain().toMillis());
        } catch (InterruptedException e) {
            interrupted = true;
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("event=bridge_stop_incomplete error={}", e.toString());
        }
        if (snapshots != null) {
            // After the server stopped, so the last snapshot counts every request; before the producer closes.
            snapshots.close(config.kafkaAckTimeout());
        }
        readiness.close();
        // Everything answered 2xx is already acknowledged; this flushes records whose requests timed out.
        publisher.close(config.shutdownTimeout());
        LOG.info("event=bridge_stopped");
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
