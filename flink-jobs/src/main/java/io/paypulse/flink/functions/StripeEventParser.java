package io.paypulse.flink.functions;

import io.paypulse.flink.config.RedactionPolicy;
import io.paypulse.flink.model.ParsedEvent;
import io.paypulse.flink.model.PaymentAttempt;
import io.paypulse.flink.model.PayoutSettlement;
import io.paypulse.flink.model.StripeEvent;
import io.paypulse.flink.model.StripeEventRow;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

import java.util.Optional;

/**
 * Parses each deduplicated event once ({@link EventBodyReader}): its redacted {@code stripe_events}
 * row, and the payment attempt or payout settlement it reports. Counted as malformed, once each:
 * a body that is not a JSON object (it can be neither redacted nor read, so it is not stored, but
 * its envelope is sound and its delivery latency still counts), and a charge or payout event whose
 * {@code data.object} lacks what an attempt or settlement needs (its raw row is still stored).
 */
public class StripeEventParser extends RichFlatMapFunction<StripeEvent, ParsedEvent> {

    private static final long serialVersionUID = 1L;

    private final RedactionPolicy policy;
    private transient EventBodyReader reader;
    private transient Counter malformed;
    private transient Counter rawOnly;

    public StripeEventParser(RedactionPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void open(OpenContext openContext) {
        reader = new EventBodyReader(policy);
        malformed = getRuntimeContext().getMetricGroup().counter(JobMetrics.EVENTS_MALFORMED);
        rawOnly = getRuntimeContext().getMetricGroup().counter(JobMetrics.EVENTS_RAW_ONLY);
    }

    @Override
    public void flatMap(StripeEvent event, Collector<ParsedEvent> out) {
        Optional<EventBody> read = reader.read(event.payload());
        if (read.isEmpty()) {
            malformed.inc();
            out.collect(new ParsedEvent(row(event, ""), false, null, null));
            return;
        }
        EventBody body = read.get();
        PaymentAttempt attempt = null;
        PayoutSettlement payout = null;
        if (PaymentAttemptExtractor.isAttempt(event.type())) {
            attempt = PaymentAttemptExtractor.attempt(event, body).orElse(null);
            if (attempt == null) {
                malformed.inc();
            }
        } else if (PayoutSettlementExtractor.isPayout(event.type())) {
            payout = PayoutSettlementExtractor.settlement(event, body).orElse(null);
            if (payout == null) {
                malformed.inc();
            }
        } else {
            rawOnly.inc();
        }
        out.collect(new ParsedEvent(row(event, body.stored()), true, attempt, payout));
    }

    private static StripeEventRow row(StripeEvent event, String payload) {
        return new StripeEventRow(event.eventId(), event.type(), event.created(), event.apiVersion(), event.account(),
                event.livemode(), event.receivedAtMillis(), event.bridgeInstance(), payload, 0L);
    }
}
