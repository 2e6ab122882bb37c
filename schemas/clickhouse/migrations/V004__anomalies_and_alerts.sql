-- V004: what the anomaly detection of the payment health job writes (flink-jobs, io.paypulse.flink.anomaly).
--
-- Both tables are ReplacingMergeTree on a deterministic key, so a replay after a restart converges to
-- the same rows. Read with FINAL for the current state before merges have happened.

-- One row per anomalous series episode: a series (metric x dimension values) that went anomalous and,
-- later, back to normal. Several anomalies that share a cause (Visa x BR, Visa, BR and all in the same
-- minutes) belong to one incident, and the incident is what pages. version grows with every update of
-- the row (a worse window, then the resolution), and is the same on every replay.
CREATE TABLE IF NOT EXISTS ${database}.anomalies
(
    id            String                 COMMENT 'deterministic: hash of incident, series and first anomalous window',
    incident_id   String                 COMMENT 'the incident this anomaly belongs to; its PagerDuty dedup key is paypulse-<incident_id>',
    metric        LowCardinality(String) COMMENT 'decline_rate, webhook_latency_p50, webhook_latency_p99, webhook_volume, settlement_p95, payout_failures',
    dimension_set LowCardinality(String) COMMENT 'grouped columns, comma-separated, or all',
    dimensions    String                 COMMENT 'the grouped values, e.g. card_brand=visa,card_country=BR; empty for all',
    window_start  DateTime('UTC')        COMMENT 'the window of the worst observation so far',
    observed      Float64                COMMENT 'the metric in that window (rate 0..1, milliseconds, events, seconds, payouts)',
    expected      Float64                COMMENT 'what the learned baseline expected for that window',
    score         Float64                COMMENT 'anomaly score in [0,1]; 1 = certainly anomalous',
    severity      LowCardinality(String) COMMENT 'critical, error, warning or info (PagerDuty severities)',
    status        LowCardinality(String) COMMENT 'open or resolved',
    opened_at     DateTime('UTC')        COMMENT 'start of the first anomalous window',
    resolved_at   Nullable(DateTime('UTC')) COMMENT 'start of the window that resolved the incident; NULL while open',
    summary       String                 COMMENT 'a sentence a person can act on',
    ingested_at   DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'when this row was written',
    version       UInt64 DEFAULT 0       COMMENT 'replacement version: highest wins on merge'
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(opened_at)
ORDER BY id
COMMENT 'Anomalies per series episode, grouped into incidents (read with FINAL)';

-- Every alert the job decided to send, and every attempt to send it to PagerDuty (Events API v2) with
-- the response. status: delivered (202), rejected (400, not retried), failed (retries exhausted),
-- not_sent (no PAGERDUTY_ROUTING_KEY: logged and recorded only), suppressed (an incident reopened
-- within its cooldown: flapping, not paged again).
CREATE TABLE IF NOT EXISTS ${database}.alerts
(
    dedup_key     String                 COMMENT 'PagerDuty dedup key: one per incident',
    incident_id   String                 COMMENT 'anomalies.incident_id',
    action        LowCardinality(String) COMMENT 'trigger or resolve',
    attempt       UInt16                 COMMENT '1 for the first request of this send, 0 when nothing was sent',
    sent_at       DateTime64(3, 'UTC')   COMMENT 'when the request was sent (or the decision taken, when nothing was sent)',
    status        LowCardinality(String) COMMENT 'delivered, rejected, failed, not_sent or suppressed (of the whole send)',
    http_status   UInt16                 COMMENT 'PagerDuty''s answer to this attempt; 0 = no answer (network error) or not sent',
    response      String                 COMMENT 'PagerDuty''s response body, trimmed',
    error         String                 COMMENT 'what went wrong with this attempt; empty when it was answered',
    severity      LowCardinality(String) COMMENT 'critical, error, warning or info',
    summary       String                 COMMENT 'the alert''s summary as sent',
    ingested_at   DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'when this row was written'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(sent_at)
ORDER BY (dedup_key, action, sent_at, attempt)
COMMENT 'Alert sends and PagerDuty responses, one row per attempt';

-- Open and resolved incidents, one row each, for dashboards and on-call: the worst anomaly of each
-- incident names it.
CREATE VIEW IF NOT EXISTS ${database}.incidents AS
SELECT
    incident_id,
    concat('paypulse-', incident_id) AS dedup_key,
    worst_summary                    AS summary,
    worst_metric                     AS metric,
    worst_score                      AS score,
    if(open_anomalies > 0, 'open', 'resolved') AS status,
    first_opened_at                  AS opened_at,
    if(open_anomalies > 0, NULL, last_resolved_at) AS resolved_at,
    anomaly_count                    AS anomalies
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
);
