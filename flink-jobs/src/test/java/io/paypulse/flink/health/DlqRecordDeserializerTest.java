package io.paypulse.flink.health;

import io.paypulse.flink.model.DlqEventRow;
import io.paypulse.schemas.EnvelopeHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.flink.util.Collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DlqRecordDeserializerTest {

    @Test
    void readsTheEnvelopeAndThePositionButNotTheBody() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EnvelopeHeaders.ENVELOPE_VERSION, bytes("1"));
        headers.add(EnvelopeHeaders.DLQ_REASON, bytes("invalid_json"));
        headers.add(EnvelopeHeaders.DLQ_DETAIL, bytes("not an object"));
        headers.add(EnvelopeHeaders.RECEIVED_AT, bytes("1700000000123"));
        headers.add(EnvelopeHeaders.BRIDGE_INSTANCE, bytes("bridge-a"));

        assertEquals(List.of(new DlqEventRow(1700000000123L, "invalid_json", 10, "bridge-a", 2, 41)),
                read(record(2, 41, 5L, bytes("not json {"), headers)));
    }

    @Test
    void aRecordWithoutEnvelopeIsStillCounted() {
        assertEquals(List.of(new DlqEventRow(5L, "unknown", 0, "unknown", 0, 7)),
                read(record(0, 7, 5L, null, new RecordHeaders())));
    }

    private static List<DlqEventRow> read(ConsumerRecord<byte[], byte[]> record) {
        List<DlqEventRow> out = new ArrayList<>();
        new DlqRecordDeserializer().deserialize(record, new Collector<>() {
            @Override
            public void collect(DlqEventRow row) {
                out.add(row);
            }

            @Override
            public void close() {
            }
        });
        return out;
    }

    private static ConsumerRecord<byte[], byte[]> record(int partition, long offset, long timestamp, byte[] value,
                                                         RecordHeaders headers) {
        return new ConsumerRecord<>("stripe.events.dlq", partition, offset, timestamp, TimestampType.CREATE_TIME,
                0, value == null ? 0 : value.length, null, value, headers, Optional.empty());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
