package io.paypulse.infra.stripe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * Stripe webhook bodies shaped like Stripe's own fixtures ({@code shared/stripe-fixtures}), and their
 * signatures, for tests and load generators. Field names and nesting are Stripe's; values are ours.
 */
public final class StripeEventSamples {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String API_VERSION = "2024-06-20";

    private StripeEventSamples() {
    }

    /** A {@code charge.succeeded} event for a card charge. */
    public static String chargeSucceeded(String eventId, String chargeId, long created, String brand, String country,
                                         long amount, String currency) {
        return event(eventId, "charge.succeeded", created, charge(chargeId, created, brand, country, amount, currency,
                "succeeded", "authorized", null, null));
    }

    /** A {@code charge.failed} event, declined by the issuer with the given codes. */
    public static String chargeFailed(String eventId, String chargeId, long created, String brand, String country,
                                      long amount, String currency, String failureCode, String networkDeclineCode) {
        return event(eventId, "charge.failed", created, charge(chargeId, created, brand, country, amount, currency,
                "failed", "issuer_declined", failureCode, networkDeclineCode));
    }

    /** A {@code payment_intent.succeeded} or {@code payment_intent.payment_failed} event. */
    public static String paymentIntent(String eventId, String type, String intentId, long created, long amount,
                                       String currency) {
        ObjectNode pi = JSON.createObjectNode();
        pi.put("id", intentId);
        pi.put("object", "payment_intent");
        pi.put("amount", amount);
        pi.put("amount_received", type.endsWith("succeeded") ? amount : 0);
        pi.put("capture_method", "automatic");
        pi.putNull("customer");
        pi.put("created", created);
        pi.put("currency", currency);
        pi.put("livemode", true);
        pi.putArray("payment_method_types").add("card");
        pi.put("status", type.endsWith("succeeded") ? "succeeded" : "requires_payment_method");
        return event(eventId, type, created, pi);
    }

    /** A {@code payout.paid} or {@code payout.failed} event. */
    public static String payout(String eventId, String type, String payoutId, long created, long arrivalDate, long amount,
                                String currency, String method) {
        ObjectNode po = JSON.createObjectNode();
        po.put("id", payoutId);
        po.put("object", "payout");
        po.put("amount", amount);
        po.put("arrival_date", arrivalDate);
        po.put("automatic", true);
        po.put("balance_transaction", "txn_" + payoutId.substring(payoutId.indexOf('_') + 1));
        po.put("created", created);
        po.put("currency", currency);
        po.put("description", "STRIPE PAYOUT");
        po.put("destination", "ba_1Pgc79B7WZ01zgkWoU5vBiXt");
        boolean failed = type.equals("payout.failed");
        if (failed) {
            po.put("failure_code", "account_closed");
            po.put("failure_message", "The bank account has been closed.");
        } else {
            po.putNull("failure_code");
            po.putNull("failure_message");
        }
        po.put("livemode", true);
        po.putObject("metadata");
        po.put("method", method);
        po.put("source_type", "card");
        po.put("status", failed ? "failed" : "paid");
        po.put("type", "bank_account");
        return event(eventId, type, created, po);
    }

    /** The {@code Stripe-Signature} header Stripe would send for this payload, secret and timestamp. */
    public static String signatureHeader(String payload, String secret, long timestampSeconds) {
        return "t=" + timestampSeconds + ",v1=" + signature(payload, secret, timestampSeconds);
    }

    /** The hex HMAC-SHA256 of {@code "<t>.<payload>"}, Stripe's v1 scheme. */
    public static String signature(String payload, String secret, long timestampSeconds) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((timestampSeconds + "." + payload).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static ObjectNode charge(String chargeId, long created, String brand, String country, long amount,
                                     String currency, String status, String outcomeType, String failureCode,
                                     String networkDeclineCode) {
        ObjectNode ch = JSON.createObjectNode();
        ch.put("id", chargeId);
        ch.put("object", "charge");
        ch.put("amount", amount);
        ch.put("amount_captured", "succeeded".equals(status) ? amount : 0);
        ch.put("amount_refunded", 0);
        ch.put("balance_transaction", "succeeded".equals(status) ? "txn_" + chargeId.substring(3) : null);
        ObjectNode billing = ch.putObject("billing_details");
        billing.put("email", "jenny.rosen@example.com");
        billing.put("name", "Jenny Rosen");
        billing.put("phone", "+15555550123");
        ObjectNode address = billing.putObject("address");
        address.put("city", "San Francisco");
        address.put("country", country);
        address.put("line1", "510 Townsend St");
        address.put("postal_code", "94103");
        ch.put("captured", "succeeded".equals(status));
        ch.put("created", created);
        ch.put("currency", currency);
        ch.put("customer", "cus_" + chargeId.substring(3, Math.min(chargeId.length(), 17)));
        ch.put("failure_code", failureCode);
        ch.put("failure_message", failureCode == null ? null : "Your card was declined.");
        ch.put("livemode", true);
        ObjectNode outcome = ch.putObject("outcome");
        outcome.putNull("advice_code");
        outcome.putNull("network_advice_code");
        outcome.put("network_decline_code", networkDeclineCode);
        outcome.put("network_status", "succeeded".equals(status) ? "approved_by_network" : "declined_by_network");
        outcome.put("reason", failureCode == null ? null : "generic_decline");
        outcome.put("risk_level", "normal");
        outcome.put("seller_message", "succeeded".equals(status) ? "Payment complete." : "The bank did not return any further details with this decline.");
        outcome.put("type", outcomeType);
        ch.put("paid", "succeeded".equals(status));
        ch.put("payment_intent", "pi_" + chargeId.substring(3));
        ch.put("payment_method", "pm_" + chargeId.substring(3));
        ObjectNode details = ch.putObject("payment_method_details");
        ObjectNode card = details.putObject("card");
        card.put("brand", brand);
        card.putObject("checks").put("cvc_check", "pass");
        card.put("country", country);
        card.put("exp_month", 8);
        card.put("exp_year", 2030);
        card.put("fingerprint", "AOB934RVNwzk6xtn");
        card.put("funding", "credit");
        card.put("last4", "4242");
        card.put("network", brand);
        details.put("type", "card");
        ch.put("receipt_email", "jenny.rosen@example.com");
        ch.put("status", status);
        return ch;
    }

    private static String event(String eventId, String type, long created, ObjectNode object) {
        ObjectNode ev = JSON.createObjectNode();
        ev.put("id", eventId);
        ev.put("object", "event");
        ev.put("api_version", API_VERSION);
        ev.put("created", created);
        ev.putObject("data").set("object", object);
        ev.put("livemode", true);
        ev.put("pending_webhooks", 1);
        ObjectNode request = ev.putObject("request");
        request.put("id", "req_" + eventId.substring(eventId.indexOf('_') + 1));
        request.putNull("idempotency_key");
        ev.put("type", type);
        try {
            return JSON.writeValueAsString(ev);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values always serializes", e);
        }
    }
}
