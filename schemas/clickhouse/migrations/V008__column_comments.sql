-- V008: column comments that said the wrong thing (applied migrations cannot be edited, so they are
-- corrected here; COMMENT COLUMN only rewrites metadata and is idempotent).
--
-- alerts.status: since the PagerDuty outbox (a failed attempt is retried until PagerDuty answers), an
-- attempt that failed is `retrying`; nothing is ever given up as `failed`.
ALTER TABLE ${database}.alerts
    COMMENT COLUMN status 'delivered (2xx), retrying (this attempt failed: 408, 429, 5xx or no answer; sent again), rejected (another 4xx, not retried), not_sent (no PAGERDUTY_ROUTING_KEY) or suppressed (not paged: flapping, or too many open incidents)';

-- The sketches are sketches-java's own compact encoding (DDSketch.encode), not the protobuf one: read
-- them with paypulse's DurationSketch.decodeBase64, sketches-java's DDSketch.decode or sketches-go's
-- DecodeDDSketch. ClickHouse SQL cannot merge them.
ALTER TABLE ${database}.webhook_latency_1m
    COMMENT COLUMN sketch 'Base64 of a DDSketch of the latencies in ms, relative accuracy 0.01, in sketches-java''s compact encoding (DDSketch.encode, not protobuf); merge in Java or Go to roll windows up';
ALTER TABLE ${database}.settlement_times_1m
    COMMENT COLUMN sketch 'Base64 of a DDSketch of settlement seconds of paid payouts, relative accuracy 0.01, in sketches-java''s compact encoding (DDSketch.encode, not protobuf); merge in Java or Go to roll windows up';
