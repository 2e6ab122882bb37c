package io.paypulse.flink.anomaly;

/** Names of the anomaly detection's counters (Prometheus: {@code flink_taskmanager_job_task_operator_<name>}). */
public final class AnomalyMetrics {

    /** Late re-firings of a window a detector had already judged: ignored, baselines see each window once. */
    public static final String WINDOW_REFIRES_IGNORED = "paypulse_detector_window_refires_ignored";

    /** Series windows a detector flagged. */
    public static final String ANOMALOUS_WINDOWS = "paypulse_detector_anomalous_windows";

    /** Incidents opened (each pages once, unless it reopened within its cooldown). */
    public static final String INCIDENTS_OPENED = "paypulse_incidents_opened";

    /** Incidents resolved after enough normal windows. */
    public static final String INCIDENTS_RESOLVED = "paypulse_incidents_resolved";

    /** Alerts PagerDuty accepted, and alerts that could not be delivered (rejected or retries exhausted). */
    public static final String ALERTS_DELIVERED = "paypulse_alerts_delivered";
    public static final String ALERTS_UNDELIVERED = "paypulse_alerts_undelivered";

    private AnomalyMetrics() {
    }
}
