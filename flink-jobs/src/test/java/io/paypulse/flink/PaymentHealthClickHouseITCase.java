package io.paypulse.flink;

import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.model.StripeEvent;
import io.paypulse.infra.stripe.StripeEventSamples;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.paypulse.flink.TestEvents.DAY;
import static io.paypulse.flink.TestEvents.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The job's rows through the ClickHouse sink into the migrated schema, read back through the views
 * analysts use: column types match, and re-fired windows collapse to their final version.
 */
class PaymentHealthClickHouseITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private PaymentHealthDatabase db;

    @BeforeEach
    void ownDatabase() {
        db = PaymentHealthDatabase.migrated("it_job");
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void viewsShowTheFinalRowOfEveryWindow() throws Exception {
        List<StripeEvent> events = new ArrayList<>(TestEvents.scripted());
        // Within the lateness: the first window fires again with a fifth attempt.
        events.add(TestEvents.failed("late_ok", T0 + 30, "visa", "US", "usd", "card_declined", "05"));
        // Past the first window's lateness, then an event for it: reported, not counted.
        events.add(TestEvents.succeeded("far", T0 + 700, "visa", "US", "usd"));
        events.add(TestEvents.failed("too_late", T0 + 40, "visa", "US", "usd", "card_declined", "05"));
        JobConfig config = JobConfig.fromEnv(Map.of(JobConfig.ENV_OUT_OF_ORDERNESS, "0s",
                JobConfig.ENV_ALLOWED_LATENESS, "5m"));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        PaymentHealthJob.sinkToClickHouse(
                PaymentHealthJob.build(env.fromData(events, Types.POJO(StripeEvent.class)), config), db.config(), config);
        env.execute("payment-health-clickhouse-test");

        assertEquals(List.of("2023-11-14 22:14:00|2023-11-14 22:15:00|5|3|0.6|5", "2023-11-14 22:15:00|2023-11-14 22:16:00|2|1|0.5|2",
                        "2023-11-14 22:25:00|2023-11-14 22:26:00|1|0|0|1"),
                db.rows("SELECT toString(window_start) || '|' || toString(window_end) || '|' || toString(attempts) || '|'"
                        + " || toString(declined) || '|' || toString(decline_rate) || '|' || toString(version)"
                        + " FROM {db}.decline_rates WHERE dimension_set = 'all' ORDER BY window_start"));
        assertEquals(List.of("mastercard|GB|1", "mastercard|US|1", "visa|US|3"),
                db.rows("SELECT card_brand || '|' || card_country || '|' || toString(attempts) FROM"
                        + " {db}.decline_rates WHERE dimension_set = 'card_brand,card_country' AND window_start = "
                        + T0 + " ORDER BY card_brand, card_country"));
        assertEquals(List.of("4|3|1|87000|172800"),
                db.rows("SELECT toString(payouts) || '|' || toString(paid) || '|' || toString(failed) || '|'"
                        + " || toString(mean_seconds) || '|' || toString(max_seconds) FROM"
                        + " {db}.settlement_times WHERE dimension_set = 'all'"));
        assertEquals(List.of("6|300"), db.rows("SELECT toString(events) || '|' || toString(max_ms) FROM"
                + " {db}.webhook_latency WHERE dimension_set = 'all' AND window_start = " + T0));
        assertEquals(List.of("9"), db.rows("SELECT toString(count()) FROM {db}.payment_attempts FINAL"));
        assertEquals(List.of("14|0"), db.rows("SELECT toString(count()) || '|' || toString(countIf(payload LIKE '%jenny%'))"
                + " FROM {db}.stripe_events FINAL"));
        assertEquals(List.of("evt_too_late|2023-11-14 22:14:00|beyond_allowed_lateness"),
                db.rows("SELECT event_id || '|' || toString(window_start) || '|' || reason FROM {db}.late_events FINAL"));
    }

    @Test
    void aResendDaysLaterKeepsTheFirstDeliveryOfTheRawEvent() throws Exception {
        // A first run stores the event as delivered 300 ms after it was created. A second run, whose dedup
        // state no longer knows the id (as 72 hours later), gets a "Resend" of it from Stripe's dashboard
        // five days on, and a replay of the first delivery after it.
        String body = StripeEventSamples.chargeSucceeded("evt_resent", "ch_resent", T0 + 1, "visa", "US", 1000, "usd");
        StripeEvent first = TestEvents.of(body, 300);
        StripeEvent resent = TestEvents.of(body, 5 * DAY * 1000 + 700);
        JobConfig config = JobConfig.fromEnv(Map.of(JobConfig.ENV_OUT_OF_ORDERNESS, "0s"));
        // So that the copies can be counted: a merge would leave one.
        db.execute("SYSTEM STOP MERGES {db}.stripe_events");
        for (List<StripeEvent> run : List.of(List.of(first), List.of(resent, first))) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            PaymentHealthJob.sinkToClickHouse(
                    PaymentHealthJob.build(env.fromData(run, Types.POJO(StripeEvent.class)), config), db.config(), config);
            env.execute("payment-health-resend-test");
        }

        // Two copies were written (the second run deduplicated its replay), and the first delivery survives.
        assertEquals(List.of("2"), db.rows("SELECT toString(count()) FROM {db}.stripe_events"));
        assertEquals(List.of("evt_resent|2023-11-14 22:14:01.300|300"),
                db.rows("SELECT event_id || '|' || toString(received_at) || '|'"
                        + " || toString(toUnixTimestamp64Milli(received_at) - toUnixTimestamp(created) * 1000)"
                        + " FROM {db}.stripe_events FINAL"));
    }

    @Test
    void aPayoutReportedPaidThenFailedIsFailedInPayoutsAndCountedOnceInEachWindow() throws Exception {
        // Stripe documents that a payout can show as paid and fail days later (the bank returns it).
        List<StripeEvent> events = new ArrayList<>(TestEvents.scripted());
        long failedAt = T0 + 3 * 86_400;
        com.fasterxml.jackson.databind.node.ObjectNode failure = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(StripeEventSamples.payout("evt_b3_failed",
                        "payout.failed", "po_b3", T0 + 80, T0 + 80 + 2 * 86_400, 5000, "usd", "standard"));
        failure.put("created", failedAt); // the event is days later; the payout's own created stays
        events.add(TestEvents.of(failure.toString(), 300));
        JobConfig config = JobConfig.fromEnv(Map.of(JobConfig.ENV_OUT_OF_ORDERNESS, "0s"));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        PaymentHealthJob.sinkToClickHouse(
                PaymentHealthJob.build(env.fromData(events, Types.POJO(StripeEvent.class)), config), db.config(), config);
        env.execute("payment-health-payouts-test");

        // One row per payout, with its latest status: po_b3 failed, the others as they were.
        assertEquals(List.of("po_b3|failed|evt_b3_failed|5000|usd|standard|account_closed",
                        "po_b4|paid|evt_b4|5000|usd|standard|", "po_b5|failed|evt_b5|5000|usd|standard|account_closed",
                        "po_b6|paid|evt_b6|5000|eur|instant|"),
                db.rows("SELECT payout_id || '|' || status || '|' || event_id || '|' || toString(amount) || '|' || currency"
                        + " || '|' || method || '|' || failure_code FROM {db}.payouts FINAL ORDER BY payout_id"));
        assertEquals(List.of("2|2"), db.rows("SELECT toString(countIf(status = 'paid')) || '|'"
                + " || toString(countIf(status = 'failed')) FROM {db}.payouts FINAL"));
        // settlement_times counts events per window: the paid window keeps it, the failure's window adds it.
        assertEquals(List.of("2023-11-14 22:15:00|4|3|1", "2023-11-17 22:14:00|1|0|1"),
                db.rows("SELECT toString(window_start) || '|' || toString(payouts) || '|' || toString(paid) || '|'"
                        + " || toString(failed) FROM {db}.settlement_times WHERE dimension_set = 'all' ORDER BY window_start"));
    }
}
