package io.paypulse.flink.bench;

import io.paypulse.flink.model.StripeEvent;
import io.paypulse.flink.model.StripeEventRow;
import org.apache.flink.api.common.functions.MapFunction;

import java.nio.charset.StandardCharsets;

/**
 * The store-only job's work on each event: the parse-only job's parse of the body ({@link BodyTokens}),
 * then the event as a {@code stripe_events} row with its body as received: not redacted, not deduplicated.
 */
final class StoredAsReceived implements MapFunction<StripeEvent, StripeEventRow> {

    private static final long serialVersionUID = 1L;

    private final BodyTokens tokens = new BodyTokens();

    @Override
    public StripeEventRow map(StripeEvent e) {
        // The token count decides the type column's value for a body that is not JSON, so the parse is not dead code.
        String type = tokens.map(e) < 0 ? "malformed" : e.type();
        return StripeEventRow.of(e, type, new String(e.payload(), StandardCharsets.UTF_8));
    }
}
