package io.paypulse.flink.anomaly;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IncidentTrackerFunctionTest {

    private static final long T0 = 1_793_000_000L - 1_793_000_000L % 60;
    private static final String VISA_BR = "card_brand=visa,card_country=BR";
    private static final int WINDOWS = 16;

    @Test
    void theTriggerWaitsForTheWatermarkToPassItsWindowAndNamesTheMostSpecificSeries() throws Exception {
        try (var harness = harness()) {
            harness.processElement(verdict("", "all", 5), timestamp(5));
            assertEquals(List.of(), alerts(harness), "the window is not complete yet");
            harness.processElement(verdict(VISA_BR, "card_brand,card_country", 5), timestamp(5));
            harness.processWatermark(new Watermark(timestamp(5)));
            List<AlertRequest> alerts = alerts(harness);
            assertEquals(1, alerts.size());
            assertEquals(AlertRequest.TRIGGER, alerts.get(0).action());
            assertEquals("Visa declines in BR at 40% (400 attempts) vs 6% expected; 1 related series moved too",
                    alerts.get(0).summary());
        }
    }

    @Test
    void verdictsArrivingSeriesBySeriesGiveTheSameAlertsAsInWindowOrder() throws Exception {
        // Live: verdicts of each window arrive together. Catching up on a backlog: one detector subtask
        // is many windows ahead of the other, so "all" arrives for every window before Visa x BR does.
        List<AlertRequest> live;
        try (var harness = harness()) {
            for (int w = 0; w < WINDOWS; w++) {
                harness.processElement(verdict("", "all", w), timestamp(w));
                harness.processElement(verdict(VISA_BR, "card_brand,card_country", w), timestamp(w));
                harness.processWatermark(new Watermark(timestamp(w)));
            }
            live = alerts(harness);
        }
        List<AlertRequest> backlog;
        try (var harness = harness()) {
            for (int w = 0; w < WINDOWS; w++) {
                harness.processElement(verdict("", "all", w), timestamp(w));
            }
            for (int w = 0; w < WINDOWS; w++) {
                harness.processElement(verdict(VISA_BR, "card_brand,card_country", w), timestamp(w));
            }
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            backlog = alerts(harness);
        }
        assertEquals(List.of(AlertRequest.TRIGGER, AlertRequest.RESOLVE), live.stream().map(AlertRequest::action).toList());
        assertEquals(live, backlog);
    }

    @Test
    void aHeldResolveGoesOutWhenEventTimePassesItEvenWithNoMoreVerdicts() throws Exception {
        try (var harness = harness(600)) {
            for (int w = 0; w <= 10; w++) {
                harness.processElement(verdict("", "all", w), timestamp(w));
                harness.processWatermark(new Watermark(timestamp(w)));
            }
            // Resolved at window 10 (three normal windows), held for 600 s; then the series goes quiet.
            assertEquals(List.of(AlertRequest.TRIGGER), alerts(harness).stream().map(AlertRequest::action).toList());
            harness.processWatermark(new Watermark((T0 + 10 * 60L + 600) * 1000 - 1));
            assertEquals(List.of(AlertRequest.TRIGGER), alerts(harness).stream().map(AlertRequest::action).toList());
            harness.processWatermark(new Watermark((T0 + 10 * 60L + 600) * 1000));
            List<AlertRequest> alerts = alerts(harness);
            assertEquals(List.of(AlertRequest.TRIGGER, AlertRequest.RESOLVE), alerts.stream().map(AlertRequest::action).toList());
            assertEquals((T0 + 10 * 60L + 600) * 1000, alerts.get(1).timestampMillis());
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SeriesVerdict, AnomalyRow> harness() throws Exception {
        return harness(0);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SeriesVerdict, AnomalyRow> harness(long holdSeconds)
            throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new IncidentTrackerFunction(3, 1800, 60, holdSeconds)),
                (SeriesVerdict v) -> v.point().family(), Types.STRING);
        harness.open();
        return harness;
    }

    private static List<AlertRequest> alerts(KeyedOneInputStreamOperatorTestHarness<String, SeriesVerdict, AnomalyRow> harness) {
        var out = harness.getSideOutput(IncidentTrackerFunction.ALERTS);
        return out == null ? List.of() : new ArrayList<>(out.stream().map(StreamRecord::getValue).toList());
    }

    /** Windows 5 to 7 of every series are a decline spike; the rest are normal. */
    private static SeriesVerdict verdict(String dims, String set, int window) {
        boolean spike = window >= 5 && window <= 7;
        double rate = spike ? ("all".equals(set) ? 0.12 : 0.40) : 0.06;
        long attempts = "all".equals(set) ? 2000 : 400;
        SeriesPoint p = new SeriesPoint(SeriesPoints.FAMILY_DECLINES, SeriesPoints.DECLINE_RATE, "RATE", set, dims,
                T0 + window * 60L, rate, attempts);
        return new SeriesVerdict(p, 0.06, spike ? 0.9999 : 0.1, spike, spike ? "UP" : "NONE");
    }

    /** The timestamp a window's verdict carries: the last millisecond of its window. */
    private static long timestamp(int window) {
        return (T0 + window * 60L + 60) * 1000 - 1;
    }
}
