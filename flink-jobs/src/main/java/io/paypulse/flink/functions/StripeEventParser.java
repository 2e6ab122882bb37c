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
        ParsedEvent parsed = parse(event, reader);
        boolean attemptType = PaymentAttemptExtractor.isAttempt(event.type());
        boolean payoutType = PayoutSettlementExtractor.isPayout(event.type());
        if (!parsed.stored() || attemptType && parsed.attempt() == null || payoutType && parsed.payout() == null) {
            malformed.inc();
        } else if (!attemptType && !payoutType) {
            rawOnly.inc();
        }
        out.collect(parsed);
    }

    /**
     * The event after its one parse with {@code reader}: the stored row (not stored when the body is
     * no JSON object) and the attempt or payout it reports, {@code null} where it reports none or
     * lacks what one needs.
     */
    public static ParsedEvent parse(StripeEvent event, EventBodyReader reader) {
        Optional<EventBody> read = reader.read(event.payload());
        if (read.isEmpty()) {
            return new ParsedEvent(StripeEventRow.of(event, event.type(), ""), false, null, null);
        }
        EventBody body = read.get();
        PaymentAttempt attempt = PaymentAttemptExtractor.isAttempt(event.type())
                ? PaymentAttemptExtractor.attempt(event, body).orElse(null) : null;
        PayoutSettlement payout = PayoutSettlementExtractor.isPayout(event.type())
                ? PayoutSettlementExtractor.settlement(event, body).orElse(null) : null;
        return new ParsedEvent(StripeEventRow.of(event, event.type(), body.stored()), true, attempt, payout);
    }
}
