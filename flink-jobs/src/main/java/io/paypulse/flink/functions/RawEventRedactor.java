package io.paypulse.flink.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paypulse.flink.config.RedactionPolicy;
import io.paypulse.flink.model.StripeEvent;
import io.paypulse.flink.model.StripeEventRow;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

import java.util.Optional;
import java.util.Set;

/**
 * Makes the {@code stripe_events} row of each event, its payload redacted under the policy. A body
 * that is not a JSON object cannot be redacted, so it is counted as malformed and not stored.
 */
public class RawEventRedactor extends RichFlatMapFunction<StripeEvent, StripeEventRow> {

    private static final long serialVersionUID = 1L;

    /** Types some derived table uses; all others are counted as raw-only. */
    static final Set<String> DERIVED_TYPES = Set.of(PaymentAttemptExtractor.CHARGE_SUCCEEDED,
            PaymentAttemptExtractor.CHARGE_FAILED, PayoutSettlementExtractor.PAYOUT_PAID,
            PayoutSettlementExtractor.PAYOUT_FAILED);

    private final RedactionPolicy policy;
    private transient Counter malformed;
    private transient Counter rawOnly;

    public RawEventRedactor(RedactionPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void open(OpenContext openContext) {
        malformed = getRuntimeContext().getMetricGroup().counter(JobMetrics.EVENTS_MALFORMED);
        rawOnly = getRuntimeContext().getMetricGroup().counter(JobMetrics.EVENTS_RAW_ONLY);
    }

    @Override
    public void flatMap(StripeEvent event, Collector<StripeEventRow> out) throws JsonProcessingException {
        Optional<ObjectNode> body = StripeJson.parseObject(event.payload());
        if (body.isEmpty()) {
            malformed.inc();
            return;
        }
        if (!DERIVED_TYPES.contains(event.type())) {
            rawOnly.inc();
        }
        String payload = event.payload();
        if (policy.enabled()) {
            policy.apply(body.get());
            payload = StripeJson.MAPPER.writeValueAsString(body.get());
        }
        out.collect(new StripeEventRow(event.eventId(), event.type(), event.created(), event.apiVersion(),
                event.account(), event.livemode(), event.receivedAtMillis(), event.bridgeInstance(), payload, 0L));
    }
}
