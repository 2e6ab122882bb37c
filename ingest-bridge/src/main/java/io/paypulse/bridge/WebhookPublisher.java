package io.paypulse.bridge;

import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends records to Kafka with an idempotent, acks=all producer and completes a future only when the
 * brokers have acknowledged, or fails it once the acknowledgement deadline has passed. Sending never
 * waits: it is called on the HTTP server's threads, so a record Kafka cannot take at once (no metadata
 * for its topic yet, no buffer space) fails at once, and the topics' metadata is kept warm instead.
 */
final class WebhookPublisher implements AutoCloseable {

    /**
     * Room for what a record adds to its body: key, envelope headers, record and batch framing. They take
     * well under 1 KiB; the rest is margin. A body the bridge accepts must fit, with this, both in the
     * producer's {@code max.request.size} and in the topics' {@code max.message.bytes}.
     */
    static final int RECORD_OVERHEAD_BYTES = 64 * 1024;
    /** Kafka's own default {@code max.request.size}: never set lower than that. */
    private static final int KAFKA_DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

    private final Producer<byte[], byte[]> producer;
    private final Duration ackTimeout;
    private final BridgeMetrics metrics;

    private WebhookPublisher(Producer<byte[], byte[]> producer, Duration ackTimeout, BridgeMetrics metrics) {
        this.producer = producer;
        this.ackTimeout = ackTimeout;
        this.metrics = metrics;
    }

    static WebhookPublisher create(BridgeConfig config, BridgeMetrics metrics) {
        return new WebhookPublisher(new KafkaProducer<>(producerProperties(config)), config.kafkaAckTimeout(), metrics);
    }

    static Properties producerProperties(BridgeConfig config) {
        long ackMs = config.kafkaAckTimeout().toMillis();
        long lingerMs = config.producerLinger().toMillis();
        Properties p = config.kafkaClientProperties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "paypulse-bridge-" + config.instanceId());
        // The durability contract: a 2xx means every in-sync replica has the record, exactly once per send.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(lingerMs));
        // Tuning, not contract: KAFKA_CLIENT_CONFIG may set these two, unlike everything else set here.
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Stripe events are a few KB: the 16 KB default would cap a batch at a handful of events.
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        // The HTTP answer is 503 after the deadline anyway; a record abandoned that way should not keep
        // buffer space for long. If it still lands, Stripe's retry makes a duplicate the job removes.
        // A body just under BRIDGE_MAX_BODY_BYTES must not fail as too large on its way to the broker: that
        // failure would repeat on every one of Stripe's retries.
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(requiredRecordBytes(config)));
        // send() runs on Jetty's selector threads (the handler is non-blocking): waiting there for metadata or
        // buffer space would freeze every connection, /healthz included. A record that cannot be queued at once
        // fails at once and is answered 503; KafkaReadiness keeps the topics' metadata warm so that is rare.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "0");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(ackMs));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(ackMs + lingerMs));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** The largest record the bridge can produce: the largest body it accepts plus its record's overhead. */
    static int requiredRecordBytes(BridgeConfig config) {
        return requiredRecordBytes(config.maxBodyBytes());
    }

    static int requiredRecordBytes(int maxBodyBytes) {
        return Math.max(KAFKA_DEFAULT_MAX_REQUEST_SIZE, maxBodyBytes + RECORD_OVERHEAD_BYTES);
    }

    /**
     * Sends one record. The future completes with the metadata once Kafka has acknowledged, or fails
     * with the producer's error, or with a {@link java.util.concurrent.TimeoutException} at the deadline.
     */
    CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        long start = System.nanoTime();
        Thread caller = Thread.currentThread();
        boolean[] returned = {false};
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    metrics.produced(record.topic(), (System.nanoTime() - start) / 1e9);
                    acked.complete(metadata);
                } else if (!returned[0] && Thread.currentThread() == caller) {
                    // Called back before send() returned: the record was never queued (max.block.ms is 0).
                    acked.completeExceptionally(NotQueuedException.of(record.topic(), error));
                } else {
                    acked.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            // send() throws directly for what it cannot even try, such as a closed producer.
            acked.completeExceptionally(e);
        }
        returned[0] = true;
        return acked.orTimeout(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Makes sure the producer has {@code topic}'s metadata, without waiting: true if it has it now; if not,
     * it is requested, so a later call finds it. Each call also restarts the {@code metadata.max.idle.ms}
     * countdown after which the producer would forget a topic it has not sent to, such as a quiet DLQ.
     */
    boolean warm(String topic) {
        try {
            return !producer.partitionsFor(topic).isEmpty();
        } catch (KafkaException e) {
            return false;
        }
    }

    /**
     * Waits, at most {@code timeout}, until the producer has the metadata of every topic, and returns the
     * topics it still lacks. Only for start-up, before the HTTP server takes requests.
     */
    Set<String> awaitMetadata(Collection<String> topics, Duration timeout) {
        Set<String> missing = new LinkedHashSet<>(topics);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            missing.removeIf(this::warm);
            if (missing.isEmpty() || System.nanoTime() >= deadline) {
                return missing;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return missing;
            }
        }
    }

    /**
     * A record Kafka's producer refused to queue, so it was never sent; {@link #reason} names why, as
     * counted under {@code paypulse_bridge_webhooks_unavailable_total}.
     */
    static final class NotQueuedException extends KafkaException {

        static final String NO_METADATA = "kafka_metadata_unavailable";
        static final String BUFFER_FULL = "kafka_buffer_full";
        private static final long serialVersionUID = 1L;

        private final String reason;

        private NotQueuedException(String reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = reason;
        }

        static KafkaException of(String topic, Exception error) {
            if (error instanceof BufferExhaustedException) {
                return new NotQueuedException(BUFFER_FULL, "the producer's buffer is full", error);
            }
            if (error instanceof TimeoutException) {
                return new NotQueuedException(NO_METADATA, "no metadata for " + topic + " yet", error);
            }
            // Anything else (an authorization error, say) is not about waiting: keep Kafka's own exception.
            return error instanceof KafkaException k ? k : new KafkaException(error);
        }

        String reason() {
            return reason;
        }
    }

    /** Flushes what was accepted and closes, waiting at most {@code timeout}. */
    void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(ackTimeout);
    }
}
