-- V005: pipeline health, the data behind the "Pipeline health" dashboard: how much comes in, what the
-- bridge refuses and dead-letters, how far the job is behind Kafka, what it turns away as late, and how
-- often its ClickHouse sinks retry. Written by the payment health job (flink-jobs, PipelineHealth) from
-- the topics paypulse.metrics and stripe.events.dlq.

-- Snapshots of the bridge's and the job's counters and gauges: every BRIDGE_METRICS_INTERVAL /
-- PAYPULSE_METRICS_INTERVAL each process writes one row per metric and label to paypulse.metrics, and
-- the job copies them here. A counter's value is cumulative since its process (bridge, or the job's
-- TaskManager) started, so it drops back towards 0 after a restart: rates are the difference between
-- consecutive rows of one (source, instance, metric, label), with a negative difference read as a
-- reset (the new value is then the increase). A replayed snapshot has the same key and replaces itself.
CREATE TABLE IF NOT EXISTS ${database}.pipeline_metrics
(
    ts       DateTime64(3, 'UTC')   COMMENT 'when the snapshot was taken, clock of the process that took it',
    source   LowCardinality(String) COMMENT 'bridge or job',
    instance String                 COMMENT 'BRIDGE_INSTANCE_ID of a bridge; host-pid of a job TaskManager (PAYPULSE_METRICS_INSTANCE)',
    metric   LowCardinality(String) COMMENT 'bridge_received_total, bridge_rejected_total, job_kafka_lag_records, ...',
    label    String                 COMMENT 'one label as key=value, e.g. reason=signature_mismatch or table=stripe_events; empty when none',
    value    Float64                COMMENT 'counter: cumulative since the process started; gauge: the current value',
    kind     LowCardinality(String) COMMENT 'counter or gauge',
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'when this row was written'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (source, instance, metric, label, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY
COMMENT 'Counter and gauge snapshots of the bridge and the job, one row per metric, label and snapshot';

-- One row per record on stripe.events.dlq: a signed webhook body the bridge could not turn into an
-- event. No payload (it may hold personal data): the bytes stay on the topic for 30 days, found by
-- partition and offset. The key is the record's position, so a replay of the topic rewrites the same rows.
CREATE TABLE IF NOT EXISTS ${database}.dlq_events
(
    received_at     DateTime64(3, 'UTC')   COMMENT 'bridge clock at receipt (paypulse.received_at header)',
    reason          LowCardinality(String) COMMENT 'paypulse.dlq.reason header: invalid_json, missing_id, missing_type, missing_created, ...',
    size_bytes      UInt32                 COMMENT 'size of the body on the topic',
    bridge_instance String                 COMMENT 'bridge instance that received it',
    partition       UInt16                 COMMENT 'stripe.events.dlq partition',
    offset          UInt64                 COMMENT 'offset in that partition',
    ingested_at     DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'when this row was written'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (partition, offset)
COMMENT 'Dead-lettered webhook bodies, one row per DLQ record once merged (read with FINAL); no payload';
