package io.paypulse.flink.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paypulse.flink.model.PaymentAttempt;
import io.paypulse.flink.model.StripeEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

import java.util.Optional;

/**
 * Turns {@code charge.succeeded} and {@code charge.failed} events into {@link PaymentAttempt}s.
 * Every other type, PaymentIntent events included, is not an attempt and passes without a trace. A
 * charge event without a charge id, amount or currency is counted as malformed and skipped.
 */
public class PaymentAttemptExtractor extends RichFlatMapFunction<StripeEvent, PaymentAttempt> {

    private static final long serialVersionUID = 1L;

    static final String CHARGE_SUCCEEDED = "charge.succeeded";
    static final String CHARGE_FAILED = "charge.failed";

    private transient Counter malformed;

    @Override
    public void open(OpenContext openContext) {
        malformed = getRuntimeContext().getMetricGroup().counter(JobMetrics.EVENTS_MALFORMED);
    }

    @Override
    public void flatMap(StripeEvent event, Collector<PaymentAttempt> out) {
        if (!isAttempt(event.type())) {
            return;
        }
        Optional<PaymentAttempt> attempt = StripeJson.dataObject(event.payload()).flatMap(charge -> attempt(event, charge));
        if (attempt.isPresent()) {
            out.collect(attempt.get());
        } else {
            malformed.inc();
        }
    }

    static boolean isAttempt(String type) {
        return CHARGE_SUCCEEDED.equals(type) || CHARGE_FAILED.equals(type);
    }

    /** The attempt in {@code charge}, or empty when a field every attempt needs is missing. */
    static Optional<PaymentAttempt> attempt(StripeEvent event, ObjectNode charge) {
        String chargeId = StripeJson.text(charge, "id");
        String currency = StripeJson.text(charge, "currency");
        Optional<Long> amount = StripeJson.integer(charge, "amount");
        if (chargeId.isEmpty() || currency.isEmpty() || amount.isEmpty()) {
            return Optional.empty();
        }
        JsonNode details = charge.path("payment_method_details");
        String methodType = StripeJson.text(details, "type");
        // Card attributes sit under payment_method_details.<type>; only cards (and card-present) have them.
        JsonNode card = methodType.isEmpty() ? details.path("card") : details.path(methodType);
        boolean succeeded = CHARGE_SUCCEEDED.equals(event.type());
        return Optional.of(new PaymentAttempt(
                chargeId,
                event.eventId(),
                succeeded ? PaymentAttempt.APPROVED : PaymentAttempt.FAILED,
                amount.get(),
                currency.toLowerCase(java.util.Locale.ROOT),
                methodType,
                StripeJson.text(card, "brand"),
                StripeJson.text(card, "country"),
                StripeJson.text(card, "funding"),
                StripeJson.text(charge, "outcome", "type"),
                succeeded ? "" : StripeJson.text(charge, "failure_code"),
                StripeJson.text(charge, "outcome", "network_decline_code"),
                event.account(),
                event.created()));
    }
}
