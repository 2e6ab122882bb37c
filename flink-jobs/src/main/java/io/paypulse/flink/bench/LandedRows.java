package io.paypulse.flink.bench;

import io.paypulse.flink.config.DimensionSet;
import io.paypulse.schemas.ClickHouseConfig;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What the full job left in ClickHouse, counted the way analysts read it (with {@code FINAL}, through
 * the views), so a benchmark run also proves that every event arrived exactly once in every table.
 *
 * @param stripeEvents       rows of {@code stripe_events}: distinct events
 * @param paymentAttempts    rows of {@code payment_attempts}: distinct charge events
 * @param declineAttempts    attempts summed over the {@code all} decline-rate windows
 * @param latencyEvents      events summed over the {@code all} webhook-latency windows
 * @param settlementPayouts  payouts summed over the {@code all} settlement windows
 * @param lateEvents         rows of {@code late_events}
 */
public record LandedRows(long stripeEvents, long paymentAttempts, long declineAttempts, long latencyEvents,
                         long settlementPayouts, long lateEvents) {

    /** Counts the rows in {@code clickHouse}'s database. */
    public static LandedRows count(ClickHouseConfig clickHouse) throws SQLException {
        String db = clickHouse.database();
        String all = " WHERE dimension_set = '" + DimensionSet.ALL + "'";
        try (Connection c = clickHouse.connect();
             Statement s = c.createStatement()) {
            return new LandedRows(
                    number(s, "SELECT count() FROM " + db + ".stripe_events FINAL"),
                    number(s, "SELECT count() FROM " + db + ".payment_attempts FINAL"),
                    number(s, "SELECT sum(attempts) FROM " + db + ".decline_rates" + all),
                    number(s, "SELECT sum(events) FROM " + db + ".webhook_latency" + all),
                    number(s, "SELECT sum(payouts) FROM " + db + ".settlement_times" + all),
                    number(s, "SELECT count() FROM " + db + ".late_events FINAL"));
        }
    }

    /** Rows of {@code stripe_events} in {@code clickHouse}'s database, with {@code FINAL}: distinct events. */
    public static long storedEvents(ClickHouseConfig clickHouse) throws SQLException {
        try (Connection c = clickHouse.connect();
             Statement s = c.createStatement()) {
            return number(s, "SELECT count() FROM " + clickHouse.database() + ".stripe_events FINAL");
        }
    }

    /** One line per count that differs from {@code expected}; empty when all match. */
    public List<String> differencesFrom(LandedRows expected) {
        List<String> out = new ArrayList<>();
        compare(out, "stripe_events rows", stripeEvents, expected.stripeEvents);
        compare(out, "payment_attempts rows", paymentAttempts, expected.paymentAttempts);
        compare(out, "attempts in decline_rates (all)", declineAttempts, expected.declineAttempts);
        compare(out, "events in webhook_latency (all)", latencyEvents, expected.latencyEvents);
        compare(out, "payouts in settlement_times (all)", settlementPayouts, expected.settlementPayouts);
        compare(out, "late_events rows", lateEvents, expected.lateEvents);
        return out;
    }

    private static void compare(List<String> out, String what, long actual, long expected) {
        if (actual != expected) {
            out.add(what + ": " + actual + ", expected " + expected);
        }
    }

    private static long number(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
