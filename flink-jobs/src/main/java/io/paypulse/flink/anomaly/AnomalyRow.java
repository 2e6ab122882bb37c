package io.paypulse.flink.anomaly;

import java.time.Instant;
import java.util.List;

/**
 * A row of ClickHouse {@code anomalies}: one anomalous series episode within an incident.
 *
 * @param windowStart epoch seconds of the worst window so far
 * @param openedAt    epoch seconds of the first anomalous window
 * @param resolvedAt  epoch seconds of the window that resolved the incident; 0 while open
 * @param version     grows with every update of the row; the same on every replay of the same verdicts
 */
public record AnomalyRow(
        String id,
        String incidentId,
        String metric,
        String dimensionSet,
        String dimensions,
        long windowStart,
        double observed,
        double expected,
        double score,
        String severity,
        String status,
        long openedAt,
        long resolvedAt,
        String summary,
        long version) {

    public static final String TABLE = "anomalies";
    public static final String OPEN = "open";
    public static final String RESOLVED = "resolved";

    public static final List<String> COLUMNS = List.of("id", "incident_id", "metric", "dimension_set", "dimensions",
            "window_start", "observed", "expected", "score", "severity", "status", "opened_at", "resolved_at",
            "summary", "version");

    public Object[] toColumnValues() {
        return new Object[] {id, incidentId, metric, dimensionSet, dimensions, Instant.ofEpochSecond(windowStart),
                observed, expected, score, severity, status, Instant.ofEpochSecond(openedAt),
                resolvedAt == 0 ? null : Instant.ofEpochSecond(resolvedAt), summary, version};
    }
}
