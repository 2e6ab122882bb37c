package io.paypulse.flink.anomaly;

import java.time.Instant;
import java.util.List;

/**
 * A row of ClickHouse {@code alerts}: one request to PagerDuty and its answer, or the record of an
 * alert that was not sent (no routing key, or suppressed).
 *
 * @param attempt     1-based; 0 when nothing was sent
 * @param sentAtMillis when the request went out (or the decision was taken)
 * @param status      of the whole send: delivered, rejected, failed, not_sent or suppressed
 * @param httpStatus  PagerDuty's answer to this attempt; 0 for none
 */
public record AlertRecord(
        String dedupKey,
        String incidentId,
        String action,
        int attempt,
        long sentAtMillis,
        String status,
        int httpStatus,
        String response,
        String error,
        String severity,
        String summary) {

    public static final String TABLE = "alerts";

    public static final List<String> COLUMNS = List.of("dedup_key", "incident_id", "action", "attempt", "sent_at",
            "status", "http_status", "response", "error", "severity", "summary");

    public Object[] toColumnValues() {
        return new Object[] {dedupKey, incidentId, action, attempt, Instant.ofEpochMilli(sentAtMillis), status,
                httpStatus, response, error, severity, summary};
    }
}
