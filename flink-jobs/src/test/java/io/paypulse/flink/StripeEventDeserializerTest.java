package io.paypulse.flink;

import io.paypulse.flink.model.StripeEvent;
import io.paypulse.schemas.EnvelopeHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StripeEventDeserializerTest {

    private static final String BODY = "{\"id\":\"evt_1\",\"type\":\"charge.succeeded\",\"created\":1700000000}";

    @Test
    void readsTheEnvelopeFromHeadersAndKeepsTheBodyAsSent() {
        StripeEvent event = StripeEventDeserializer.read(record(headers()));

        assertEquals(new StripeEvent("evt_1", "charge.succeeded", 1_700_000_000L, "2024-06-20", "acct_1", true,
                1_700_000_001_234L, "bridge-a", BODY), event);
        assertEquals(1_234L, event.latencyMillis());
    }

    @Test
    void optionalHeadersMayBeAbsent() {
        Map<String, String> headers = headers();
        headers.remove(EnvelopeHeaders.EVENT_API_VERSION);
        headers.remove(EnvelopeHeaders.EVENT_ACCOUNT);

        StripeEvent event = StripeEventDeserializer.read(record(headers));

        assertEquals("", event.apiVersion());
        assertEquals("", event.account());
    }

    @Test
    void brokenEnvelopesAreRejectedWithAReason() {
        assertReason("missing_stripe.event.id", without(EnvelopeHeaders.EVENT_ID));
        assertReason("missing_paypulse.received_at", without(EnvelopeHeaders.RECEIVED_AT));
        assertReason("invalid_stripe.event.created", with(EnvelopeHeaders.EVENT_CREATED, "yesterday"));
        assertReason("invalid_stripe.event.livemode", with(EnvelopeHeaders.EVENT_LIVEMODE, "yes"));
        assertReason("envelope_version_2", with(EnvelopeHeaders.ENVELOPE_VERSION, "2"));
        assertReason("missing_paypulse.envelope.version", without(EnvelopeHeaders.ENVELOPE_VERSION));
    }

    @Test
    void timesNoTableCouldHoldAreRejectedWithAReason() {
        // received_at is 1700000001234 (2023-11-14T22:13:21.234Z) in these headers.
        String created = "out_of_range_stripe.event.created";
        assertReason(created, with(EnvelopeHeaders.EVENT_CREATED, "1700000000000"));
        assertReason(created, with(EnvelopeHeaders.EVENT_CREATED, "-1"));
        assertReason(created, with(EnvelopeHeaders.EVENT_CREATED, "0"));
        assertReason(created, with(EnvelopeHeaders.EVENT_CREATED, "1262303999"));
        assertReason(created, with(EnvelopeHeaders.EVENT_CREATED, "1700086402"));
        assertReason(created, with(EnvelopeHeaders.EVENT_CREATED, Long.toString(Long.MAX_VALUE)));
        String receivedAt = "out_of_range_paypulse.received_at";
        assertReason(receivedAt, with(EnvelopeHeaders.RECEIVED_AT, "1700000001"));
        assertReason(receivedAt, with(EnvelopeHeaders.RECEIVED_AT, "-1"));
        assertReason(receivedAt, with(EnvelopeHeaders.RECEIVED_AT, "4102444800000"));
        assertReason(receivedAt, with(EnvelopeHeaders.RECEIVED_AT, "1700000001234000"));
    }

    @Test
    void theBoundsThemselvesAreAccepted() {
        // 2010-01-01T00:00:00Z, received long after; and a created a whole day ahead of the bridge's clock.
        assertEquals(1_262_304_000L, StripeEventDeserializer.read(record(with(EnvelopeHeaders.EVENT_CREATED,
                "1262304000"))).created());
        assertEquals(1_700_086_401L, StripeEventDeserializer.read(record(with(EnvelopeHeaders.EVENT_CREATED,
                "1700086401"))).created());
        Map<String, String> latest = with(EnvelopeHeaders.RECEIVED_AT, "4102444799999");
        latest.put(EnvelopeHeaders.EVENT_CREATED, "4102444799");
        assertEquals(4_102_444_799L, StripeEventDeserializer.read(record(latest)).created());
    }

    private static void assertReason(String reason, Map<String, String> headers) {
        RuntimeException e = assertThrows(RuntimeException.class, () -> StripeEventDeserializer.read(record(headers)));
        assertEquals(reason, e.getMessage());
    }

    private static Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(EnvelopeHeaders.ENVELOPE_VERSION, "1");
        h.put(EnvelopeHeaders.EVENT_ID, "evt_1");
        h.put(EnvelopeHeaders.EVENT_TYPE, "charge.succeeded");
        h.put(EnvelopeHeaders.EVENT_CREATED, "1700000000");
        h.put(EnvelopeHeaders.EVENT_API_VERSION, "2024-06-20");
        h.put(EnvelopeHeaders.EVENT_ACCOUNT, "acct_1");
        h.put(EnvelopeHeaders.EVENT_LIVEMODE, "true");
        h.put(EnvelopeHeaders.RECEIVED_AT, "1700000001234");
        h.put(EnvelopeHeaders.BRIDGE_INSTANCE, "bridge-a");
        return h;
    }

    private static Map<String, String> without(String name) {
        Map<String, String> h = headers();
        h.remove(name);
        return h;
    }

    private static Map<String, String> with(String name, String value) {
        Map<String, String> h = headers();
        h.put(name, value);
        return h;
    }

    private static ConsumerRecord<byte[], byte[]> record(Map<String, String> headers) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("stripe.events", 3, 42L,
                "evt_1".getBytes(StandardCharsets.UTF_8), BODY.getBytes(StandardCharsets.UTF_8));
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        return record;
    }
}
