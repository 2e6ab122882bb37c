package io.paypulse.bridge;

import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.EnvelopeHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StripeEventEnvelopeTest {

    @Test
    void readsTheTopLevelFieldsOfAStripeEvent() throws Exception {
        String payload = StripeEventSamples.chargeFailed("evt_3Pq", "ch_3Pq", 1_764_000_123L, "visa", "BR", 4200, "brl",
                "card_declined", "do_not_honor");
        StripeEventEnvelope env = StripeEventEnvelope.parse(utf8(payload));
        assertEquals(new StripeEventEnvelope("evt_3Pq", "charge.failed", 1_764_000_123L, StripeEventSamples.API_VERSION,
                null, true), env);
    }

    @Test
    void readsConnectAccountAndLivemodeAndIgnoresNestedLookalikes() throws Exception {
        String payload = "{\"data\":{\"object\":{\"id\":\"ch_x\",\"type\":\"nested\",\"created\":1}},\"id\":\"evt_9\","
                + "\"account\":\"acct_1Ab\",\"livemode\":true,\"type\":\"payout.paid\",\"created\":1700000000,\"api_version\":null}";
        assertEquals(new StripeEventEnvelope("evt_9", "payout.paid", 1_700_000_000L, null, "acct_1Ab", true),
                StripeEventEnvelope.parse(utf8(payload)));
    }

    @Test
    void acceptsThinEventsWithAnRfc3339Created() throws Exception {
        String payload = "{\"id\":\"evt_test_65R\",\"object\":\"v2.core.event\",\"type\":\"v1.billing.meter.error_report_triggered\","
                + "\"created\":\"2024-09-17T06:20:52.246Z\"}";
        assertEquals(1_726_554_052L, StripeEventEnvelope.parse(utf8(payload)).created());
    }

    @Test
    void refusesEachMalformedBodyWithItsReason() {
        assertReason(Rejection.INVALID_JSON, "not json");
        assertReason(Rejection.INVALID_JSON, "");
        assertReason(Rejection.INVALID_JSON, "[1,2]");
        assertReason(Rejection.INVALID_JSON, "{\"id\":\"evt_1\",\"type\":\"charge.succeeded\"");
        assertReason(Rejection.INVALID_JSON, "{\"id\":\"evt_1\",\"type\":\"a\",\"created\":1} {}");
        assertReason(Rejection.MISSING_ID, "{\"type\":\"charge.succeeded\",\"created\":1}");
        assertReason(Rejection.MISSING_ID, "{\"id\":42,\"type\":\"charge.succeeded\",\"created\":1}");
        assertReason(Rejection.MISSING_TYPE, "{\"id\":\"evt_1\",\"created\":1}");
        assertReason(Rejection.MISSING_TYPE, "{\"id\":\"evt_1\",\"type\":\"\",\"created\":1}");
        assertReason(Rejection.MISSING_CREATED, "{\"id\":\"evt_1\",\"type\":\"charge.succeeded\"}");
        assertReason(Rejection.MISSING_CREATED, "{\"id\":\"evt_1\",\"type\":\"charge.succeeded\",\"created\":\"yesterday\"}");
    }

    @Test
    void aCreatedOutsideStripesLifetimeOrAfterTheReceiptIsRefused() throws Exception {
        long receivedAt = 1_731_000_000_250L;
        // Milliseconds sent as seconds, before Stripe existed, a day and a second after the receipt.
        assertCreatedRefused("1731000000000", receivedAt);
        assertCreatedRefused("-1", receivedAt);
        assertCreatedRefused("0", receivedAt);
        assertCreatedRefused("1262303999", receivedAt);
        assertCreatedRefused("1731086401", receivedAt);
        assertCreatedRefused("\"2009-12-31T23:59:59Z\"", receivedAt);
        assertCreatedRefused("\"+50000-01-01T00:00:00Z\"", receivedAt);

        // The bounds themselves are accepted: 2010-01-01T00:00:00Z, and exactly a day ahead of the bridge's clock.
        assertEquals(1_262_304_000L, StripeEventEnvelope.parse(utf8(event("1262304000")), receivedAt).created());
        assertEquals(1_731_086_400L, StripeEventEnvelope.parse(utf8(event("1731086400")), receivedAt).created());
    }

    @Test
    void withoutAReceiptTimeTheBridgesClockBoundsCreated() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        assertEquals(now, StripeEventEnvelope.parse(utf8(event(Long.toString(now)))).created());
        assertThrows(StripeEventEnvelope.MalformedEventException.class,
                () -> StripeEventEnvelope.parse(utf8(event(Long.toString(now * 1000)))));
    }

    @Test
    void theDetailOfInvalidJsonNeverQuotesTheBody() {
        StripeEventEnvelope.MalformedEventException e = assertThrows(StripeEventEnvelope.MalformedEventException.class,
                () -> StripeEventEnvelope.parse(utf8("{\"email\": jenny.rosen@example.com}")));
        assertEquals("the body is not valid JSON (line 1, column 11)", e.getMessage());
    }

    @Test
    void deadLetterReasonsAreExactlyTheContractsKnownReasons() {
        Set<String> codes = new TreeSet<>();
        for (Rejection r : Rejection.values()) {
            if (r.deadLettered()) {
                codes.add(r.code());
            }
        }
        assertEquals(new TreeSet<>(EnvelopeHeaders.DLQ_KNOWN_REASONS), codes);
    }

    private static void assertCreatedRefused(String created, long receivedAt) {
        StripeEventEnvelope.MalformedEventException e = assertThrows(StripeEventEnvelope.MalformedEventException.class,
                () -> StripeEventEnvelope.parse(utf8(event(created)), receivedAt), created);
        assertEquals(Rejection.MISSING_CREATED, e.rejection(), created);
        assertTrue(e.getMessage().contains("between 2010-01-01 and a day after receipt"), e.getMessage());
    }

    private static String event(String created) {
        return "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"charge.succeeded\",\"created\":" + created + "}";
    }

    private static void assertReason(Rejection expected, String body) {
        StripeEventEnvelope.MalformedEventException e = assertThrows(StripeEventEnvelope.MalformedEventException.class,
                () -> StripeEventEnvelope.parse(utf8(body)));
        assertEquals(expected, e.rejection(), () -> "for body " + body + ": " + e.getMessage());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
