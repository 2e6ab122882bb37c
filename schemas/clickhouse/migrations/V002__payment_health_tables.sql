-- V002: the tables the payment health Flink job writes (flink-jobs, PaymentHealthJob).
--
-- Every table is a ReplacingMergeTree whose ORDER BY is the row's deterministic key: Flink replays
-- events after a restart and re-fires a window for each late event, so one key is written several
-- times. Merges keep the highest version; read with FINAL (or the views of V003) for exact answers
-- before the merge has happened. Dimension values that a row does not group by are '' (not NULL),
-- so they can be part of the key.

-- One row per charge: its final outcome. Written from charge.succeeded (status 'approved') and
-- charge.failed ('failed'); PaymentIntent events are deliberately not attempts, as the charge events
-- already count each try once. version = the event's created (epoch seconds): if Stripe ever sent
-- two outcomes for one charge, the later one wins.
CREATE TABLE IF NOT EXISTS ${database}.payment_attempts
(
    charge_id            String                 COMMENT 'Stripe charge id (ch_...)',
    event_id             String                 COMMENT 'the event that reported the outcome',
    status               LowCardinality(String) COMMENT 'approved or failed',
    amount               Int64                  COMMENT 'in the smallest currency unit, as Stripe gives it',
    currency             LowCardinality(String) COMMENT 'ISO currency code, lower case',
    payment_method_type  LowCardinality(String) COMMENT 'payment_method_details.type, e.g. card',
    card_brand           LowCardinality(String) COMMENT 'e.g. visa; empty when not a card',
    card_country         LowCardinality(String) COMMENT 'issuing country of the card; empty when not a card',
    card_funding         LowCardinality(String) COMMENT 'credit, debit, prepaid or unknown; empty when not a card',
    outcome_type         LowCardinality(String) COMMENT 'Stripe outcome.type: authorized, manual_review, issuer_declined, blocked, invalid',
    failure_code         LowCardinality(String) COMMENT 'Stripe failure_code; empty when approved',
    network_decline_code LowCardinality(String) COMMENT 'outcome.network_decline_code; empty when none',
    account              String                 COMMENT 'Connect account id; empty for the platform',
    created              DateTime('UTC')        COMMENT 'event time of the outcome',
    ingested_at          DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'when this row was written',
    version              UInt64 DEFAULT 0       COMMENT 'replacement version: highest wins on merge'
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(created)
ORDER BY charge_id
COMMENT 'Payment attempts, one row per charge id once merged (read with FINAL)';

-- Decline counts per one-minute event-time window and dimension key. A dimension set is one grouping
-- set ('all', 'card_brand', 'card_brand,card_country', ...); each attempt is counted once per
-- configured set, never in the cross product. version = attempts: a late attempt within the allowed
-- lateness re-fires its window with one more attempt, and a replay produces the same numbers.
CREATE TABLE IF NOT EXISTS ${database}.decline_rates_1m
(
    window_start            DateTime('UTC')        COMMENT 'first second of the one-minute window (Stripe created)',
    dimension_set           LowCardinality(String) COMMENT 'grouped columns, comma-separated, or all',
    payment_method_type     LowCardinality(String) COMMENT 'value when grouped by it, else empty',
    card_brand              LowCardinality(String) COMMENT 'value when grouped by it, else empty',
    card_country            LowCardinality(String) COMMENT 'value when grouped by it, else empty',
    card_funding            LowCardinality(String) COMMENT 'value when grouped by it, else empty',
    currency                LowCardinality(String) COMMENT 'value when grouped by it, else empty',
    failure_code            LowCardinality(String) COMMENT 'value when grouped by it, else empty (approved attempts have none)',
    network_decline_code    LowCardinality(String) COMMENT 'value when grouped by it, else empty',
    account                 String                 COMMENT 'value when grouped by it, else empty',
    attempts                UInt64                 COMMENT 'charge.succeeded + charge.failed',
    approved                UInt64                 COMMENT 'charge.succeeded',
    declined                UInt64                 COMMENT 'charge.failed',
    outcome_authorized      UInt64                 COMMENT 'attempts with outcome.type authorized',
    outcome_manual_review   UInt64                 COMMENT 'attempts with outcome.type manual_review',
    outcome_issuer_declined UInt64                 COMMENT 'attempts with outcome.type issuer_declined',
    outcome_blocked         UInt64                 COMMENT 'attempts with outcome.type blocked (Radar)',
    outcome_invalid         UInt64                 COMMENT 'attempts with outcome.type invalid',
    outcome_other           UInt64                 COMMENT 'attempts with any other or no outcome.type',
    ingested_at             DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'when this row was written',
    version                 UInt64                 COMMENT 'attempts counted so far: highest wins on merge'
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(window_start)
ORDER BY (dimension_set, window_start, payment_method_type, card_brand, card_country, card_funding, currency,
          failure_code, network_decline_code, account)
COMMENT 'Decline counts per minute and dimension set; query the decline_rates view';

-- Webhook delivery latency (received_at at the bridge minus Stripe created) per one-minute window,
-- over all events (dimension_set 'all', event_type '') and per event type ('event_type'). count, sum,
-- min and max are exact; quantiles come from a DDSketch with 1% relative accuracy. sketch is that
-- DDSketch (standard protobuf encoding, Base64): merge sketches to roll windows up exactly.
CREATE TABLE IF NOT EXISTS ${database}.webhook_latency_1m
(
    window_start  DateTime('UTC')        COMMENT 'first second of the one-minute window (Stripe created)',
    dimension_set LowCardinality(String) COMMENT 'all or event_type',
    event_type    LowCardinality(String) COMMENT 'event type when grouped by it, else empty',
    events        UInt64                 COMMENT 'events in the window',
    sum_ms        UInt64                 COMMENT 'sum of latencies, ms; sum_ms / events is the exact mean',
    min_ms        UInt64                 COMMENT 'smallest latency, ms',
    max_ms        UInt64                 COMMENT 'largest latency, ms (exact)',
    p50_ms        Float64                COMMENT 'median latency, ms (within 1%)',
    p90_ms        Float64                COMMENT '90th percentile, ms (within 1%)',
    p99_ms        Float64                COMMENT '99th percentile, ms (within 1%)',
    sketch        String                 COMMENT 'Base64 DDSketch of the latencies in ms, relative accuracy 0.01' CODEC(ZSTD(3)),
    ingested_at   DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'when this row was written',
    version       UInt64                 COMMENT 'events counted so far: highest wins on merge'
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(window_start)
ORDER BY (dimension_set, window_start, event_type)
COMMENT 'Webhook latency per minute; query the webhook_latency view';

-- Payout settlement times (payout arrival_date minus payout created, seconds) per one-minute window
-- of the payout event's created, over all payouts ('all') and per currency and payout method
-- ('currency,method'). Quantiles and the sketch cover paid payouts; failed payouts are counted only.
CREATE TABLE IF NOT EXISTS ${database}.settlement_times_1m
(
    window_start  DateTime('UTC')        COMMENT 'first second of the one-minute window (payout event created)',
    dimension_set LowCardinality(String) COMMENT 'all or currency,method',
    currency      LowCardinality(String) COMMENT 'payout currency when grouped by it, else empty',
    method        LowCardinality(String) COMMENT 'payout method (standard, instant) when grouped by it, else empty',
    payouts       UInt64                 COMMENT 'payout.paid + payout.failed',
    paid          UInt64                 COMMENT 'payout.paid',
    failed        UInt64                 COMMENT 'payout.failed',
    sum_seconds   UInt64                 COMMENT 'sum of settlement seconds of paid payouts; / paid is the exact mean',
    max_seconds   UInt64                 COMMENT 'longest settlement, seconds (exact)',
    p50_seconds   Float64                COMMENT 'median settlement, seconds (within 1%)',
    p95_seconds   Float64                COMMENT '95th percentile, seconds (within 1%)',
    sketch        String                 COMMENT 'Base64 DDSketch of settlement seconds of paid payouts' CODEC(ZSTD(3)),
    ingested_at   DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'when this row was written',
    version       UInt64                 COMMENT 'payouts counted so far: highest wins on merge'
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(window_start)
ORDER BY (dimension_set, window_start, currency, method)
COMMENT 'Payout settlement times per minute; query the settlement_times view';

-- Events that arrived after their window had closed for good (later than the allowed lateness). They
-- are in stripe_events and payment_attempts, but in no metric window: this table says which and why.
CREATE TABLE IF NOT EXISTS ${database}.late_events
(
    event_id     String                 COMMENT 'Stripe event id',
    type         LowCardinality(String) COMMENT 'Stripe event type',
    created      DateTime('UTC')        COMMENT 'event time',
    received_at  DateTime64(3, 'UTC')   COMMENT 'bridge clock at receipt',
    window_start DateTime('UTC')        COMMENT 'the one-minute window the event belonged to',
    window_end   DateTime('UTC')        COMMENT 'end of that window, exclusive',
    watermark    DateTime64(3, 'UTC')   COMMENT 'the job''s event-time watermark when it turned the event away',
    reason       LowCardinality(String) COMMENT 'beyond_allowed_lateness',
    ingested_at  DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'when this row was written'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(created)
ORDER BY event_id
COMMENT 'Events too late for their metric window, one row per event id once merged';
