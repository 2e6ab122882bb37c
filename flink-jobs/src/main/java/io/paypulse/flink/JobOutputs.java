package io.paypulse.flink;

import io.paypulse.flink.model.DeclineRateWindow;
import io.paypulse.flink.model.LateEvent;
import io.paypulse.flink.model.PaymentAttempt;
import io.paypulse.flink.model.PayoutRow;
import io.paypulse.flink.model.SettlementTimeWindow;
import io.paypulse.flink.model.StripeEventRow;
import io.paypulse.flink.model.WebhookLatencyWindow;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The row streams of the payment health job, one per ClickHouse table. Window streams carry every
 * firing of a window (on time, then once per late event), each with a larger version.
 *
 * @param rawEvents       {@code stripe_events}: one row per event id, payload redacted
 * @param paymentAttempts {@code payment_attempts}: one row per charge outcome
 * @param declineRates    {@code decline_rates_1m}: per window and dimension key
 * @param webhookLatency  {@code webhook_latency_1m}: per window, overall and per event type
 * @param settlementTimes {@code settlement_times_1m}: per window, overall and per currency and method
 * @param lateEvents      {@code late_events}: events too late for any window
 * @param payouts         {@code payouts}: one row per payout event; the latest status wins per payout id
 */
public record JobOutputs(
        DataStream<StripeEventRow> rawEvents,
        DataStream<PaymentAttempt> paymentAttempts,
        DataStream<DeclineRateWindow> declineRates,
        DataStream<WebhookLatencyWindow> webhookLatency,
        DataStream<SettlementTimeWindow> settlementTimes,
        DataStream<LateEvent> lateEvents,
        DataStream<PayoutRow> payouts) {
}
