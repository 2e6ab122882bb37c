package io.paypulse.bridge;

import io.paypulse.schemas.EnvelopeHeaders;
import io.paypulse.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * Builds the Kafka records the bridge writes: the untouched payload keyed by event id with the v1
 * envelope in headers (see {@code schemas/envelope/}), and the dead-letter record for signed non-events.
 */
final class WebhookRecords {

    private final byte[] instanceId;

    WebhookRecords(String instanceId) {
        this.instanceId = utf8(instanceId);
    }

    ProducerRecord<byte[], byte[]> event(StripeEventEnvelope envelope, byte[] payload, long receivedAtMillis) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EnvelopeHeaders.ENVELOPE_VERSION, utf8(EnvelopeHeaders.VERSION));
        headers.add(EnvelopeHeaders.EVENT_ID, utf8(envelope.id()));
        headers.add(EnvelopeHeaders.EVENT_TYPE, utf8(envelope.type()));
        headers.add(EnvelopeHeaders.EVENT_CREATED, utf8(Long.toString(envelope.created())));
        if (envelope.apiVersion() != null) {
            headers.add(EnvelopeHeaders.EVENT_API_VERSION, utf8(envelope.apiVersion()));
        }
        if (envelope.account() != null) {
            headers.add(EnvelopeHeaders.EVENT_ACCOUNT, utf8(envelope.account()));
        }
        headers.add(EnvelopeHeaders.EVENT_LIVEMODE, utf8(Boolean.toString(envelope.livemode())));
        headers.add(EnvelopeHeaders.RECEIVED_AT, utf8(Long.toString(receivedAtMillis)));
        headers.add(EnvelopeHeaders.BRIDGE_INSTANCE, instanceId);
        // Keyed by event id so every delivery of one event lands on one partition, in order.
        return new ProducerRecord<>(Topics.STRIPE_EVENTS, null, utf8(envelope.id()), payload, headers);
    }

    ProducerRecord<byte[], byte[]> deadLetter(Rejection reason, String detail, byte[] body, long receivedAtMillis) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EnvelopeHeaders.ENVELOPE_VERSION, utf8(EnvelopeHeaders.VERSION));
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
