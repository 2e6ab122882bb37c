package io.paypulse.flink.functions;

import io.paypulse.flink.PaymentHealthJob;
import io.paypulse.flink.TestEvents;
import io.paypulse.flink.config.DimensionSet;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.model.DeclineRateWindow;
import io.paypulse.flink.model.DimensionKey;
import io.paypulse.flink.model.DimensionedAttempt;
import io.paypulse.flink.model.PaymentAttempt;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.paypulse.flink.TestEvents.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DeclineRateWindowTest {

    private static final JobConfig CONFIG = JobConfig.fromEnv(Map.of(JobConfig.ENV_ALLOWED_LATENESS, "5m"));
    private static final DimensionSet ALL = DimensionSet.parse("all");

    @Test
    void firesOnTimeThenOncePerLateAttemptWithGrowingVersionAndLeavesNothingBehind() throws Exception {
        PaymentAttempt ok = attempt("ok", T0 + 5, PaymentAttempt.APPROVED, "authorized");
        PaymentAttempt declined = attempt("no", T0 + 10, PaymentAttempt.FAILED, "issuer_declined");
        PaymentAttempt blocked = attempt("radar", T0 + 20, PaymentAttempt.FAILED, "blocked");

        try (KeyedOneInputStreamOperatorTestHarness<String, DeclineCounts, DeclineRateWindow> harness =
                     WindowHarness.of(PaymentHealthJob.declineRates(WindowHarness.graphOnly()
                             .fromData(Types.POJO(PaymentAttempt.class), ok), CONFIG))) {
            harness.open();
            // Partials as LocalWindowAggregator sends them, stamped with the window's last millisecond.
            long windowEnd = (T0 + 60) * 1000 - 1;
            harness.processElement(partial(ok), windowEnd);
            harness.processElement(partial(declined), windowEnd);
            harness.processWatermark(new Watermark(windowEnd));
            // Late, but within the allowed lateness: the window fires again, one attempt more.
            harness.processElement(partial(blocked), windowEnd);

            assertEquals(List.of(row(2, 1, 1, 1, 1, 0, 2), row(3, 1, 2, 1, 1, 1, 3)), harness.extractOutputValues());

            // Once the lateness has passed, the window's state and timers are gone.
            harness.processWatermark(new Watermark((T0 + 60) * 1000 - 1 + 5 * 60_000));
            assertEquals(0, harness.numKeyedStateEntries());
            assertEquals(0, harness.numEventTimeTimers());
            assertEquals(0, harness.numProcessingTimeTimers());
        }
    }

    private static DeclineCounts partial(PaymentAttempt attempt) {
        return new DeclineRateAggregate().add(DimensionedAttempt.of(DimensionKey.of(ALL, attempt), attempt),
                new DeclineCounts());
    }

    private static PaymentAttempt attempt(String id, long created, String status, String outcomeType) {
        return new PaymentAttempt("ch_" + id, "evt_" + id, status, 1000, "usd", "card", "visa", "US", "credit",
                outcomeType, PaymentAttempt.FAILED.equals(status) ? "card_declined" : "", "", "", created);
    }

    private static DeclineRateWindow row(long attempts, long approved, long declined, long authorized, long issuerDeclined,
                                         long blocked, long version) {
        return new DeclineRateWindow(TestEvents.T0, "all", "", "", "", "", "", "", "", "", attempts, approved, declined,
                authorized, 0, issuerDeclined, blocked, 0, 0, version);
    }
}
