package io.paypulse.detect;

import io.paypulse.detect.quality.LabelledSeries;
import io.paypulse.detect.quality.MerchantSimulation;
import io.paypulse.detect.quality.PayoutSimulation;
import io.paypulse.detect.quality.Scenario;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

import static io.paypulse.detect.SeriesRuns.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the job relies on from every detector, whatever its kind: quiet on normal traffic, silent while
 * warming up, deaf to low volume, the same after a round trip through Java serialization (the job keeps
 * each detector as serialized bytes in keyed state), and state that does not grow with the series.
 */
class DetectorContractTest {

    /** Monday 2026-10-05 00:00 UTC. */
    private static final long START = MerchantSimulation.START;
    private static final DetectorConfig DEFAULTS = DetectorConfig.defaults();

    private static Scenario cleanMerchant;
    private static Scenario cleanPayouts;

    @BeforeAll
    static void generate() {
        cleanMerchant = new MerchantSimulation("contract-clean", "2 clean weeks, 400 attempts/min at peak", 102, 14, 400).run();
        cleanPayouts = new PayoutSimulation("contract-clean-payouts", "6 clean weeks, 3 accounts", 103, 6,
                List.of(new PayoutSimulation.Account("usd", 45, 2), new PayoutSimulation.Account("eur", 90, 3),
                        new PayoutSimulation.Account("chf", 150, 2))).run();
    }

