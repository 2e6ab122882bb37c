package io.paypulse.bridge;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends records to Kafka with an idempotent, acks=all producer and completes a future only when the
 * brokers have acknowledged, or fails it once the acknowledgement deadline has passed.
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
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(ackMs));
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
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                } else {
                    metrics.produced(record.topic(), (System.nanoTime() - start) / 1e9);
                    acked.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            // send() throws directly when it cannot even queue the record, e.g. no metadata within max.block.ms.
            acked.completeExceptionally(e);
        }
        return acked.orTimeout(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
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
