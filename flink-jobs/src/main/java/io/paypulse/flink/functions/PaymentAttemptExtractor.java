package io.paypulse.flink.functions;

import io.paypulse.flink.model.PaymentAttempt;
import io.paypulse.flink.model.StripeEvent;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Makes {@link PaymentAttempt}s of {@code charge.succeeded} and {@code charge.failed} events.
 * PaymentIntent events are not attempts: the charge events already count each try once.
 */
public final class PaymentAttemptExtractor {

    static final String CHARGE_SUCCEEDED = "charge.succeeded";
    static final String CHARGE_FAILED = "charge.failed";

    private PaymentAttemptExtractor() {
    }

    public static boolean isAttempt(String type) {
        return CHARGE_SUCCEEDED.equals(type) || CHARGE_FAILED.equals(type);
    }

    /**
     * The attempt a charge event reports, or empty when its {@code data.object} lacks a field every
     * attempt needs (charge id, amount, currency).
     */
    public static Optional<PaymentAttempt> attempt(StripeEvent event, EventBody charge) {
        String chargeId = charge.text("id");
        String currency = charge.text("currency");
        OptionalLong amount = charge.integer("amount");
        if (chargeId.isEmpty() || currency.isEmpty() || amount.isEmpty()) {
            return Optional.empty();
        }
        String methodType = charge.text("payment_method_details.type");
        // Card attributes sit under payment_method_details.<type>; only cards (and card-present) have them.
        String detailsOf = methodType.isEmpty() ? "card" : methodType;
        boolean succeeded = CHARGE_SUCCEEDED.equals(event.type());
        return Optional.of(new PaymentAttempt(
                chargeId,
                event.eventId(),
                succeeded ? PaymentAttempt.APPROVED : PaymentAttempt.FAILED,
                amount.getAsLong(),
                currency.toLowerCase(Locale.ROOT),
                methodType,
                charge.methodDetail(detailsOf, "brand"),
                charge.methodDetail(detailsOf, "country"),
                charge.methodDetail(detailsOf, "funding"),
                charge.text("outcome.type"),
                succeeded ? "" : charge.text("failure_code"),
                charge.text("outcome.network_decline_code"),
                event.account(),
                event.created()));
    }
}
