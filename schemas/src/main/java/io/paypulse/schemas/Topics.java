package io.paypulse.schemas;

/**
 * Names of the Kafka topics defined in {@code kafka/topics.json}, for code that produces to or
 * consumes from them; a unit test keeps these equal to the spec file.
 */
public final class Topics {

    /** Verified Stripe webhook deliveries, one record per delivery, keyed by event id. */
    public static final String STRIPE_EVENTS = "stripe.events";

    /** Webhook bodies that could not become a {@link #STRIPE_EVENTS} record. */
    public static final String STRIPE_EVENTS_DLQ = "stripe.events.dlq";

    /** Counter and gauge snapshots of the bridge and the job, one JSON record per metric row; see {@link PipelineMetrics}. */
    public static final String PAYPULSE_METRICS = "paypulse.metrics";

    private Topics() {
    }
}
