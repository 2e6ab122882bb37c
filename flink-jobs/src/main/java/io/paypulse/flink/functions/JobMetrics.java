package io.paypulse.flink.functions;

/**
 * Names of the job's own counters, registered on the operator that decides each case. Prometheus
 * sees them as {@code flink_taskmanager_job_task_operator_<name>}.
 */
public final class JobMetrics {

    /**
     * Records skipped because they are not usable: an envelope header missing or invalid, a payload
     * that is not a JSON object, or a charge or payout event without the fields its metrics need.
     */
    public static final String EVENTS_MALFORMED = "paypulse_events_malformed";

    /** Redeliveries of an event id already seen within the deduplication retention. */
    public static final String EVENTS_DUPLICATE = "paypulse_events_duplicate";

    /** Events later than the allowed lateness: written to {@code late_events}, counted in no window. */
    public static final String EVENTS_TOO_LATE = "paypulse_events_too_late";

    /** Events of a type no derived table uses: kept in {@code stripe_events} (and webhook latency) only. */
    public static final String EVENTS_RAW_ONLY = "paypulse_events_raw_only";

    /**
     * Events of the mode {@code PAYPULSE_LIVEMODE} does not count (test-mode events of connected
     * accounts, in production): stored in {@code stripe_events}, left out of every metric.
     */
    public static final String EVENTS_OTHER_MODE = "paypulse_events_other_mode";

    private JobMetrics() {
    }
}
