-- V006: an incident is named by what was paged, not by its highest-scoring anomaly.
--
-- The page names the most specific series of the incident's first window ("Visa declines in BR at
-- 44% ..."); the highest score can belong to a broader series that moved with it ("Declines at 14%").
-- On-call reads the page, so the view shows that sentence: the first trigger recorded in `alerts`
-- (sent, not sent for lack of a routing key, or failed), else the worst anomaly's summary.
CREATE OR REPLACE VIEW ${database}.incidents AS
SELECT
    a.incident_id                                   AS incident_id,
    concat('paypulse-', a.incident_id)              AS dedup_key,
    if(p.page_summary != '', p.page_summary, a.worst_summary) AS summary,
    a.worst_metric                                  AS metric,
    a.worst_score                                   AS score,
    if(a.open_anomalies > 0, 'open', 'resolved')    AS status,
    a.first_opened_at                               AS opened_at,
    if(a.open_anomalies > 0, NULL, a.last_resolved_at) AS resolved_at,
    a.anomaly_count                                 AS anomalies
FROM
(
    -- Aggregates get names of their own: ClickHouse resolves an alias before a column of the same name.
    SELECT
        incident_id,
        argMax(summary, score)     AS worst_summary,
        argMax(metric, score)      AS worst_metric,
        max(score)                 AS worst_score,
        countIf(status = 'open')   AS open_anomalies,
        min(opened_at)             AS first_opened_at,
        max(resolved_at)           AS last_resolved_at,
        count()                    AS anomaly_count
    FROM ${database}.anomalies FINAL
    GROUP BY incident_id
) AS a
LEFT JOIN
(
    SELECT incident_id, argMin(summary, (sent_at, attempt)) AS page_summary
    FROM ${database}.alerts FINAL
    WHERE action = 'trigger'
    GROUP BY incident_id
) AS p ON p.incident_id = a.incident_id;
