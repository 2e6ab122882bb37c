package io.paypulse.flink.functions;

import io.paypulse.flink.config.DimensionSet;
import io.paypulse.flink.model.DimensionKey;
import io.paypulse.flink.model.DimensionedAttempt;
import io.paypulse.flink.model.PaymentAttempt;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.paypulse.flink.TestEvents.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LocalWindowAggregatorTest {

    private static final DimensionSet BRAND = DimensionSet.parse("card_brand");
    private static final long MINUTE = 60_000;
    private static final long W0 = T0 * 1000;

    @Test
    void sendsOnePartialPerWindowAndKeyBeforeTheWatermarkThatClosesTheWindow() throws Exception {
        try (OneInputStreamOperatorTestHarness<DimensionedAttempt, DeclineCounts> harness = harness()) {
            harness.processElement(attempt("visa", true), W0 + 1_000);
            harness.processElement(attempt("visa", false), W0 + 2_000);
            harness.processElement(attempt("amex", false), W0 + 3_000);
            harness.processElement(attempt("visa", true), W0 + MINUTE + 1_000);
            assertEquals(List.of(), sent(harness), "nothing leaves before a window closes");

            harness.processWatermark(new Watermark(W0 + MINUTE - 1));

            assertEquals(List.of("amex 1/0 @" + (W0 + MINUTE - 1), "visa 2/1 @" + (W0 + MINUTE - 1),
                    "watermark " + (W0 + MINUTE - 1)), sent(harness));
        }
    }

    @Test
    void aLateElementGoesOutAtTheNextWatermarkStampedWithItsWindow() throws Exception {
        try (OneInputStreamOperatorTestHarness<DimensionedAttempt, DeclineCounts> harness = harness()) {
            harness.processWatermark(new Watermark(W0 + MINUTE + 10_000));
            harness.getOutput().clear();
            harness.processElement(attempt("visa", true), W0 + 5_000);
            assertEquals(List.of(), sent(harness));

            harness.processWatermark(new Watermark(W0 + MINUTE + 20_000));

            assertEquals(List.of("visa 1/1 @" + (W0 + MINUTE - 1), "watermark " + (W0 + MINUTE + 20_000)), sent(harness));
        }
    }

    @Test
    void everythingGoesOutBeforeACheckpointBarrierAndAtTheEndOfInput() throws Exception {
        try (OneInputStreamOperatorTestHarness<DimensionedAttempt, DeclineCounts> harness = harness()) {
            harness.processElement(attempt("visa", true), W0 + 1_000);
            harness.prepareSnapshotPreBarrier(1);
            assertEquals(List.of("visa 1/1 @" + (W0 + MINUTE - 1)), sent(harness));

            // Counted again from zero after the barrier: each partial holds only what came since.
            harness.getOutput().clear();
            harness.processElement(attempt("visa", false), W0 + 2_000);
            harness.processElement(attempt("amex", false), W0 + MINUTE + 2_000);
            harness.getOneInputOperator().finish();
            assertEquals(List.of("visa 1/0 @" + (W0 + MINUTE - 1), "amex 1/0 @" + (W0 + 2 * MINUTE - 1)), sent(harness));
        }
    }

    private static OneInputStreamOperatorTestHarness<DimensionedAttempt, DeclineCounts> harness() throws Exception {
        OneInputStreamOperatorTestHarness<DimensionedAttempt, DeclineCounts> harness =
                new OneInputStreamOperatorTestHarness<>(new LocalWindowAggregator<>(
                        DimensionedAttempt::key, new DeclineRateAggregate(), Duration.ofMinutes(1)));
        harness.open();
        return harness;
    }

    private static DimensionedAttempt attempt(String brand, boolean declined) {
        PaymentAttempt attempt = new PaymentAttempt("ch", "evt", declined ? PaymentAttempt.FAILED : PaymentAttempt.APPROVED,
                100, "usd", "card", brand, "US", "credit", declined ? "issuer_declined" : "authorized", "", "", "", T0);
        return DimensionedAttempt.of(DimensionKey.of(BRAND, attempt), attempt);
    }

    /** What the operator sent, in order: "brand attempts/declined @timestamp" or "watermark t". */
    private static List<String> sent(OneInputStreamOperatorTestHarness<DimensionedAttempt, DeclineCounts> harness) {
        List<String> out = new ArrayList<>();
        List<String> window = new ArrayList<>();
        for (Object element : harness.getOutput()) {
            if (element instanceof StreamRecord<?> record && record.getValue() instanceof DeclineCounts c) {
                window.add(c.key.cardBrand() + " " + c.attempts + "/" + c.declined + " @" + record.getTimestamp());
            } else if (element instanceof Watermark w) {
                // Partials of one window come out in no particular order; sort them between watermarks.
                window.sort(null);
                out.addAll(window);
                window.clear();
                out.add("watermark " + w.getTimestamp());
            }
        }
        out.addAll(window);
        return out;
    }
}
