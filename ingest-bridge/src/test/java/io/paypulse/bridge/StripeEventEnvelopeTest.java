package io.paypulse.bridge;

import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.EnvelopeHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StripeEventEnvelopeTest {

    @Test
    void readsTheTopLevelFieldsOfAStripeEvent() throws Exception {
        String payload = StripeEventSamples.chargeFailed("evt_3Pq", "ch_3Pq", 1_764_000_123L, "visa", "BR", 4200, "brl",
                "card_declined", "do_not_honor");
        StripeEventEnvelope env = StripeEventEnvelope.parse(utf8(payload));
        assertEquals(new StripeEventEnvelope("evt_3Pq", "charge.failed", 1_764_000_123L, StripeEventSamples.API_VERSION,
                null, false), env);
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

    private static void assertReason(Rejection expected, String body) {
        StripeEventEnvelope.MalformedEventException e = assertThrows(StripeEventEnvelope.MalformedEventException.class,
                () -> StripeEventEnvelope.parse(utf8(body)));
        assertEquals(expected, e.rejection(), () -> "for body " + body + ": " + e.getMessage());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
