package io.paypulse.flink.health;

import io.paypulse.flink.model.DlqEventRow;
import io.paypulse.schemas.EnvelopeHeaders;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;

/**
 * Reads a {@code stripe.events.dlq} record (raw body, the DLQ envelope in headers; see
 * {@code schemas/envelope/README.md}) into a {@link DlqEventRow}. Every record becomes a row, even one
 * with a damaged envelope, because the table exists to count what was dead-lettered: a missing reason
 * reads {@value #UNKNOWN}, a missing receipt time falls back to the record's Kafka timestamp, and both
 * are counted in {@value #ENVELOPE_INCOMPLETE}.
 */
public class DlqRecordDeserializer implements KafkaRecordDeserializationSchema<DlqEventRow> {

    private static final long serialVersionUID = 1L;

    /** Reason or instance of a record whose header is missing. */
    public static final String UNKNOWN = "unknown";

    /** DLQ records whose envelope lacked a reason, instance or receipt time. */
    public static final String ENVELOPE_INCOMPLETE = "paypulse_dlq_envelope_incomplete";

    private transient Counter incomplete;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        incomplete = context.getMetricGroup().counter(ENVELOPE_INCOMPLETE);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DlqEventRow> out) {
        String reason = header(record, EnvelopeHeaders.DLQ_REASON);
        String instance = header(record, EnvelopeHeaders.BRIDGE_INSTANCE);
        Long receivedAt = millis(header(record, EnvelopeHeaders.RECEIVED_AT));
        if ((reason == null || instance == null || receivedAt == null) && incomplete != null) {
            incomplete.inc();
        }
        out.collect(new DlqEventRow(receivedAt != null ? receivedAt : record.timestamp(),
                reason != null ? reason : UNKNOWN, record.value() == null ? 0 : record.value().length,
                instance != null ? instance : UNKNOWN, record.partition(), record.offset()));
    }

    @Override
    public TypeInformation<DlqEventRow> getProducedType() {
        return Types.POJO(DlqEventRow.class);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        if (header == null || header.value() == null || header.value().length == 0) {
            return null;
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Long millis(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
