package io.paypulse.flink.bench;

import java.util.Objects;

/**
 * One webhook delivery as the ingest bridge puts it on {@code stripe.events}: the envelope fields it
 * reads from the body and its own clock, and Stripe's body unchanged. A redelivery repeats the event
 * id and body with a later {@code receivedAtMillis}.
 *
 * @param eventId          Stripe event id, the record key
 * @param type             event type, e.g. {@code charge.succeeded}
 * @param created          event {@code created}, epoch seconds
 * @param apiVersion       event {@code api_version}, {@code ""} when none (no header then)
 * @param account          Connect account id, {@code ""} for the platform (no header then)
 * @param receivedAtMillis bridge clock at receipt, epoch milliseconds
 * @param body             the webhook body, JSON text
 */
public record WebhookDelivery(String eventId, String type, long created, String apiVersion, String account,
                              long receivedAtMillis, String body) {

    public WebhookDelivery {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(apiVersion, "apiVersion (use \"\" for none)");
        Objects.requireNonNull(account, "account (use \"\" for the platform)");
        Objects.requireNonNull(body, "body");
    }
}
