package io.paypulse.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Webhook bodies shaped like Stripe's ({@code shared/stripe-fixtures}): an {@code event} envelope
 * around a charge, PaymentIntent or payout, with Stripe's field names and nesting and our values.
 */
public final class StripeEventFactory {

    public static final String API_VERSION = "2024-06-20";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NAMES = {"Jenny Rosen", "Ana Souza", "Jamie Smith", "Lukas Weber", "Camille Martin",
            "Sofía Hernández", "Yuki Tanaka", "Oliver Brown"};

    private StripeEventFactory() {
    }

    /** The charge's attributes that the generator decided. */
    public record Charge(String id, String paymentIntentId, long created, Segment segment, long amount, boolean succeeded,
                         DeclineReason decline, String wallet, int customer) {
    }

    /** {@code charge.succeeded} or {@code charge.failed}. */
    public static String chargeEvent(String eventId, Charge c) {
        return event(eventId, c.succeeded() ? "charge.succeeded" : "charge.failed", c.created(), charge(c));
    }

    /** {@code payment_intent.succeeded} or {@code payment_intent.payment_failed}, sent with the charge event. */
    public static String paymentIntentEvent(String eventId, Charge c) {
        ObjectNode pi = JSON.createObjectNode();
        pi.put("id", c.paymentIntentId());
        pi.put("object", "payment_intent");
        pi.put("amount", c.amount());
        pi.put("amount_capturable", 0);
        pi.put("amount_received", c.succeeded() ? c.amount() : 0);
        pi.put("capture_method", "automatic");
        pi.put("confirmation_method", "automatic");
        pi.put("created", c.created());
        pi.put("currency", c.segment().currency());
        pi.put("customer", customerId(c));
        if (c.succeeded()) {
            pi.putNull("last_payment_error");
            pi.put("latest_charge", c.id());
        } else {
            ObjectNode error = pi.putObject("last_payment_error");
            error.put("charge", c.id());
            error.put("code", c.decline().failureCode());
            error.put("decline_code", c.decline().declineCode());
            error.put("message", message(c.decline()));
            error.put("type", "card_error");
            pi.put("latest_charge", c.id());
        }
        pi.put("livemode", true);
        pi.putObject("metadata");
        pi.put("payment_method", "pm_" + c.id().substring(3));
        pi.putArray("payment_method_types").add(c.segment().method());
        pi.put("status", c.succeeded() ? "succeeded" : "requires_payment_method");
        return event(eventId, c.succeeded() ? "payment_intent.succeeded" : "payment_intent.payment_failed", c.created(), pi);
    }

    /** {@code payout.paid} or {@code payout.failed}, sent when the payout arrived (or failed). */
    public static String payoutEvent(String eventId, String payoutId, long eventCreated, long payoutCreated, long arrivalDate,
                                     long amount, String currency, String method, boolean paid) {
        ObjectNode po = JSON.createObjectNode();
        po.put("id", payoutId);
        po.put("object", "payout");
        po.put("amount", amount);
        po.put("arrival_date", arrivalDate);
        po.put("automatic", true);
        po.put("balance_transaction", "txn_" + payoutId.substring(3));
        po.put("created", payoutCreated);
        po.put("currency", currency);
        po.put("description", "STRIPE PAYOUT");
        po.put("destination", "ba_1Pgc79B7WZ01zgkWoU5vBiXt");
        po.putNull("failure_balance_transaction");
        if (paid) {
            po.putNull("failure_code");
            po.putNull("failure_message");
        } else {
            po.put("failure_code", "account_closed");
            po.put("failure_message", "The bank account has been closed.");
        }
        po.put("livemode", true);
        po.putObject("metadata");
        po.put("method", method);
        po.putNull("original_payout");
        po.put("reconciliation_status", paid ? "completed" : "not_applicable");
        po.putNull("reversed_by");
        po.put("source_type", "card");
        po.putNull("statement_descriptor");
        po.put("status", paid ? "paid" : "failed");
        po.put("type", "bank_account");
        return event(eventId, paid ? "payout.paid" : "payout.failed", eventCreated, po);
    }

