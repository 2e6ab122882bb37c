package io.paypulse.bridge;

import io.paypulse.schemas.PipelineMetric;
import io.paypulse.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a snapshot of the bridge's counters to {@code paypulse.metrics} every interval, and a last one
 * on close, for the pipeline health dashboard. Best effort: it runs on a thread of its own, shares the
 * webhook producer without waiting for it, and a snapshot Kafka does not take is logged and skipped
 * (the next one carries the same cumulative counters), so it can never hold up or fail a webhook.
 */
final class MetricSnapshots implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricSnapshots.class);

    private final BridgeMetrics metrics;
    private final WebhookPublisher publisher;
    private final String instance;
    private final byte[] key;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final AtomicLong failedSnapshots = new AtomicLong();

    private MetricSnapshots(BridgeMetrics metrics, WebhookPublisher publisher, String instance, Clock clock) {
        this.metrics = metrics;
        this.publisher = publisher;
        this.instance = instance;
        this.key = instance.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "paypulse-bridge-metric-snapshots");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts sending a snapshot every {@code interval}, the first one an interval from now. */
    static MetricSnapshots start(BridgeMetrics metrics, WebhookPublisher publisher, String instance, Duration interval) {
        MetricSnapshots snapshots = new MetricSnapshots(metrics, publisher, instance, Clock.systemUTC());
        long ms = interval.toMillis();
        snapshots.timer.scheduleAtFixedRate(snapshots::sendQuietly, ms, ms, TimeUnit.MILLISECONDS);
        return snapshots;
    }

    /** Sends one snapshot; the future completes when Kafka has acknowledged every row, or fails. */
    CompletableFuture<Void> send() {
        List<PipelineMetric> rows = metrics.snapshot(clock.millis(), instance);
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(rows.size());
        for (PipelineMetric row : rows) {
            acks.add(publisher.send(new ProducerRecord<>(Topics.PAYPULSE_METRICS, key, row.toJson())));
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    private void sendQuietly() {
        try {
            send().whenComplete((ignored, error) -> {
                if (error != null) {
                    logFailure(error);
                }
            });
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: keep the schedule alive.
            logFailure(e);
        }
    }

    private void logFailure(Throwable error) {
        long failed = failedSnapshots.incrementAndGet();
        // One line for the first failure and then every hundredth, so an outage does not flood the log.
        if (failed == 1 || failed % 100 == 0) {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            LOG.warn("event=metrics_snapshot_not_sent topic={} failed_snapshots={} error={}", Topics.PAYPULSE_METRICS,
                    failed, cause.getClass().getSimpleName());
        }
    }

    /**
     * Stops the schedule and sends the final snapshot, waiting for Kafka at most {@code timeout}; call it
     * after the HTTP server has stopped, so the snapshot holds every request, and before the producer closes.
     */
    void close(Duration timeout) {
        timer.shutdownNow();
        try {
            timer.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
            send().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("event=metrics_final_snapshot_sent topic={}", Topics.PAYPULSE_METRICS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            logFailure(e);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
