package io.paypulse.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Charge;
import com.stripe.model.Event;
import com.stripe.model.Payout;
import com.stripe.net.Webhook;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every body the simulator sends is a Stripe event the bridge accepts and stripe-java reads. */
class StripeEventShapeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec_sim_test_0123456789abcdef";

    @Test
    void everyEventHasTheEnvelopeTheBridgeNeedsAndSignaturesVerifyWithStripeJava() throws Exception {
        // A fixed weekday afternoon: the generator's volume follows the time of day and the weekday.
        long now = Instant.parse("2026-03-04T15:00:00Z").toEpochMilli();
        Scenario scenario = new Scenario("t", "", 300, 3000, 1, Optional.of(Duration.ofHours(1)), DeliveryProfile.perfect(),
                List.of());
        List<SimulatedEvent> events = new TrafficGenerator(scenario, TrafficMix.standard(), 9, "shape", now - 600_000)
                .slice(now - 600_000, now);
        WebhookSignature signer = new WebhookSignature(SECRET);
        Set<String> types = new HashSet<>();
        for (SimulatedEvent e : events) {
            JsonNode root = JSON.readTree(e.body());
            assertTrue(root.path("id").isTextual() && root.path("id").asText().matches("evt_[0-9A-Za-z]{24}"), e.body());
            assertEquals(e.id(), root.path("id").asText());
            assertEquals(e.type(), root.path("type").asText());
            assertEquals(e.created(), root.path("created").asLong());
            assertTrue(root.path("created").isIntegralNumber());
            assertEquals(StripeEventFactory.API_VERSION, root.path("api_version").asText());
            assertTrue(root.path("livemode").isBoolean());
            assertEquals("event", root.path("object").asText());
            assertTrue(root.path("data").path("object").isObject());
            types.add(e.type());

            String header = signer.header(e.body().getBytes(StandardCharsets.UTF_8), Instant.now().getEpochSecond());
            Event event = Webhook.constructEvent(e.body(), header, SECRET);
            assertEquals(e.id(), event.getId());
            if (e.isCharge()) {
                Charge charge = assertInstanceOf(Charge.class, event.getDataObjectDeserializer().deserializeUnsafe());
                assertEquals(e.segment().currency(), charge.getCurrency());
                assertEquals(e.segment().method(), charge.getPaymentMethodDetails().getType());
                if (e.segment().isCard()) {
                    assertEquals(e.segment().brand(), charge.getPaymentMethodDetails().getCard().getBrand());
                    assertEquals(e.segment().country(), charge.getPaymentMethodDetails().getCard().getCountry());
                    assertEquals(e.segment().funding(), charge.getPaymentMethodDetails().getCard().getFunding());
                }
                if (e.declined()) {
                    assertNotNull(charge.getFailureCode());
                    assertNotNull(charge.getOutcome().getReason());
                    assertEquals("failed", charge.getStatus());
                } else {
                    assertEquals("authorized", charge.getOutcome().getType());
                    assertEquals("succeeded", charge.getStatus());
                }
            } else if (e.type().startsWith("payout.")) {
                Payout payout = assertInstanceOf(Payout.class, event.getDataObjectDeserializer().deserializeUnsafe());
                assertTrue(payout.getArrivalDate() > payout.getCreated());
            }
        }
        assertEquals(Set.of("charge.succeeded", "charge.failed", "payment_intent.succeeded", "payment_intent.payment_failed",
                "payout.paid", "payout.failed"), types);
    }

    @Test
    void aSignatureUnderAnotherSecretIsRejectedByStripeJava() {
        String body = "{\"id\":\"evt_1\",\"object\":\"event\"}";
        String header = new WebhookSignature("whsec_other").header(body.getBytes(StandardCharsets.UTF_8),
                Instant.now().getEpochSecond());
        assertThrows(SignatureVerificationException.class, () -> Webhook.constructEvent(body, header, SECRET));
        assertFalse(header.contains(SECRET));
        assertTrue(header.matches("t=\\d+,v1=[0-9a-f]{64}"), header);
    }
}
