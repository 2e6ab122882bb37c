package io.paypulse.flink.model;

/**
 * One Stripe event as it arrives from {@code stripe.events}: the envelope from the record headers and
 * the webhook body exactly as Stripe sent it.
 *
 * @param eventId          Stripe event id ({@code evt_...}), the Kafka key
 * @param type             event type, e.g. {@code charge.succeeded}
 * @param created          when Stripe created the event, epoch seconds; the job's event time
 * @param apiVersion       Stripe API version of the payload, {@code ""} when none
 * @param account          Connect account id, {@code ""} for the platform itself
 * @param livemode         {@code false} for test-mode events
 * @param receivedAtMillis bridge clock when the webhook arrived, epoch milliseconds
 * @param bridgeInstance   id of the bridge instance that received it
 * @param payload          the webhook body (JSON text), not yet redacted
 */
public record StripeEvent(
        String eventId,
        String type,
        long created,
        String apiVersion,
        String account,
        boolean livemode,
        long receivedAtMillis,
        String bridgeInstance,
        String payload) {

    /** Event time in the unit Flink uses, epoch milliseconds. */
    public long createdMillis() {
        return created * 1000L;
    }

    /**
     * Webhook delivery latency in milliseconds: bridge receipt minus Stripe's {@code created}. Stripe
     * gives {@code created} in whole seconds, so this over-states the latency by up to one second.
     */
    public long latencyMillis() {
        return receivedAtMillis - createdMillis();
    }
}
