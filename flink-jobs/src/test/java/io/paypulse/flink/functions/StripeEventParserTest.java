package io.paypulse.flink.functions;

import io.paypulse.flink.TestEvents;
import io.paypulse.flink.config.RedactionPolicy;
import io.paypulse.flink.model.ParsedEvent;
import io.paypulse.flink.model.PaymentAttempt;
import io.paypulse.flink.model.PayoutSettlement;
import io.paypulse.flink.model.StripeEvent;
import io.paypulse.infra.stripe.StripeEventSamples;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Objects;

import static io.paypulse.flink.TestEvents.DAY;
import static io.paypulse.flink.TestEvents.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StripeEventParserTest {

    @Test
    void chargeOutcomesBecomeAttemptsPayoutsSettlementsAndEverythingElseOnlyARawRow() throws Exception {
        List<ParsedEvent> out = run(RedactionPolicy.defaults(List.of()),
                TestEvents.succeeded("ok", T0, "visa", "US", "usd"),
                TestEvents.failed("no", T0 + 1, "mastercard", "BR", "BRL", "insufficient_funds", "51"),
                // The PaymentIntent that accompanies a failed charge is not a second attempt.
                TestEvents.of(StripeEventSamples.paymentIntent("evt_pi", "payment_intent.payment_failed", "pi_1", T0,
                        1000, "usd"), 100),
                TestEvents.payout("po", "payout.paid", T0 + 2, 2 * DAY, "EUR", "instant"),
                TestEvents.raw("evt_cus", "customer.created", T0, "{\"data\":{\"object\":{\"id\":\"cus_1\"}}}"));

        assertEquals(List.of("evt_ok", "evt_no", "evt_pi", "evt_po", "evt_cus"),
                out.stream().map(ParsedEvent::eventId).toList());
        assertEquals(List.of(
                new PaymentAttempt("ch_ok", "evt_ok", "approved", 1000, "usd", "card", "visa", "US", "credit",
                        "authorized", "", "", "", T0),
                new PaymentAttempt("ch_no", "evt_no", "failed", 1000, "brl", "card", "mastercard", "BR", "credit",
                        "issuer_declined", "insufficient_funds", "51", "", T0 + 1)),
                out.stream().map(ParsedEvent::attempt).filter(Objects::nonNull).toList());
        assertEquals(List.of(new PayoutSettlement("po_po", "evt_po", true, "eur", "instant", T0 + 2, T0 + 2 + 2 * DAY, 5000, "")),
                out.stream().map(ParsedEvent::payout).filter(Objects::nonNull).toList());
        // The stored body is redacted; what the metrics read is not affected.
        ParsedEvent declined = out.get(1);
        assertFalse(declined.row().payload().contains("jenny"), declined.row().payload());
        assertTrue(declined.row().payload().contains("\"brand\":\"mastercard\""), declined.row().payload());
    }

    @Test
    void chargesOfUnexpectedShapeKeepTheirRawRowButMakeNoAttempt() throws Exception {
        List<ParsedEvent> out = run(RedactionPolicy.defaults(List.of()),
                TestEvents.raw("evt_1", "charge.succeeded", T0, "{\"data\":\"not an object\"}"),
                TestEvents.raw("evt_2", "charge.failed", T0, "{\"data\":{\"object\":{\"id\":\"ch_2\",\"currency\":\"usd\"}}}"),
                TestEvents.raw("evt_3", "charge.failed", T0, "[]"),
                TestEvents.raw("evt_4", "charge.succeeded", T0,
                        "{\"data\":{\"object\":{\"id\":\"ch_4\",\"amount\":\"12\",\"currency\":\"usd\"}}}"),
                TestEvents.raw("evt_5", "charge.succeeded", T0,
                        "{\"data\":{\"object\":{\"id\":\"ch_5\",\"amount\":12,\"currency\":\"eur\"}}}"),
                TestEvents.raw("evt_6", "payout.paid", T0, "{\"data\":{\"object\":{\"id\":\"po_6\",\"currency\":\"usd\"}}}"),
                TestEvents.raw("evt_7", "charge.succeeded", T0, "{\"data\":{\"object\":{\"id\":\"ch_7\"}}} trailing"),
                TestEvents.raw("evt_8", "charge.succeeded", T0, "{\"data\":{\"object\":{\"id\":\"ch_8\""));

        // evt_3 (not an object), evt_7 (text after the object) and evt_8 (cut off) are not JSON objects:
        // they go on for their delivery latency, but their rows are not stored.
        assertEquals(List.of("evt_1", "evt_2", "evt_4", "evt_5", "evt_6"),
                out.stream().filter(ParsedEvent::stored).map(ParsedEvent::eventId).toList());
        assertEquals(List.of("evt_3:", "evt_7:", "evt_8:"),
                out.stream().filter(e -> !e.stored()).map(e -> e.eventId() + ":" + e.row().payload()).toList());
        // Only evt_5 has what an attempt needs; a non-card method leaves the card columns empty.
        assertEquals(List.of(new PaymentAttempt("ch_5", "evt_5", "approved", 12, "eur", "", "", "", "", "", "", "", "", T0)),
                out.stream().map(ParsedEvent::attempt).filter(Objects::nonNull).toList());
        assertTrue(out.stream().allMatch(e -> e.payout() == null));
    }

    @Test
    void payoutsWithDatesOutOfRangeKeepTheirRawRowButMakeNoSettlement() throws Exception {
        List<ParsedEvent> out = run(RedactionPolicy.defaults(List.of()),
                // arrival_date in milliseconds, created in milliseconds, a negative created, a 1970 arrival_date
                payout("evt_1", T0, T0 * 1000 + 2 * DAY * 1000),
                payout("evt_2", T0 * 1000, T0 + 2 * DAY),
                payout("evt_3", -1, T0 + 2 * DAY),
                payout("evt_4", T0, 0),
                payout("evt_5", T0, 4_102_444_800L),
                // The bounds themselves: 2010-01-01T00:00:00Z and the last second before 2100.
                payout("evt_6", 1_262_304_000L, 4_102_444_799L));

        assertEquals(List.of("evt_1", "evt_2", "evt_3", "evt_4", "evt_5", "evt_6"),
                out.stream().filter(ParsedEvent::stored).map(ParsedEvent::eventId).toList());
        assertEquals(List.of(new PayoutSettlement("po_evt_6", "evt_6", true, "usd", "standard", 1_262_304_000L,
                        4_102_444_799L, 5000, "")),
                out.stream().map(ParsedEvent::payout).filter(Objects::nonNull).toList());
    }

    @Test
    void cardAttributesAreReadWhereverTheMethodTypeComesInTheBody() throws Exception {
        // The method's attributes before its type, another method's attributes alongside, and a
        // "brand" inside an array that is not the card's.
        String body = """
                {"data":{"object":{"id":"ch_1","amount":500,"currency":"GBP",
                  "payment_method_details":{"card_present":{"brand":"amex","country":"GB","funding":"debit"},
                    "card":{"brand":"visa","country":"US","funding":"credit"},"type":"card_present"},
                  "items":[{"brand":"wrong"}],"outcome":{"type":"authorized","network_decline_code":null}}}}""";
        ParsedEvent parsed = run(RedactionPolicy.off(), TestEvents.raw("evt_1", "charge.succeeded", T0, body)).get(0);

        assertEquals(new PaymentAttempt("ch_1", "evt_1", "approved", 500, "gbp", "card_present", "amex", "GB", "debit",
                "authorized", "", "", "", T0), parsed.attempt());
        assertEquals(body, parsed.row().payload(), "with redaction off the body is stored exactly as received");
        assertNull(parsed.payout());
    }

    @Test
    void theLastOfADuplicatedFieldCountsAsInAJsonTree() throws Exception {
        ParsedEvent parsed = run(RedactionPolicy.defaults(List.of()), TestEvents.raw("evt_1", "charge.succeeded", T0,
                "{\"data\":{\"object\":{\"id\":\"ch_1\",\"amount\":1,\"amount\":7,\"currency\":\"usd\","
                        + "\"currency\":{\"not\":\"text\"}}}}")).get(0);

        assertNull(parsed.attempt(), "the last currency is an object, so the charge has none");
    }

    private static StripeEvent payout(String eventId, long created, long arrivalDate) {
        return TestEvents.raw(eventId, "payout.paid", T0, StripeEventSamples.payout(eventId, "payout.paid", "po_" + eventId,
                created, arrivalDate, 5000, "usd", "standard"));
    }

    private static List<ParsedEvent> run(RedactionPolicy policy, StripeEvent... events) throws Exception {
        try (OneInputStreamOperatorTestHarness<StripeEvent, ParsedEvent> harness =
                     new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new StripeEventParser(policy)))) {
            harness.open();
            for (StripeEvent e : events) {
                harness.processElement(e, e.createdMillis());
            }
            return harness.extractOutputValues();
        }
    }
}
