package io.paypulse.bridge;

import io.paypulse.schemas.EnvelopeHeaders;
import io.paypulse.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * Builds the Kafka records the bridge writes: the untouched payload keyed by event id with the v1
 * envelope in headers (see {@code schemas/envelope/}), and the dead-letter record for signed non-events.
 */
final class WebhookRecords {

    private static final byte[] VERSION = utf8(EnvelopeHeaders.VERSION);
    private static final byte[] TRUE = utf8("true");
    private static final byte[] FALSE = utf8("false");

    private final byte[] instanceId;

    WebhookRecords(String instanceId) {
        this.instanceId = utf8(instanceId);
    }

    ProducerRecord<byte[], byte[]> event(StripeEventEnvelope envelope, byte[] payload, long receivedAtMillis) {
        byte[] id = utf8(envelope.id());
        // Sized up front: RecordHeaders would otherwise grow its list while the headers are added.
        Header[] headers = new Header[7 + (envelope.apiVersion() != null ? 1 : 0) + (envelope.account() != null ? 1 : 0)];
        int n = 0;
        headers[n++] = new RecordHeader(EnvelopeHeaders.ENVELOPE_VERSION, VERSION);
        headers[n++] = new RecordHeader(EnvelopeHeaders.EVENT_ID, id);
        headers[n++] = new RecordHeader(EnvelopeHeaders.EVENT_TYPE, utf8(envelope.type()));
        headers[n++] = new RecordHeader(EnvelopeHeaders.EVENT_CREATED, utf8(Long.toString(envelope.created())));
        if (envelope.apiVersion() != null) {
            headers[n++] = new RecordHeader(EnvelopeHeaders.EVENT_API_VERSION, utf8(envelope.apiVersion()));
        }
        if (envelope.account() != null) {
            headers[n++] = new RecordHeader(EnvelopeHeaders.EVENT_ACCOUNT, utf8(envelope.account()));
        }
        headers[n++] = new RecordHeader(EnvelopeHeaders.EVENT_LIVEMODE, envelope.livemode() ? TRUE : FALSE);
        headers[n++] = new RecordHeader(EnvelopeHeaders.RECEIVED_AT, utf8(Long.toString(receivedAtMillis)));
        headers[n] = new RecordHeader(EnvelopeHeaders.BRIDGE_INSTANCE, instanceId);
        // Keyed by event id so every delivery of one event lands on one partition, in order.
        return new ProducerRecord<>(Topics.STRIPE_EVENTS, null, id, payload, new RecordHeaders(headers));
    }

    ProducerRecord<byte[], byte[]> deadLetter(Rejection reason, String detail, byte[] body, long receivedAtMillis) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EnvelopeHeaders.ENVELOPE_VERSION, VERSION);
        headers.add(EnvelopeHeaders.DLQ_REASON, utf8(reason.code()));
        headers.add(EnvelopeHeaders.DLQ_DETAIL, utf8(detail));
        headers.add(EnvelopeHeaders.RECEIVED_AT, utf8(Long.toString(receivedAtMillis)));
        headers.add(EnvelopeHeaders.BRIDGE_INSTANCE, instanceId);
        return new ProducerRecord<>(Topics.STRIPE_EVENTS_DLQ, null, (byte[]) null, body, headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