    /**
     * The threshold allows about one chance alarm per million windows, so this pins one clean fortnight
     * rather than promising silence on every one: over the clean fortnights of seeds 101 to 130 (4,200
     * series-days) the defaults raised 7 alarms, 6 of them scoring under 0.65, and seed 101 has one.
     * A change that makes ordinary traffic alarm shows up here.
     */
    @Test
    void aCleanSeasonalFortnightRaisesNoAlarm() {
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        for (Scenario scenario : List.of(cleanMerchant, cleanPayouts)) {
            for (LabelledSeries series : scenario.series()) {
                List<Verdict> anomalous = run(series).stream().filter(Verdict::anomalous).toList();
                assertEquals(List.of(), anomalous, scenario.name() + " " + series.name());
                kinds.add(series.kind());
            }
        }
        assertEquals(EnumSet.allOf(Kind.class), kinds, "every kind of detector took part");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void noAlarmBeforeWarmUpThenTheSameDepartureAlarms(Kind kind) {
        int warmup = DEFAULTS.warmupWindows();

        Detector young = Detectors.create(kind, DEFAULTS);
        feedCalm(young, kind, 0, warmup - 1);
        Verdict early = young.observe(extreme(kind, START + (warmup - 1) * 60L));

        Detector warm = Detectors.create(kind, DEFAULTS);
        feedCalm(warm, kind, 0, warmup);
        Verdict late = warm.observe(extreme(kind, START + warmup * 60L));

        assertFalse(early.warmedUp(), kind + ": the " + warmup + "th window is still warm-up");
        assertFalse(early.anomalous(), kind + ": no alarm in warm-up");
        assertTrue(early.score() >= DEFAULTS.scoreThreshold(),
                kind + ": the departure was extreme all the same (score " + early.score() + ")");
        assertTrue(late.warmedUp(), kind + ": warmed up after " + warmup + " windows");
        assertTrue(late.anomalous(), kind + ": the same departure after " + warmup + " windows alarms (" + late + ")");
    }

    @Test
    void warmUpFollowsTheConfiguredNumberOfWindows() {
        DetectorConfig config = DEFAULTS.withWarmupWindows(10);
        Detector detector = Detectors.create(Kind.RATE, config);
        feedCalm(detector, Kind.RATE, 0, 10);

        Verdict verdict = detector.observe(extreme(Kind.RATE, START + 10 * 60L));

        assertTrue(verdict.warmedUp());
        assertTrue(verdict.anomalous(), verdict.toString());
    }

    @Test
    void aLowVolumeWindowNeverAlarmsADeclineRateButAFullOneDoes() {
        Detector detector = Detectors.create(Kind.RATE, DEFAULTS);
        for (int i = 0; i < 240; i++) {
            detector.observe(new Observation(START + i * 60L, 0.05, 400));
        }

        Verdict tenOfTen = detector.observe(new Observation(START + 240 * 60L, 1.0, 10));
        Verdict halfOf400 = detector.observe(new Observation(START + 241 * 60L, 0.5, 400));

        assertTrue(tenOfTen.warmedUp());
        assertFalse(tenOfTen.anomalous(), "10 attempts, all declined, are fewer than minAttempts " + DEFAULTS.minAttempts());
        assertEquals(0.0, tenOfTen.score(), "no test with so few attempts behind it may score");
        assertTrue(halfOf400.anomalous(), halfOf400.toString());
        assertEquals(Direction.UP, halfOf400.direction());
    }

    @Test
    void aDetectorRestoredFromItsSerializedBytesCarriesOnExactlyAsTheOriginal() throws Exception {
        for (Scenario scenario : List.of(cleanMerchant, cleanPayouts)) {
            for (LabelledSeries series : scenario.series()) {
                int half = series.size() / 2;
                Detector original = Detectors.create(series.kind(), DEFAULTS);
                for (int i = 0; i < half; i++) {
                    original.observe(series.observation(i));
                }
                Detector restored = deserialize(serialize(original));
                List<Verdict> fromOriginal = new ArrayList<>();
                List<Verdict> fromRestored = new ArrayList<>();
                for (int i = half; i < series.size(); i++) {
                    fromOriginal.add(original.observe(series.observation(i)));
                    fromRestored.add(restored.observe(series.observation(i)));
                }
                String name = scenario.name() + " " + series.name();
                assertEquals(series.kind(), restored.kind(), name);
                assertEquals(fromOriginal, fromRestored, name);
                assertArrayEquals(serialize(original), serialize(restored), name + ": the same state at the end");
            }
        }
    }

    /**
     * Measured with the defaults: RATE 5,939 bytes, LATENCY 9,152, VOLUME 5,908, SETTLEMENT 8,543, FAILURES
     * 1,475 (1,248 before it kept the weight and the failure total behind each failure), the same after 3 days as after
     * 3 weeks.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void serializedStateDoesNotGrowWithTheSeries(Kind kind) throws IOException {
        Detector detector = Detectors.create(kind, DEFAULTS);
        feedCalm(detector, kind, 0, 3 * 1440);
        int threeDays = serialize(detector).length;
        feedCalm(detector, kind, 3 * 1440, 21 * 1440);
        int threeWeeks = serialize(detector).length;

        // Every field is a number or a fixed-size array; only the name of the incident side (NONE, UP,
        // DOWN) the detector happens to be on can differ in length, by at most 2 bytes.
        assertTrue(Math.abs(threeWeeks - threeDays) <= 2, kind + ": " + threeDays + " bytes after 3 days, "
                + threeWeeks + " after 3 weeks");
        assertTrue(threeWeeks <= 10 * 1024, kind + ": " + threeWeeks + " bytes, more than 10 KiB per series");
    }

    @Test
    void configRejectsBadValuesSayingHowToFixThem() {
        assertRejected("warmupWindows must be at least 1, got 0", () -> DEFAULTS.withWarmupWindows(0));
        assertRejected("scoreThreshold must be in (0, 1], got 1.5 (0.5 alerts at p <= 1e-5 per window, 0.6 at p <= 1e-6)",
                () -> DEFAULTS.withScoreThreshold(1.5));
        assertRejected("scoreThreshold must be in (0, 1], got 0.0 (0.5 alerts at p <= 1e-5 per window, 0.6 at p <= 1e-6)",
                () -> DEFAULTS.withScoreThreshold(0));
        assertRejected("anomalyLearningWeight must be in [0, 1] (0 freezes the baseline during an anomaly), got -0.1",
                () -> DEFAULTS.withAnomalyLearningWeight(-0.1));
        assertRejected("seasonalMemory (30) must be at least seasonalMinSamples (60), or a slot forgets before it is ever used",
                () -> DEFAULTS.withSeasonal(60, 30, 3));
        assertRejected("minAttempts must be at least 1, got 0", () -> DEFAULTS.withRate(0, 1.5, 0.01));
        assertRejected("rateMinRatio must be >= 1 (1.5 = a rate must move by half), got 0.9", () -> DEFAULTS.withRate(30, 0.9, 0.01));
        assertRejected("volumeMaxRatio must be in (0, 1] (0.5 = volume must halve), got 1.2", () -> DEFAULTS.withVolume(1, 1.2));
        assertRejected("baselineHalfLife must be at least 1, got 0", () -> DEFAULTS.withHalfLives(0, 240, 60, 3));
        assertEquals(DEFAULTS, DEFAULTS.withWarmupWindows(DEFAULTS.warmupWindows()), "a valid change is accepted");
    }

    private static void assertRejected(String message, Supplier<DetectorConfig> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, change::get);
        assertEquals(message, e.getMessage());
    }

    /** Feeds the per-minute windows {@code from} (inclusive) to {@code to} (exclusive) of a calm series. */
    private static void feedCalm(Detector detector, Kind kind, int from, int to) {
        Random random = new Random(kind.ordinal() * 1_000_003L + from);
        for (int i = from; i < to; i++) {
            Verdict verdict = detector.observe(calm(kind, START + i * 60L, random));
            assertFalse(verdict.anomalous(), kind + " calm window " + i + ": " + verdict);
        }
    }

    /**
     * A calm window of the kind: a daily cycle (busiest in the afternoon, UTC) with a little noise. Payout
     * kinds are fed per minute too: the contract does not depend on how often windows come.
     */
    private static Observation calm(Kind kind, long t, Random random) {
        double day = 1 + 0.4 * Math.sin(2 * Math.PI * ((t - START) % 86400) / 86400.0);
        return switch (kind) {
            case RATE -> {
                long attempts = Math.round(400 * day);
                long declines = 0;
                for (long a = 0; a < attempts; a++) {
                    declines += random.nextDouble() < 0.05 ? 1 : 0;
                }
                yield new Observation(t, declines / (double) attempts, attempts);
            }
            case LATENCY -> new Observation(t, 300 * day * Math.exp(0.1 * random.nextGaussian()), Math.round(100 * day));
            case VOLUME -> {
                // Normal with the Poisson's variance: 200 events a minute are never near zero.
                long events = Math.round(200 * day + Math.sqrt(200 * day) * random.nextGaussian());
                yield new Observation(t, events, events);
            }
            case SETTLEMENT -> new Observation(t, 172_800 * Math.exp(0.05 * random.nextGaussian()), 3);
            case FAILURES -> new Observation(t, 0, 4);
        };
    }

    /** A window far outside anything calm, in the direction that pages. */
    private static Observation extreme(Kind kind, long t) {
        return switch (kind) {
            case RATE -> new Observation(t, 0.5, 400);
            case LATENCY -> new Observation(t, 6_000, 100);
            case VOLUME -> new Observation(t, 0, 0);
            case SETTLEMENT -> new Observation(t, 1_728_000, 3);
            case FAILURES -> new Observation(t, 4, 4);
        };
    }

    private static byte[] serialize(Detector detector) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(detector);
        }
        return bytes.toByteArray();
    }

    private static Detector deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (Detector) in.readObject();
        }
    }
}
