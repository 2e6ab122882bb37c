-- V001: the database and the raw event table.
--
-- Every statement is IF NOT EXISTS and names its database through ${database}: the migrator records
-- a file only after all its statements succeeded, so a run that died half-way simply runs the file
-- again, and tests apply the same file to a database of their own.

CREATE DATABASE IF NOT EXISTS ${database};

-- One row per Stripe event id. Stripe delivers at least once and the Flink job may replay after a
-- restart, so copies of an event do arrive here; ReplacingMergeTree collapses them on merge (read
-- with FINAL, or argMax by version, for an exact answer before the merge has happened).
-- ORDER BY event_id is the deduplication key. PARTITION BY the event's own month: every copy of an
-- event has the same `created`, so all copies land in one partition, which is where replacing
-- happens; it also lets analysts' time ranges skip whole months.
CREATE TABLE IF NOT EXISTS ${database}.stripe_events
(
    event_id        String                          COMMENT 'Stripe event id (evt_...), the Kafka record key',
    type            LowCardinality(String)          COMMENT 'Stripe event type, e.g. charge.succeeded',
    created         DateTime('UTC')                 COMMENT 'when Stripe created the event (event time)',
    -- Empty string rather than Nullable for "none": Nullable costs a second column per value and
    -- every analyst query would need to handle NULL, while Stripe never sends an empty version.
    api_version     LowCardinality(String)          COMMENT 'Stripe API version the payload is rendered in; empty if none',
    account         String                          COMMENT 'Connect account id (acct_...); empty for the platform itself',
    livemode        Bool                            COMMENT 'false for test-mode events',
    received_at     DateTime64(3, 'UTC')            COMMENT 'bridge clock when the webhook arrived; latency = received_at - created',
    bridge_instance LowCardinality(String)          COMMENT 'bridge instance that received the webhook',
    -- The payload is by far the largest column and is repetitive JSON text: ZSTD packs it tighter
    -- than the default LZ4, and the extra read cost only matters to queries that read payloads.
    payload         String                          COMMENT 'event JSON with personal data redacted by the Flink job' CODEC(ZSTD(3)),
    ingested_at     DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'when this row was written',
    -- The writer decides which copy survives: merges keep the highest version, and the last inserted
    -- among equal versions. Redeliveries of an event carry the same data, so writers leave 0 and only
    -- bump it when rewriting an event on purpose (for example a newer redaction of the payload).
    version         UInt64 DEFAULT 0                COMMENT 'replacement version: highest wins on merge'
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(created)
ORDER BY event_id
COMMENT 'Raw Stripe events, one row per event id once merged (read with FINAL for exact counts)';
