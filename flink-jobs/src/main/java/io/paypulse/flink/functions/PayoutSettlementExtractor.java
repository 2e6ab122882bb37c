package io.paypulse.flink.functions;

import io.paypulse.flink.model.PayoutSettlement;
import io.paypulse.flink.model.StripeEvent;
import io.paypulse.schemas.PlausibleTimes;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Makes {@link PayoutSettlement}s of {@code payout.paid} and {@code payout.failed} events. A missing
 * {@code method} reads as {@code standard}, Stripe's default.
 */
public final class PayoutSettlementExtractor {

    static final String PAYOUT_PAID = "payout.paid";
    static final String PAYOUT_FAILED = "payout.failed";

    private PayoutSettlementExtractor() {
    }

    public static boolean isPayout(String type) {
        return PAYOUT_PAID.equals(type) || PAYOUT_FAILED.equals(type);
    }

    /**
     * The settlement a payout event reports, or empty when its {@code data.object} lacks id,
     * currency, created or arrival_date, or when created or arrival_date is out of range
     * ({@link PlausibleTimes}): a date in milliseconds would turn one window's settlement mean and
     * maximum into centuries, for good.
     */
    public static Optional<PayoutSettlement> settlement(StripeEvent event, EventBody payout) {
        String id = payout.text("id");
        String currency = payout.text("currency");
        OptionalLong created = payout.integer("created");
        OptionalLong arrival = payout.integer("arrival_date");
        if (id.isEmpty() || currency.isEmpty() || created.isEmpty() || arrival.isEmpty()
                || !PlausibleTimes.isPlausibleSeconds(created.getAsLong())
                || !PlausibleTimes.isPlausibleSeconds(arrival.getAsLong())) {
            return Optional.empty();
        }
        String method = payout.text("method");
        boolean paid = PAYOUT_PAID.equals(event.type());
        return Optional.of(new PayoutSettlement(id, event.eventId(), paid,
                currency.toLowerCase(Locale.ROOT), method.isEmpty() ? "standard" : method,
                created.getAsLong(), arrival.getAsLong(), payout.integer("amount").orElse(0),
                paid ? "" : payout.text("failure_code")));
    }
}
