package io.paypulse.schemas;

import java.util.Set;

/**
 * Kafka header names and values of the record envelope, version 1 (see {@code envelope/README.md}).
 * The JSON Schemas in {@code envelope/} are the contract; a unit test keeps these constants equal to them.
 */
public final class EnvelopeHeaders {

    /** Value of {@link #ENVELOPE_VERSION} written by this code. */
    public static final String VERSION = "1";

    /** Classpath location of the {@code stripe.events} header schema. */
    public static final String EVENT_SCHEMA_RESOURCE =
            ClasspathContracts.PREFIX + "envelope/stripe-event-envelope.v1.schema.json";

    /** Classpath location of the {@code stripe.events.dlq} header schema. */
    public static final String DLQ_SCHEMA_RESOURCE =
            ClasspathContracts.PREFIX + "envelope/stripe-event-dlq-envelope.v1.schema.json";

    /** Envelope contract version, {@value #VERSION}; on both topics. */
    public static final String ENVELOPE_VERSION = "paypulse.envelope.version";

    /** Stripe event id; equal to the record key. */
    public static final String EVENT_ID = "stripe.event.id";

    /** Stripe event type, e.g. {@code charge.succeeded}. */
    public static final String EVENT_TYPE = "stripe.event.type";

    /** Event creation time at Stripe, epoch seconds as decimal text. */
    public static final String EVENT_CREATED = "stripe.event.created";

    /** Stripe API version of the payload; absent when the event has none. */
    public static final String EVENT_API_VERSION = "stripe.event.api_version";

    /** Connect account id; absent when the event has none. */
    public static final String EVENT_ACCOUNT = "stripe.event.account";

    /** {@code true} or {@code false}. */
    public static final String EVENT_LIVEMODE = "stripe.event.livemode";

    /** Bridge clock at receipt, epoch milliseconds as decimal text; on both topics. */
    public static final String RECEIVED_AT = "paypulse.received_at";

    /** Id of the bridge instance that received the webhook; on both topics. */
    public static final String BRIDGE_INSTANCE = "paypulse.bridge.instance";

    /** Why a body went to the DLQ, a machine code such as {@link #DLQ_REASON_INVALID_JSON}. */
    public static final String DLQ_REASON = "paypulse.dlq.reason";

    /** One human-readable sentence on what was wrong with a DLQ body. */
    public static final String DLQ_DETAIL = "paypulse.dlq.detail";

    /** DLQ reason: the body is not a JSON object. */
    public static final String DLQ_REASON_INVALID_JSON = "invalid_json";

    /** DLQ reason: the body has no usable {@code id}. */
    public static final String DLQ_REASON_MISSING_ID = "missing_id";

    /** DLQ reason: the body has no usable {@code type}. */
    public static final String DLQ_REASON_MISSING_TYPE = "missing_type";
    public static final String DLQ_REASON_MISSING_CREATED = "missing_created";

    /** Headers every {@code stripe.events} record carries. */
    public static final Set<String> EVENT_REQUIRED = Set.of(
            ENVELOPE_VERSION, EVENT_ID, EVENT_TYPE, EVENT_CREATED, EVENT_LIVEMODE, RECEIVED_AT, BRIDGE_INSTANCE);

    /** Headers a {@code stripe.events} record carries only when the event has the field. */
    public static final Set<String> EVENT_OPTIONAL = Set.of(EVENT_API_VERSION, EVENT_ACCOUNT);

    /** Headers every {@code stripe.events.dlq} record carries (there are no optional ones). */
    public static final Set<String> DLQ_REQUIRED =
            Set.of(ENVELOPE_VERSION, DLQ_REASON, DLQ_DETAIL, RECEIVED_AT, BRIDGE_INSTANCE);

    /** DLQ reason codes this version of the code knows; others may appear. */
    public static final Set<String> DLQ_KNOWN_REASONS =
            Set.of(DLQ_REASON_INVALID_JSON, DLQ_REASON_MISSING_ID, DLQ_REASON_MISSING_TYPE,
                    DLQ_REASON_MISSING_CREATED);

    private EnvelopeHeaders() {
    }
}
