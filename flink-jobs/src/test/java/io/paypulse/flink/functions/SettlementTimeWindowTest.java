package io.paypulse.flink.functions;

import io.paypulse.flink.PaymentHealthJob;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.model.PayoutSettlement;
import io.paypulse.flink.model.SettlementObservation;
import io.paypulse.flink.model.SettlementTimeWindow;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.paypulse.flink.TestEvents.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SettlementTimeWindowTest {

    private static final JobConfig CONFIG = JobConfig.fromEnv(Map.of(JobConfig.ENV_ALLOWED_LATENESS, "5m"));
    private static final long DAY = 86_400;

    @Test
    void measuresPaidPayoutsCountsFailedOnesAndCleansUp() throws Exception {
        PayoutSettlement sample = usd("a", true, DAY).payout();
        try (KeyedOneInputStreamOperatorTestHarness<String, SettlementObservation, SettlementTimeWindow> harness =
                     WindowHarness.of(PaymentHealthJob.settlementTimes(WindowHarness.graphOnly()
                             .fromData(Types.POJO(PayoutSettlement.class), sample), CONFIG))) {
            harness.open();
            harness.processElement(usd("p1", true, 2 * DAY), (T0 + 1) * 1000);
            harness.processElement(usd("p2", true, DAY), (T0 + 2) * 1000);
            harness.processElement(usd("p3", false, 5 * DAY), (T0 + 3) * 1000);
            harness.processWatermark(new Watermark((T0 + 60) * 1000 - 1));

            List<SettlementTimeWindow> rows = harness.extractOutputValues();
            assertEquals(1, rows.size());
            SettlementTimeWindow row = rows.get(0);
            assertEquals(List.of(T0, 3L, 2L, 1L, 3 * DAY, 2 * DAY, 3L),
                    List.of(row.windowStart(), row.payouts(), row.paid(), row.failed(), row.sumSeconds(),
                            row.maxSeconds(), row.version()));
            assertEquals(1.5 * DAY, row.meanSeconds(), 1e-9);
            assertEquals(DAY, row.p50Seconds(), DAY * 0.01);
            // The value at rank floor(0.95 * (2 - 1)) = 0 of the two paid payouts.
            assertEquals(DAY, row.p95Seconds(), DAY * 0.01);

            harness.processWatermark(new Watermark((T0 + 60) * 1000 - 1 + 5 * 60_000));
            assertEquals(0, harness.numKeyedStateEntries());
            assertEquals(0, harness.numEventTimeTimers());
        }
    }

    private static SettlementObservation usd(String id, boolean paid, long seconds) {
        return new SettlementObservation("currency,method", "usd", "standard",
                new PayoutSettlement("po_" + id, "evt_" + id, paid, "usd", "standard", T0 - seconds, T0));
    }
}
