package io.paypulse.flink.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paypulse.flink.functions.EventBodyReader;
import io.paypulse.infra.stripe.StripeEventSamples;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactionPolicyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void chargeLosesPersonalDataButKeepsWhatTheMetricsUse() throws Exception {
        JsonNode event = redact(RedactionPolicy.defaults(List.of()), StripeEventSamples.chargeFailed("evt_1", "ch_1",
                1_700_000_000L, "visa", "BR", 1000, "brl", "card_declined", "05"));

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
        JsonNode event = redact(RedactionPolicy.defaults(List.of()), """
                {"data":{"object":{"source":{"owner":{"email":"a@b.c","verified_name":"A B","address":{"city":null}}},
                 "client_secret":"pi_1_secret_x","customer_email":"a@b.c","customer_phone":null,
                 "customer_details":{"ip_address":"203.0.113.9"},"lines":[{"shipping":{"name":"A"}}],
                 "receipt_url":"https://pay.stripe.com/receipts/x","client_ip":"198.51.100.1","status":"paid"}}}
                """);

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
    void personalDataOfCardSourcesWalletsDisputesBankAccountsAndPayPalIsCovered() throws Exception {
        // Shapes of shared/stripe-fixtures and Stripe's API reference: a legacy card source, card-present
        // and Interac readers, a Masterpass wallet, a PayPal payer, a mandate's online acceptance, a bank
        // account source, a dispute's evidence with Visa Compelling Evidence 3.0.
        JsonNode event = redact(RedactionPolicy.defaults(List.of()), """
                {"id":"evt_1","type":"charge.dispute.created","created":1700000000,"data":{"object":{
                 "id":"ch_1","amount":1000,"currency":"usd","failure_code":"card_declined",
                 "outcome":{"type":"issuer_declined","network_decline_code":"05"},
                 "source":{"object":"card","brand":"Visa","country":"US","funding":"credit",
                  "address_line1":"1 Main St","address_line2":"Apt 2","address_city":"Springfield",
                  "address_state":"IL","address_zip":"62701","address_country":"US","address_kana":{"town":"Chiyoda"},
                  "address_line1_check":"pass","address_zip_check":"fail","cvc_check":"pass"},
                 "payment_method_details":{"type":"card_present",
                  "card_present":{"brand":"visa","country":"US","funding":"debit","cardholder_name":"JENNY ROSEN",
                   "checks":{"address_line1_check":"pass","address_postal_code_check":"pass"}},
                  "interac_present":{"cardholder_name":"Jenny Rosen"},
                  "card":{"wallet":{"type":"masterpass","masterpass":{"email":"jenny@example.com","name":"Jenny Rosen",
                   "billing_address":{"line1":"1 Main St","postal_code":"62701"},
                   "shipping_address":{"line1":"2 Side St","city":"Springfield"}}}},
                  "paypal":{"payer_email":"jenny@example.com","payer_name":"Jenny Rosen","payer_id":"JR5PAYERID"}},
                 "mandate":{"customer_acceptance":{"online":{"ip_address":"203.0.113.9","user_agent":"Mozilla/5.0 JR"}}},
                 "bank_account":{"account_holder_name":"Jenny Rosen","bank_name":"STRIPE TEST BANK"},
                 "evidence":{"customer_email_address":"jenny@example.com","customer_purchase_ip":"203.0.113.9",
                  "customer_name":"Jenny Rosen","billing_address":"1 Main St, Springfield",
                  "shipping_address":"2 Side St, Springfield","access_activity_log":"203.0.113.9 downloaded",
                  "enhanced_evidence":{"visa_compelling_evidence_3":{"disputed_transaction":{
                   "customer_device_fingerprint":"fp_JR","customer_device_id":"dev_JR",
                   "customer_email_address":"jenny@example.com","customer_purchase_ip":"203.0.113.9",
                   "shipping_address":{"line1":"2 Side St"}}}},
                  "product_description":"a hat"}}}}
                """);

        String stored = event.toString();
        for (String personal : List.of("Main St", "Side St", "Apt 2", "Springfield", "62701", "Chiyoda", "JENNY",
                "Jenny", "jenny@", "203.0.113.9", "Mozilla", "JR5PAYERID", "fp_JR", "dev_JR", "IL")) {
            assertFalse(stored.contains(personal), () -> personal + " left in " + stored);
        }
        JsonNode o = event.path("data").path("object");
        assertEquals("[redacted]", o.path("source").path("address_line1").asText());
        assertEquals("[redacted]", o.path("source").path("address_country").asText());
        assertEquals("[redacted]", o.path("source").path("address_kana").path("town").asText());
        assertEquals("[redacted]", o.path("payment_method_details").path("card_present").path("cardholder_name").asText());
        assertEquals("[redacted]", o.path("bank_account").path("account_holder_name").asText());
        assertEquals("[redacted]", o.path("evidence").path("customer_purchase_ip").asText());
        // Card checks only say pass or fail; the card attributes, outcome, codes and amounts stay.
        assertEquals("pass", o.path("source").path("address_line1_check").asText());
        assertEquals("fail", o.path("source").path("address_zip_check").asText());
        assertEquals("pass", o.path("payment_method_details").path("card_present").path("checks")
                .path("address_postal_code_check").asText());
        assertEquals("Visa|US|credit", o.path("source").path("brand").asText() + "|"
                + o.path("source").path("country").asText() + "|" + o.path("source").path("funding").asText());
        assertEquals("visa|US|debit", o.path("payment_method_details").path("card_present").path("brand").asText() + "|"
                + o.path("payment_method_details").path("card_present").path("country").asText() + "|"
                + o.path("payment_method_details").path("card_present").path("funding").asText());
        assertEquals("card_present", o.path("payment_method_details").path("type").asText());
        assertEquals("issuer_declined|05|card_declined|1000|usd", o.path("outcome").path("type").asText() + "|"
                + o.path("outcome").path("network_decline_code").asText() + "|" + o.path("failure_code").asText() + "|"
                + o.path("amount").asLong() + "|" + o.path("currency").asText());
        assertEquals("STRIPE TEST BANK", o.path("bank_account").path("bank_name").asText());
        assertEquals("a hat", o.path("evidence").path("product_description").asText());
        assertEquals(1_700_000_000L, event.path("created").asLong());
    }

    @Test
    void theAddressPrefixSparesVerificationResultsAndOtherNames() {
        RedactionPolicy policy = RedactionPolicy.defaults(List.of());

        assertTrue(policy.redacts("address_line1") && policy.redacts("address_kanji") && policy.redacts("address_zip"));
        assertFalse(policy.redacts("address_line1_check") || policy.redacts("address_postal_code_check"));
        assertFalse(policy.redacts("billing_address_collection") || policy.redacts("addresses")
                || policy.redacts("country") || policy.redacts("brand") || policy.redacts("funding"));
        assertFalse(RedactionPolicy.off().redacts("address_line1"));
    }

    @Test
    void extraFieldsAreRedactedToo() throws Exception {
        String stored = stored(RedactionPolicy.defaults(List.of("metadata")),
                "{\"metadata\":{\"order\":42,\"note\":\"call Jenny\",\"tags\":[\"a\",null,true]},\"description\":\"x\"}");

        assertEquals("{\"metadata\":{\"order\":\"[redacted]\",\"note\":\"[redacted]\",\"tags\":[\"[redacted]\",null,"
                + "\"[redacted]\"]},\"description\":\"x\"}", stored);
    }

    @Test
    void offLeavesThePayloadAlone() throws Exception {
        String body = StripeEventSamples.chargeSucceeded("evt_1", "ch_1", 1_700_000_000L, "visa", "US", 1000, "usd");
        assertEquals(body, stored(RedactionPolicy.off(), body));
    }

    @Test
    void whatIsNotRedactedIsCopiedExactly() {
        // Numbers keep their exact text (a JSON tree would turn 1.10 into 1.1 and 1e2 into 100.0),
        // escapes and non-ASCII text survive, and so does the order of fields.
        String body = "{\"amount\":1050,\"rate\":1.10,\"big\":1e2,\"huge\":123456789012345678901234567890,"
                + "\"ok\":true,\"none\":null,\"text\":\"a\\\"b\\\\c\\n\",\"city\":\"São Paulo\",\"email\":\"x@y.z\"}";

        assertEquals("{\"amount\":1050,\"rate\":1.10,\"big\":1e2,\"huge\":123456789012345678901234567890,"
                + "\"ok\":true,\"none\":null,\"text\":\"a\\\"b\\\\c\\n\",\"city\":\"São Paulo\",\"email\":\"[redacted]\"}",
                stored(RedactionPolicy.defaults(List.of()), body));
    }

    @Test
    void redactedValuesAreSplicedIntoTheBodyAsReceived() {
        // Pretty-printed, as Stripe sends it: only the redacted values change, whitespace stays.
        String body = """
                {
                  "card": {"exp_month": 12 , "exp_year":2030, "last4": "4242", "brand": "visa"},
                  "address": {"line1": "1 Rua \\"A\\"", "zip": 12345, "flags": [true, null, {"x": false}]},
                  "phone": null,
                  "email" : "jenny@example.com"
                }
                """;

        assertEquals("""
                {
                  "card": {"exp_month": "[redacted]" , "exp_year":"[redacted]", "last4": "[redacted]", "brand": "visa"},
                  "address": {"line1": "[redacted]", "zip": "[redacted]", "flags": ["[redacted]", null, {"x": "[redacted]"}]},
                  "phone": null,
                  "email" : "[redacted]"
                }
                """, stored(RedactionPolicy.defaults(List.of()), body));
    }

    @Test
    void aPolicySurvivesJavaSerialisationAsPartOfTheJobGraph() throws Exception {
        RedactionPolicy policy = RedactionPolicy.defaults(List.of("metadata"));

        RedactionPolicy restored = InstantiationUtil.clone(policy);

        assertEquals(policy, restored);
        assertTrue(restored.redacts("metadata") && restored.redacts("email"));
        assertFalse(restored.redacts("brand"));
    }

    @Test
    void aPolicySerialisedWhenItKeptTwoSetsRestoresToTheSamePolicy() throws Exception {
        // Written by the class as it was when it held the names twice, in a TreeSet and a HashSet.
        RedactionPolicy on = (RedactionPolicy) deserialise(Base64.getDecoder().decode(TWO_SETS_DEFAULTS_AND_METADATA));
        RedactionPolicy off = (RedactionPolicy) deserialise(Base64.getDecoder().decode(TWO_SETS_OFF));

        assertEquals(RedactionPolicy.defaults(List.of("metadata")), on);
        assertEquals(RedactionPolicy.defaults(List.of("metadata")).hashCode(), on.hashCode());
        assertTrue(on.redacts("metadata") && on.redacts("billing_details"));
        // Defaults added since that policy was written apply to it too.
        assertTrue(on.redacts("cardholder_name") && on.redacts("payer_email") && on.redacts("address_city"));
        assertFalse(on.redacts("brand"));
        assertEquals(RedactionPolicy.off(), off);
        assertFalse(off.redacts("email"));
    }

    @Test
    void theFieldsAreShownSorted() {
        RedactionPolicy policy = RedactionPolicy.defaults(List.of("metadata"));

        assertEquals(List.copyOf(new TreeSet<>(policy.fields())), List.copyOf(policy.fields()));
        assertTrue(policy.toString().startsWith("RedactionPolicy[access_activity_log, account_holder_name, address, address_city, "),
                policy.toString());
        assertEquals("RedactionPolicy[off]", RedactionPolicy.off().toString());
    }

    private static final String TWO_SETS_DEFAULTS_AND_METADATA = "rO0ABXNyAChpby5wYXlwdWxzZS5mbGluay5jb25maWcuUmVkYWN0aW9uUG9saWN5AAAAAAAAAAECAANaAAdlbmFibGVkTAAG"
            + "ZmllbGRzdAATTGphdmEvdXRpbC9UcmVlU2V0O0wABmxvb2t1cHQAE0xqYXZhL3V0aWwvSGFzaFNldDt4cAFzcgARamF2YS51"
            + "dGlsLlRyZWVTZXTdmFCTle2HWwMAAHhwcHcEAAAAIXQAB2FkZHJlc3N0AA9iaWxsaW5nX2RldGFpbHN0AAljbGllbnRfaXB0"
            + "AA1jbGllbnRfc2VjcmV0dAAQY3VzdG9tZXJfYWRkcmVzc3QAEGN1c3RvbWVyX2RldGFpbHN0AA5jdXN0b21lcl9lbWFpbHQA"
            + "DWN1c3RvbWVyX25hbWV0AA5jdXN0b21lcl9waG9uZXQAEWN1c3RvbWVyX3NoaXBwaW5ndAAQY3VzdG9tZXJfdGF4X2lkc3QA"
            + "DWR5bmFtaWNfbGFzdDR0AAVlbWFpbHQACWV4cF9tb250aHQACGV4cF95ZWFydAALZmluZ2VycHJpbnR0AAJpcHQACmlwX2Fk"
            + "ZHJlc3N0AAVsYXN0NHQACG1ldGFkYXRhdAAEbmFtZXQABW93bmVydAAFcGhvbmV0AA1yZWNlaXB0X2VtYWlsdAALcmVjZWlw"
            + "dF91cmx0AAhzaGlwcGluZ3QAEHNoaXBwaW5nX2RldGFpbHN0AAZ0YXhfaWR0AAd0YXhfaWRzdAAQdmVyaWZpZWRfYWRkcmVz"
            + "c3QADnZlcmlmaWVkX2VtYWlsdAANdmVyaWZpZWRfbmFtZXQADnZlcmlmaWVkX3Bob25leHNyABFqYXZhLnV0aWwuSGFzaFNl"
            + "dLpEhZWWuLc0AwAAeHB3DAAAAEA/QAAAAAAAIXEAfgAYcQB+AAdxAH4AD3EAfgAZcQB+ACJxAH4AIHEAfgATcQB+ABRxAH4A"
            + "JnEAfgALcQB+AB5xAH4AH3EAfgAVcQB+ACVxAH4ACHEAfgAJcQB+ABFxAH4AEnEAfgAbcQB+AApxAH4ABnEAfgAWcQB+AA5x"
            + "AH4AF3EAfgAkcQB+ACFxAH4AHHEAfgAdcQB+AAxxAH4AEHEAfgAacQB+AA1xAH4AI3g=";
    private static final String TWO_SETS_OFF = "rO0ABXNyAChpby5wYXlwdWxzZS5mbGluay5jb25maWcuUmVkYWN0aW9uUG9saWN5AAAAAAAAAAECAANaAAdlbmFibGVkTAAG"
            + "ZmllbGRzdAATTGphdmEvdXRpbC9UcmVlU2V0O0wABmxvb2t1cHQAE0xqYXZhL3V0aWwvSGFzaFNldDt4cABzcgARamF2YS51"
            + "dGlsLlRyZWVTZXTdmFCTle2HWwMAAHhwcHcEAAAAAHhzcgARamF2YS51dGlsLkhhc2hTZXS6RIWVlri3NAMAAHhwdwwAAAAQ"
            + "P0AAAAAAAAB4";

    private static Object deserialise(byte[] bytes) throws IOException, ClassNotFoundException {
        return InstantiationUtil.deserializeObject(bytes, RedactionPolicyTest.class.getClassLoader());
    }

    private static String stored(RedactionPolicy policy, String body) {
        return new EventBodyReader(policy).read(body.getBytes(StandardCharsets.UTF_8))
                .orElseThrow(() -> new AssertionError("not read: " + body)).stored();
    }

    private static JsonNode redact(RedactionPolicy policy, String body) throws Exception {
        return JSON.readTree(stored(policy, body));
    }
}
