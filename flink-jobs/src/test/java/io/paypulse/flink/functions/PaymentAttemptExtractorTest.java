package io.paypulse.flink.functions;

import io.paypulse.flink.TestEvents;
import io.paypulse.flink.model.PaymentAttempt;
import io.paypulse.flink.model.StripeEvent;
import io.paypulse.infra.stripe.StripeEventSamples;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.paypulse.flink.TestEvents.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PaymentAttemptExtractorTest {

    @Test
    void chargeOutcomesBecomeAttemptsAndEverythingElseIsIgnored() throws Exception {
        List<PaymentAttempt> out = run(
                TestEvents.succeeded("ok", T0, "visa", "US", "usd"),
                TestEvents.failed("no", T0 + 1, "mastercard", "BR", "BRL", "insufficient_funds", "51"),
                // The PaymentIntent that accompanies a failed charge is not a second attempt.
                TestEvents.of(StripeEventSamples.paymentIntent("evt_pi", "payment_intent.payment_failed", "pi_1", T0,
                        1000, "usd"), 100),
                TestEvents.raw("evt_cus", "customer.created", T0, "{\"data\":{\"object\":{\"id\":\"cus_1\"}}}"));

        assertEquals(List.of(
                new PaymentAttempt("ch_ok", "evt_ok", "approved", 1000, "usd", "card", "visa", "US", "credit",
                        "authorized", "", "", "", T0),
                new PaymentAttempt("ch_no", "evt_no", "failed", 1000, "brl", "card", "mastercard", "BR", "credit",
                        "issuer_declined", "insufficient_funds", "51", "", T0 + 1)), out);
    }

    @Test
    void chargesOfUnexpectedShapeAreSkipped() throws Exception {
        List<PaymentAttempt> out = run(
                TestEvents.raw("evt_1", "charge.succeeded", T0, "{\"data\":\"not an object\"}"),
                TestEvents.raw("evt_2", "charge.failed", T0, "{\"data\":{\"object\":{\"id\":\"ch_2\",\"currency\":\"usd\"}}}"),
                TestEvents.raw("evt_3", "charge.failed", T0, "[]"),
                TestEvents.raw("evt_4", "charge.succeeded", T0,
                        "{\"data\":{\"object\":{\"id\":\"ch_4\",\"amount\":\"12\",\"currency\":\"usd\"}}}"),
                TestEvents.raw("evt_5", "charge.succeeded", T0,
                        "{\"data\":{\"object\":{\"id\":\"ch_5\",\"amount\":12,\"currency\":\"eur\"}}}"));

        // Only the last has what an attempt needs; a non-card method leaves the card columns empty.
        assertEquals(List.of(new PaymentAttempt("ch_5", "evt_5", "approved", 12, "eur", "", "", "", "", "", "", "", "", T0)),
                out);
    }

    private static List<PaymentAttempt> run(StripeEvent... events) throws Exception {
        try (OneInputStreamOperatorTestHarness<StripeEvent, PaymentAttempt> harness =
                     new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new PaymentAttemptExtractor()))) {
            harness.open();
            for (StripeEvent e : events) {
                harness.processElement(e, e.createdMillis());
            }
            return harness.extractOutputValues();
        }
    }
}
