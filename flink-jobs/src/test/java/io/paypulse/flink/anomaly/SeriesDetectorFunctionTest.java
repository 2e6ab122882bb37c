package io.paypulse.flink.anomaly;

import io.paypulse.detect.DetectorConfig;
import io.paypulse.detect.Detectors;
import io.paypulse.detect.Kind;
import io.paypulse.detect.Observation;
import io.paypulse.detect.Verdict;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeriesDetectorFunctionTest {

    private static final long T0 = 1_793_000_000L - 1_793_000_000L % 60;
    private static final DetectorConfig CONFIG = DetectorConfig.defaults().withWarmupWindows(20);

    private KeyedOneInputStreamOperatorTestHarness<String, SeriesPoint, SeriesVerdict> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new SeriesDetectorFunction(CONFIG)), SeriesPoint::seriesId, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void judgesWhatTheLibraryJudgesWindowByWindowAndIgnoresLateRefirings() throws Exception {
        List<Verdict> expected = new ArrayList<>();
        var library = Detectors.create(Kind.RATE, CONFIG);
        for (int w = 0; w < 40; w++) {
            double rate = w < 35 ? 0.05 + 0.01 * (w % 3) : 0.5;
            SeriesPoint p = rate(w, rate, 200);
            harness.processElement(p, (p.windowStart() + 60) * 1000 - 1);
            expected.add(library.observe(new Observation(p.windowStart(), rate, 200)));
            if (w == 10) {
                // the same window again, one late event more: not judged twice
                harness.processElement(rate(w, 0.9, 201), (p.windowStart() + 60) * 1000 - 1);
            }
        }
        List<SeriesVerdict> out = harness.extractOutputValues();
        assertEquals(40, out.size());
        for (int i = 0; i < 40; i++) {
            assertEquals(expected.get(i).anomalous(), out.get(i).anomalous(), "window " + i);
            assertEquals(expected.get(i).score(), out.get(i).score(), 0.0, "window " + i);
        }
        assertTrue(out.get(36).anomalous(), "the jump to 50% is flagged");
        assertEquals(0, harness.numEventTimeTimers(), "rate series are not zero-filled");
    }

    @Test
    void aVolumeSeriesThatFallsSilentIsFedZerosAsTheWatermarkPasses() throws Exception {
        for (int w = 0; w < 30; w++) {
            SeriesPoint p = volume(w, 100 + (w % 5));
            harness.processElement(p, (p.windowStart() + 60) * 1000 - 1);
            harness.processWatermark(new Watermark((p.windowStart() + 60) * 1000 - 1));
        }
        assertEquals(30, harness.extractOutputValues().size());
        assertEquals(1, harness.numEventTimeTimers());
        // No row for windows 30 and 31; the watermark passes the end of both.
        harness.processWatermark(new Watermark((T0 + 32 * 60) * 1000 - 1));
        List<SeriesVerdict> out = harness.extractOutputValues();
        assertEquals(32, out.size());
        SeriesVerdict silent = out.get(30);
        assertEquals(T0 + 30 * 60, silent.point().windowStart());
        assertEquals(0.0, silent.point().value());
        assertTrue(silent.anomalous(), "0 webhooks where about 100 were expected");
        assertEquals("DOWN", silent.direction());
        // Traffic is back in window 33: window 32 is filled with a zero before it.
        harness.processElement(volume(33, 100), (T0 + 34 * 60) * 1000 - 1);
        out = harness.extractOutputValues();
        assertEquals(List.of(T0 + 32 * 60, T0 + 33 * 60), out.subList(32, 34).stream()
                .map(v -> v.point().windowStart()).toList());
    }

    @Test
    void theEndOfABoundedInputIsNotASilence() throws Exception {
        for (int w = 0; w < 30; w++) {
            SeriesPoint p = volume(w, 100);
            harness.processElement(p, (p.windowStart() + 60) * 1000 - 1);
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertEquals(30, harness.extractOutputValues().size());
    }

    private static SeriesPoint rate(int window, double rate, long attempts) {
        return new SeriesPoint(SeriesPoints.FAMILY_DECLINES, SeriesPoints.DECLINE_RATE, Kind.RATE.name(),
                "card_brand", "card_brand=visa", T0 + 60L * window, rate, attempts);
    }

    private static SeriesPoint volume(int window, long events) {
        return new SeriesPoint(SeriesPoints.FAMILY_VOLUME, SeriesPoints.WEBHOOK_VOLUME, Kind.VOLUME.name(), "all", "",
                T0 + 60L * window, events, events);
    }
}
