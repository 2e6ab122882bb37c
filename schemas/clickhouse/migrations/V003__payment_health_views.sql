-- V003: the views analysts and dashboards query, one per metric, with the final value of each window.
--
-- They read the base tables of V002 with FINAL, so every (window, dimension key) appears once with its
-- highest version, whether or not ClickHouse has merged yet. Each row has window_start, window_end,
-- dimension_set (the grouped columns, comma-separated, or 'all'), one column per dimension ('' when
-- not grouped) and the measures. To roll windows up, sum the counts; for latency and settlement
-- quantiles over several windows, merge the stored DDSketches (the per-window quantiles do not add).

CREATE VIEW IF NOT EXISTS ${database}.decline_rates AS
SELECT
    window_start,
    window_start + INTERVAL 1 MINUTE AS window_end,
    dimension_set,
    payment_method_type,
    card_brand,
    card_country,
    card_funding,
    currency,
    failure_code,
    network_decline_code,
    account,
    attempts,
    approved,
    declined,
    if(attempts = 0, 0., declined / attempts) AS decline_rate,
    outcome_authorized,
    outcome_manual_review,
    outcome_issuer_declined,
    outcome_blocked,
    outcome_invalid,
    outcome_other,
    version
FROM ${database}.decline_rates_1m FINAL;

CREATE VIEW IF NOT EXISTS ${database}.webhook_latency AS
SELECT
    window_start,
    window_start + INTERVAL 1 MINUTE AS window_end,
    dimension_set,
    event_type,
    events,
    if(events = 0, 0., sum_ms / events) AS mean_ms,
    min_ms,
    p50_ms,
    p90_ms,
    p99_ms,
    max_ms,
    sketch,
    version
FROM ${database}.webhook_latency_1m FINAL;

CREATE VIEW IF NOT EXISTS ${database}.settlement_times AS
SELECT
    window_start,
    window_start + INTERVAL 1 MINUTE AS window_end,
    dimension_set,
    currency,
    method,
    payouts,
    paid,
    failed,
    if(paid = 0, 0., sum_seconds / paid) AS mean_seconds,
    p50_seconds,
    p95_seconds,
    max_seconds,
    sketch,
    version
FROM ${database}.settlement_times_1m FINAL;
