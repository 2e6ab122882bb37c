package io.paypulse.flink.bench;

import io.paypulse.schemas.EnvelopeHeaders;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes webhook deliveries to a topic exactly as the ingest bridge does (key = event id, value = the
 * body's bytes, envelope v1 in the headers) with the bridge's producer settings: idempotent,
 * {@code acks=all}, lz4 batches of up to 256 KiB. So the job reads the same compressed batches as in
 * production.
 */
public final class TopicPrefill implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final byte[] bridgeInstance;
    private final LongAdder acknowledged = new LongAdder();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    private TopicPrefill(KafkaProducer<byte[], byte[]> producer, String topic, String bridgeInstance) {
        this.producer = producer;
        this.topic = topic;
        this.bridgeInstance = utf8(bridgeInstance);
    }

    /** Opens a producer on {@code bootstrapServers} for {@code topic}, as bridge instance {@code bridgeInstance}. */
    public static TopicPrefill open(String bootstrapServers, String topic, String bridgeInstance) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "paypulse-bench-prefill");
        return new TopicPrefill(new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()),
                topic, bridgeInstance);
    }

    /** Sends one delivery; blocks only while the producer's buffer is full. */
    public void send(WebhookDelivery delivery) {
        throwIfFailed();
        producer.send(record(delivery), (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else {
                acknowledged.increment();
            }
        });
    }

    /** Deliveries the broker has acknowledged so far. */
    public long acknowledged() {
        return acknowledged.sum();
    }

    /** Waits until every delivery sent is acknowledged, or throws the first failure. */
    public void flush() {
        producer.flush();
        throwIfFailed();
    }

    @Override
    public void close() {
        producer.close();
    }

    private ProducerRecord<byte[], byte[]> record(WebhookDelivery d) {
        // The same headers, in the same order, as the bridge's WebhookRecords.
        RecordHeaders headers = new RecordHeaders();
        headers.add(EnvelopeHeaders.ENVELOPE_VERSION, utf8(EnvelopeHeaders.VERSION));
        headers.add(EnvelopeHeaders.EVENT_ID, utf8(d.eventId()));
        headers.add(EnvelopeHeaders.EVENT_TYPE, utf8(d.type()));
        headers.add(EnvelopeHeaders.EVENT_CREATED, utf8(Long.toString(d.created())));
        if (!d.apiVersion().isEmpty()) {
            headers.add(EnvelopeHeaders.EVENT_API_VERSION, utf8(d.apiVersion()));
        }
        if (!d.account().isEmpty()) {
            headers.add(EnvelopeHeaders.EVENT_ACCOUNT, utf8(d.account()));
        }
        headers.add(EnvelopeHeaders.EVENT_LIVEMODE, utf8("true"));
        headers.add(EnvelopeHeaders.RECEIVED_AT, utf8(Long.toString(d.receivedAtMillis())));
        headers.add(EnvelopeHeaders.BRIDGE_INSTANCE, bridgeInstance);
        return new ProducerRecord<>(topic, null, utf8(d.eventId()), utf8(d.body()), headers);
    }

    private void throwIfFailed() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("Kafka refused a record of " + topic + ": " + e.getMessage(), e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
