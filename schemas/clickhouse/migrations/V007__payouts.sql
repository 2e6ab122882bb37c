-- V007: payouts, one row per payout id with its latest status: the analysts' base table for payouts,
-- as payment_attempts is for charges.
--
-- Stripe documents that a payout can be reported paid and later failed (the bank returns it days
-- after). settlement_times counts events per window, so such a payout shows as paid in one window and
-- failed in a later one; here the later event replaces the earlier row, so a count by status is exact.
CREATE TABLE IF NOT EXISTS ${database}.payouts
(
    payout_id     String                 COMMENT 'Stripe payout id (po_...)',
    event_id      String                 COMMENT 'the event that reported this status',
    status        LowCardinality(String) COMMENT 'paid or failed: the latest payout.paid / payout.failed event',
    amount        Int64                  COMMENT 'in the smallest currency unit, as Stripe gives it',
    currency      LowCardinality(String) COMMENT 'ISO currency code, lower case',
    method        LowCardinality(String) COMMENT 'standard or instant',
    failure_code  LowCardinality(String) COMMENT 'Stripe failure_code when failed, else empty',
    account       String                 COMMENT 'Connect account id; empty for the platform',
    created       DateTime('UTC')        COMMENT 'payout created',
    arrival_date  DateTime('UTC')        COMMENT 'payout arrival_date (expected, or actual once paid)',
    event_created DateTime('UTC')        COMMENT 'created of the event that reported this status',
    ingested_at   DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'when this row was written',
    version       UInt64 DEFAULT 0       COMMENT 'replacement version: the later event wins, failed over paid in the same second'
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(created)
ORDER BY payout_id
COMMENT 'Payouts, one row per payout id once merged (read with FINAL)';
