package io.paypulse.flink.functions;

import io.paypulse.flink.model.PayoutSettlement;
import io.paypulse.flink.model.StripeEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

import java.util.Locale;
import java.util.Optional;

/**
 * Turns {@code payout.paid} and {@code payout.failed} events into {@link PayoutSettlement}s; other
 * types pass without a trace. A payout event without id, currency, created or arrival_date is
 * counted as malformed and skipped. A missing {@code method} reads as {@code standard}, Stripe's default.
 */
public class PayoutSettlementExtractor extends RichFlatMapFunction<StripeEvent, PayoutSettlement> {

    private static final long serialVersionUID = 1L;

    static final String PAYOUT_PAID = "payout.paid";
    static final String PAYOUT_FAILED = "payout.failed";

    private transient Counter malformed;

    @Override
    public void open(OpenContext openContext) {
        malformed = getRuntimeContext().getMetricGroup().counter(JobMetrics.EVENTS_MALFORMED);
    }

    @Override
    public void flatMap(StripeEvent event, Collector<PayoutSettlement> out) {
        if (!PAYOUT_PAID.equals(event.type()) && !PAYOUT_FAILED.equals(event.type())) {
            return;
        }
        Optional<PayoutSettlement> settlement = StripeJson.dataObject(event.payload()).flatMap(payout -> {
            String id = StripeJson.text(payout, "id");
            String currency = StripeJson.text(payout, "currency");
            Optional<Long> created = StripeJson.integer(payout, "created");
            Optional<Long> arrival = StripeJson.integer(payout, "arrival_date");
            if (id.isEmpty() || currency.isEmpty() || created.isEmpty() || arrival.isEmpty()) {
                return Optional.empty();
            }
            String method = StripeJson.text(payout, "method");
            return Optional.of(new PayoutSettlement(id, event.eventId(), PAYOUT_PAID.equals(event.type()),
                    currency.toLowerCase(Locale.ROOT), method.isEmpty() ? "standard" : method,
                    created.get(), arrival.get()));
        });
        if (settlement.isPresent()) {
            out.collect(settlement.get());
        } else {
            malformed.inc();
        }
    }
}
