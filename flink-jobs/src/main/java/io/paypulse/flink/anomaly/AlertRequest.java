package io.paypulse.flink.anomaly;

/**
 * An alert the incident tracker decided to send: a PagerDuty trigger or resolve for one incident, or
 * a record that a reopened incident was not paged again (suppressed).
 *
 * @param action            {@code trigger}, {@code resolve} or {@code suppressed}
 * @param timestampMillis   event time of what the alert is about (the window that opened or resolved it)
 * @param customDetailsJson a JSON object with the numbers
 */
public record AlertRequest(
        String action,
        String dedupKey,
        String incidentId,
        String summary,
        String severity,
        long timestampMillis,
        String component,
        String group,
        String eventClass,
        String customDetailsJson) {

    public static final String TRIGGER = "trigger";
    public static final String RESOLVE = "resolve";
    public static final String SUPPRESSED = "suppressed";

    /** PagerDuty's dedup key of an incident. */
    public static String dedupKey(String incidentId) {
        return "paypulse-" + incidentId;
    }
}