    private static ObjectNode charge(Charge c) {
        Segment s = c.segment();
        boolean ok = c.succeeded();
        ObjectNode ch = JSON.createObjectNode();
        ch.put("id", c.id());
        ch.put("object", "charge");
        ch.put("amount", c.amount());
        ch.put("amount_captured", ok ? c.amount() : 0);
        ch.put("amount_refunded", 0);
        ch.putNull("application");
        ch.putNull("application_fee_amount");
        if (ok) {
            ch.put("balance_transaction", "txn_" + c.id().substring(3));
        } else {
            ch.putNull("balance_transaction");
        }
        ObjectNode billing = ch.putObject("billing_details");
        ObjectNode address = billing.putObject("address");
        address.putNull("city");
        address.put("country", s.country());
        address.putNull("line1");
        address.putNull("line2");
        address.putNull("postal_code");
        address.putNull("state");
        String name = NAMES[c.customer() % NAMES.length];
        billing.put("email", name.toLowerCase(java.util.Locale.ROOT).replace(' ', '.').replace('í', 'i') + "@example.com");
        billing.put("name", name);
        billing.putNull("phone");
        ch.put("captured", ok);
        ch.put("created", c.created());
        ch.put("currency", s.currency());
        ch.put("customer", customerId(c));
        ch.put("description", "Order " + (c.customer() * 7919L % 1_000_000));
        ch.put("disputed", false);
        ch.putNull("failure_balance_transaction");
        if (ok) {
            ch.putNull("failure_code");
            ch.putNull("failure_message");
        } else {
            ch.put("failure_code", c.decline().failureCode());
            ch.put("failure_message", message(c.decline()));
        }
        ch.putObject("fraud_details");
        ch.put("livemode", true);
        ch.putObject("metadata");
        ObjectNode outcome = ch.putObject("outcome");
        outcome.putNull("advice_code");
        outcome.putNull("network_advice_code");
        if (ok || c.decline().networkDeclineCode() == null) {
            outcome.putNull("network_decline_code");
        } else {
            outcome.put("network_decline_code", c.decline().networkDeclineCode());
        }
        String outcomeType = ok ? "authorized" : c.decline().outcomeType();
        outcome.put("network_status", ok ? "approved_by_network"
                : "issuer_declined".equals(outcomeType) ? "declined_by_network" : "not_sent_to_network");
        if (ok) {
            outcome.putNull("reason");
        } else {
            outcome.put("reason", c.decline().declineCode());
        }
        outcome.put("risk_level", "blocked".equals(outcomeType) ? "highest" : "normal");
        outcome.put("risk_score", "blocked".equals(outcomeType) ? 91 : 8 + c.customer() % 40);
        outcome.put("seller_message", ok ? "Payment complete."
                : "blocked".equals(outcomeType) ? "Stripe blocked this payment as too risky."
                : "The bank did not return any further details with this decline.");
        outcome.put("type", outcomeType);
        ch.put("paid", ok);
        ch.put("payment_intent", c.paymentIntentId());
        ch.put("payment_method", "pm_" + c.id().substring(3));
        ObjectNode details = ch.putObject("payment_method_details");
        ObjectNode method = details.putObject(s.method());
        if (s.isCard()) {
            method.putNull("amount_authorized");
            method.put("brand", s.brand());
            ObjectNode checks = method.putObject("checks");
            checks.putNull("address_line1_check");
            checks.putNull("address_postal_code_check");
            checks.put("cvc_check", !ok && "incorrect_cvc".equals(c.decline().failureCode()) ? "fail" : "pass");
            method.put("country", s.country());
            method.put("exp_month", 1 + c.customer() % 12);
            method.put("exp_year", 2027 + c.customer() % 5);
            method.put("fingerprint", "Fp" + Integer.toHexString(c.customer() * 2654435 + 17));
            method.put("funding", s.funding());
            method.put("last4", String.format("%04d", c.customer() * 37 % 10_000));
            method.put("network", s.brand());
            if (c.wallet() == null) {
                method.putNull("wallet");
            } else {
                method.putObject("wallet").put("type", c.wallet());
            }
        } else {
            method.put("bank_code", "37040044");
            method.put("country", s.country());
            method.put("fingerprint", "Bk" + Integer.toHexString(c.customer() * 2654435 + 17));
            method.put("last4", String.format("%04d", c.customer() * 53 % 10_000));
        }
        details.put("type", s.method());
        ch.putNull("receipt_email");
        ch.put("refunded", false);
        ch.putNull("review");
        ch.putNull("shipping");
        ch.putNull("statement_descriptor");
        ch.put("status", ok ? "succeeded" : "failed");
        return ch;
    }

    private static String customerId(Charge c) {
        return String.format("cus_Sim%08d", c.customer());
    }

    private static String message(DeclineReason d) {
        return switch (d.failureCode()) {
            case "expired_card" -> "Your card has expired.";
            case "incorrect_cvc" -> "Your card's security code is incorrect.";
            case "incorrect_number" -> "Your card number is incorrect.";
            case "processing_error" -> "An error occurred while processing your card. Try again in a little bit.";
            case "insufficient_funds" -> "The account has insufficient funds to cover this payment.";
            case "debit_not_authorized" -> "The customer has notified their bank that this payment was unauthorized.";
            case "account_closed" -> "The bank account has been closed.";
            case "bank_account_restricted" -> "The bank account has restrictions on debits.";
            default -> "insufficient_funds".equals(d.declineCode()) ? "Your card has insufficient funds."
                    : "Your card was declined.";
        };
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
        request.put("id", "req_" + eventId.substring(4));
        request.putNull("idempotency_key");
        ev.put("type", type);
        try {
            return JSON.writeValueAsString(ev);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values always serializes", e);
        }
    }
}
