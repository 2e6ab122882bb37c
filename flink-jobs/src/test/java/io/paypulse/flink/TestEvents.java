package io.paypulse.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paypulse.flink.config.RedactionPolicy;
import io.paypulse.flink.functions.EventBodyReader;
import io.paypulse.flink.functions.StripeEventParser;
import io.paypulse.flink.model.ParsedEvent;
import io.paypulse.flink.model.StripeEvent;
import io.paypulse.infra.stripe.StripeEventSamples;

import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@link StripeEvent}s for tests, wrapped around bodies from {@link StripeEventSamples} the way the
 * bridge wraps them: envelope fields read from the body, {@code received_at} chosen by the test.
 */
public final class TestEvents {

    /** A minute boundary (2023-11-14T22:14:00Z), so windows start at {@code T0 + 60 * n}. */
    public static final long T0 = 1_700_000_040L;

    public static final long DAY = 86_400;

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestEvents() {
    }

    /**
     * {@code event} as the job's parse makes it, with the default redaction: for tests of what runs
     * after the parse.
     */
    public static ParsedEvent parsed(StripeEvent event) {
        return StripeEventParser.parse(event, new EventBodyReader(RedactionPolicy.defaults(List.of())));
    }

    /** Two minutes of attempts, a PaymentIntent that is not one, and payouts. */
    public static List<StripeEvent> scripted() {
        return List.of(
                succeeded("a1", T0 + 1, "visa", "US", "usd"),
                failed("a2", T0 + 5, "visa", "US", "usd", "card_declined", "05"),
                succeeded("a3", T0 + 10, "mastercard", "GB", "eur"),
                failed("a4", T0 + 20, "mastercard", "US", "usd", "insufficient_funds", "51"),
                of(StripeEventSamples.paymentIntent("evt_a5", "payment_intent.payment_failed", "pi_a4",
                        T0 + 21, 1000, "usd"), 100),
                succeeded("b1", T0 + 61, "visa", "US", "usd"),
                failed("b2", T0 + 70, "visa", "BR", "brl", "card_declined", "05"),
                payout("b3", "payout.paid", T0 + 80, 2 * DAY, "usd", "standard"),
                payout("b4", "payout.paid", T0 + 81, DAY, "usd", "standard"),
                payout("b5", "payout.failed", T0 + 82, 5 * DAY, "usd", "standard"),
                payout("b6", "payout.paid", T0 + 83, 1800, "eur", "instant"));
    }

    /** The event of {@code body}, received {@code latencyMillis} after its {@code created}. */
    public static StripeEvent of(String body, long latencyMillis) {
        try {
            JsonNode node = JSON.readTree(body);
            long created = node.path("created").asLong();
            return new StripeEvent(node.path("id").asText(), node.path("type").asText(), created,
                    node.path("api_version").asText(""), node.path("account").asText(""), node.path("livemode").asBoolean(),
                    created * 1000 + latencyMillis, "bridge-test", body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code body} as a Connect platform receives it for a connected account: with top-level {@code account}. */
    public static String forAccount(String body, String account) {
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(body);
            event.put("account", account);
            return JSON.writeValueAsString(event);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An event with hand-written envelope fields and body, for shapes the samples do not make. */
    public static StripeEvent raw(String eventId, String type, long created, String body) {
        return new StripeEvent(eventId, type, created, StripeEventSamples.API_VERSION, "", true,
                created * 1000 + 250, "bridge-test", body);
    }

    public static StripeEvent succeeded(String id, long created, String brand, String country, String currency) {
        return of(StripeEventSamples.chargeSucceeded("evt_" + id, "ch_" + id, created, brand, country, 1000, currency), 300);
    }

    public static StripeEvent failed(String id, long created, String brand, String country, String currency,
                                     String failureCode, String networkDeclineCode) {
        return of(StripeEventSamples.chargeFailed("evt_" + id, "ch_" + id, created, brand, country, 1000, currency,
                failureCode, networkDeclineCode), 300);
    }

    public static StripeEvent payout(String id, String type, long created, long settlementSeconds, String currency,
                                     String method) {
        return of(StripeEventSamples.payout("evt_" + id, type, "po_" + id, created, created + settlementSeconds, 5000,
                currency, method), 300);
    }
}
