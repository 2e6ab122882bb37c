package io.paypulse.schemas;

/**
 * The epoch times the job accepts in a record: Stripe's {@code created}, the bridge's {@code received_at},
 * and a payout's {@code created} and {@code arrival_date}. A time outside them is a unit mistake
 * (milliseconds sent as seconds) or a broken producer, never a payment: it would fail every insert of
 * its row into a ClickHouse {@code DateTime} column (the client refuses seconds outside [0, 2^32)),
 * and the sink would stop the job on that row after every restart. Such a record is malformed. The one
 * rule for the bridge, which refuses such an event, and the job, which skips such a record.
 */
public final class PlausibleTimes {

    /** 2010-01-01T00:00:00Z: Stripe was founded that year, so no Stripe object is older. */
    public static final long EARLIEST_SECONDS = 1_262_304_000L;
    /** 2100-01-01T00:00:00Z: well inside ClickHouse {@code DateTime} (to 2106-02-07), window ends included. */
    public static final long LATEST_SECONDS = 4_102_444_800L;
    /**
     * How far Stripe's {@code created} may be ahead of the bridge's clock at receipt. Only clock skew puts
     * it ahead at all; a day is far beyond any skew and far below a unit mistake (1000 times the value).
     */
    public static final long MAX_CREATED_AHEAD_SECONDS = 86_400L;

    private PlausibleTimes() {
    }

    /** Whether {@code epochSeconds} lies in [{@link #EARLIEST_SECONDS}, {@link #LATEST_SECONDS}). */
    public static boolean isPlausibleSeconds(long epochSeconds) {
        return epochSeconds >= EARLIEST_SECONDS && epochSeconds < LATEST_SECONDS;
    }

    /** Whether {@code epochMillis} lies in the same range as {@link #isPlausibleSeconds}, in milliseconds. */
    public static boolean isPlausibleMillis(long epochMillis) {
        return epochMillis >= EARLIEST_SECONDS * 1000L && epochMillis < LATEST_SECONDS * 1000L;
    }

    /**
     * Whether an event's {@code created} (epoch seconds) is plausible for a webhook the bridge received at
     * {@code receivedAtMillis}: in range, and at most {@link #MAX_CREATED_AHEAD_SECONDS} after the receipt.
     * An event may be far older than its receipt: Stripe retries for three days, and backfills are older still.
     */
    public static boolean isPlausibleCreated(long createdSeconds, long receivedAtMillis) {
        return isPlausibleSeconds(createdSeconds)
                && createdSeconds <= Math.floorDiv(receivedAtMillis, 1000L) + MAX_CREATED_AHEAD_SECONDS;
    }
}
