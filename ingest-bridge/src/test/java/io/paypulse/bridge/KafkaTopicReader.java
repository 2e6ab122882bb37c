package io.paypulse.bridge;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Reads what a topic holds between two points, for assertions on exact records. */
final class KafkaTopicReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;

    KafkaTopicReader(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        consumer = new KafkaConsumer<>(p);
    }

    /** The end offset of every partition of the topic, right now. */
    Map<TopicPartition, Long> endOffsets(String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        return new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
    }

    long count(String topic) {
        return endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Every record written after {@code from} (offsets from {@link #endOffsets}) up to the current end. */
    List<ConsumerRecord<byte[], byte[]>> readSince(Map<TopicPartition, Long> from, Duration deadline) {
        String topic = from.keySet().iterator().next().topic();
        Map<TopicPartition, Long> end = endOffsets(topic);
        consumer.assign(end.keySet());
        end.keySet().forEach(tp -> consumer.seek(tp, from.getOrDefault(tp, 0L)));
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long expected = end.entrySet().stream().mapToLong(e -> e.getValue() - from.getOrDefault(e.getKey(), 0L)).sum();
        long stopAt = System.nanoTime() + deadline.toNanos();
        while (records.size() < expected && System.nanoTime() < stopAt) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    records.add(r);
                }
            }
        }
        if (records.size() != expected) {
            throw new AssertionError("read " + records.size() + " of " + expected + " records from " + topic
                    + " before the deadline of " + deadline);
        }
        return records;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
