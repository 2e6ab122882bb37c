package io.paypulse.flink.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paypulse.infra.stripe.StripeEventSamples;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactionPolicyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void chargeLosesPersonalDataButKeepsWhatTheMetricsUse() throws Exception {
        JsonNode event = JSON.readTree(StripeEventSamples.chargeFailed("evt_1", "ch_1", 1_700_000_000L, "visa", "BR",
                1000, "brl", "card_declined", "05"));

        RedactionPolicy.defaults(List.of()).apply(event);

        JsonNode charge = event.path("data").path("object");
        JsonNode billing = charge.path("billing_details");
        assertEquals("[redacted]", billing.path("email").asText());
        assertEquals("[redacted]", billing.path("name").asText());
        assertEquals("[redacted]", billing.path("phone").asText());
        // An object keeps its shape; every value inside is gone, the country of the address included.
        assertEquals("[redacted]", billing.path("address").path("line1").asText());
        assertEquals("[redacted]", billing.path("address").path("country").asText());
        assertEquals("[redacted]", charge.path("receipt_email").asText());
        JsonNode card = charge.path("payment_method_details").path("card");
        assertEquals("[redacted]", card.path("fingerprint").asText());
        assertEquals("[redacted]", card.path("last4").asText());
        assertEquals("[redacted]", card.path("exp_year").asText());
        // What decline metrics group by stays.
        assertEquals("visa", card.path("brand").asText());
        assertEquals("BR", card.path("country").asText());
        assertEquals("credit", card.path("funding").asText());
        assertEquals("card_declined", charge.path("failure_code").asText());
        assertEquals("05", charge.path("outcome").path("network_decline_code").asText());
        assertEquals("issuer_declined", charge.path("outcome").path("type").asText());
        assertEquals(1000, charge.path("amount").asLong());
        assertFalse(event.toString().contains("jenny"), event.toString());
        assertFalse(event.toString().contains("4242"), event.toString());
    }

    @Test
    void nestedShapesFromStripeFixturesAreCovered() throws Exception {
        // Shapes of shared/stripe-fixtures: charge.source.owner, payment_intent.client_secret, an
        // invoice's customer_* fields, a checkout session's customer_details, a null stays null.
        JsonNode event = JSON.readTree("""
                {"data":{"object":{"source":{"owner":{"email":"a@b.c","verified_name":"A B","address":{"city":null}}},
                 "client_secret":"pi_1_secret_x","customer_email":"a@b.c","customer_phone":null,
                 "customer_details":{"ip_address":"203.0.113.9"},"lines":[{"shipping":{"name":"A"}}],
                 "receipt_url":"https://pay.stripe.com/receipts/x","client_ip":"198.51.100.1","status":"paid"}}}
                """);

        RedactionPolicy.defaults(List.of()).apply(event);

        JsonNode o = event.path("data").path("object");
        assertEquals("[redacted]", o.path("source").path("owner").path("email").asText());
        assertEquals("[redacted]", o.path("source").path("owner").path("verified_name").asText());
        assertTrue(o.path("source").path("owner").path("address").path("city").isNull());
        assertEquals("[redacted]", o.path("client_secret").asText());
        assertEquals("[redacted]", o.path("customer_email").asText());
        assertTrue(o.path("customer_phone").isNull());
        assertEquals("[redacted]", o.path("customer_details").path("ip_address").asText());
        assertEquals("[redacted]", o.path("lines").path(0).path("shipping").path("name").asText());
        assertEquals("[redacted]", o.path("receipt_url").asText());
        assertEquals("[redacted]", o.path("client_ip").asText());
        assertEquals("paid", o.path("status").asText());
    }

    @Test
    void extraFieldsAreRedactedToo() throws Exception {
        JsonNode event = JSON.readTree("{\"metadata\":{\"order\":\"42\",\"note\":\"call Jenny\"},\"description\":\"x\"}");

        RedactionPolicy.defaults(List.of("metadata")).apply(event);

        assertEquals("{\"metadata\":{\"order\":\"[redacted]\",\"note\":\"[redacted]\"},\"description\":\"x\"}",
                event.toString());
    }

    @Test
    void offLeavesThePayloadAlone() throws Exception {
        String body = StripeEventSamples.chargeSucceeded("evt_1", "ch_1", 1_700_000_000L, "visa", "US", 1000, "usd");
        JsonNode event = JSON.readTree(body);

        RedactionPolicy.off().apply(event);

        assertEquals(JSON.readTree(body), event);
    }
}
