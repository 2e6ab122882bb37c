package io.paypulse.flink.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

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
 * @param payload          the webhook body as UTF-8 JSON bytes, exactly as Stripe sent it: not yet
 *                         parsed or redacted. Bytes, not text, because the body crosses the network
 *                         once (to deduplication), and Flink copies a byte array far faster than it
 *                         encodes a string.
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
        byte[] payload) {

    /** An event whose body is given as text. */
    public StripeEvent(String eventId, String type, long created, String apiVersion, String account,
                       boolean livemode, long receivedAtMillis, String bridgeInstance, String payload) {
        this(eventId, type, created, apiVersion, account, livemode, receivedAtMillis, bridgeInstance,
                payload.getBytes(StandardCharsets.UTF_8));
    }

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

    // A record compares arrays by reference; two events are equal when their bodies hold the same bytes.
    @Override
    public boolean equals(Object o) {
        return o instanceof StripeEvent e && e.created == created && e.livemode == livemode
                && e.receivedAtMillis == receivedAtMillis && e.eventId.equals(eventId) && e.type.equals(type)
                && e.apiVersion.equals(apiVersion) && e.account.equals(account)
                && e.bridgeInstance.equals(bridgeInstance) && Arrays.equals(e.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, type, created, apiVersion, account, livemode, receivedAtMillis, bridgeInstance)
                * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "StripeEvent[eventId=" + eventId + ", type=" + type + ", created=" + created + ", account=" + account
                + ", receivedAtMillis=" + receivedAtMillis + ", payloadBytes=" + payload.length + "]";
    }
}
