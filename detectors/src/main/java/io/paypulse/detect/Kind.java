package io.paypulse.detect;

/** What a series measures, which decides how its detector models the values and which way pages. */
public enum Kind {
    /** Decline rate: value = declined / attempts in [0, 1], count = attempts. Spikes and drops page. */
    RATE,
    /** Webhook latency in ms (a window's p50 or p99), count = events. Only slower pages. */
    LATENCY,
    /** Events in the window (0 for a silent window). Only drops and silence page. */
    VOLUME,
    /** Settlement seconds (p95 of the window's paid payouts), count = paid payouts. Only later pages. */
    SETTLEMENT,
    /** Failed payouts in the window, count = payouts in the window. Only more failures page. */
    FAILURES
}
