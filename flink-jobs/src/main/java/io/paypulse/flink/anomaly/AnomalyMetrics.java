package io.paypulse.flink.anomaly;

/** Names of the anomaly detection's counters (Prometheus: {@code flink_taskmanager_job_task_operator_<name>}). */
public final class AnomalyMetrics {

    /** Late re-firings of a window a detector had already judged: ignored, baselines see each window once. */
    public static final String WINDOW_REFIRES_IGNORED = "paypulse_detector_window_refires_ignored";

    /** Series windows a detector flagged. */
    public static final String ANOMALOUS_WINDOWS = "paypulse_detector_anomalous_windows";

    /** Incidents opened (each pages once, unless it reopened within its cooldown). */
    public static final String INCIDENTS_OPENED = "paypulse_incidents_opened";

    /**
     * Anomalies that would have opened an incident while a family already had the most open incidents
     * it tracks (64): counted, not tracked. Open incidents are never dropped to make room.
     */
    public static final String INCIDENTS_OVER_CAPACITY = "paypulse_incidents_over_capacity";

    /** Incidents resolved after enough normal windows. */
    public static final String INCIDENTS_RESOLVED = "paypulse_incidents_resolved";

    /**
     * Alerts PagerDuty accepted, and alerts not delivered: refused for good (a 4xx), or not yet accepted
     * after {@code PAGERDUTY_MAX_ATTEMPTS} requests (those stay in the outbox and are still retried).
     */
    public static final String ALERTS_DELIVERED = "paypulse_alerts_delivered";
    public static final String ALERTS_UNDELIVERED = "paypulse_alerts_undelivered";

    /** Alerts waiting in the PagerDuty outbox: 0 unless PagerDuty is slow, failing or rate limiting. */
    public static final String ALERTS_PENDING = "paypulse_alerts_pending";

    private AnomalyMetrics() {
    }
}
