package io.paypulse.flink.bench;

import io.paypulse.flink.StripeEventDeserializer;
import io.paypulse.flink.model.StripeEvent;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The job's {@link StripeEventDeserializer}, counting the records it reads into a JVM-wide counter so
 * the benchmark can show progress while a job runs. The counter is a static, so this only works on a
 * MiniCluster in the benchmark's own JVM, with one job at a time.
 */
final class ReadCounter implements KafkaRecordDeserializationSchema<StripeEvent> {

    private static final long serialVersionUID = 1L;
    private static final LongAdder READ = new LongAdder();

    private final StripeEventDeserializer deserializer = new StripeEventDeserializer();

    static void reset() {
        READ.reset();
    }

    static long read() {
        return READ.sum();
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        deserializer.open(context);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<StripeEvent> out) throws IOException {
        deserializer.deserialize(record, out);
        READ.increment();
    }

    @Override
    public TypeInformation<StripeEvent> getProducedType() {
        return deserializer.getProducedType();
    }
}
