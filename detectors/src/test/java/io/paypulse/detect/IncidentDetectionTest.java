package io.paypulse.detect;

import io.paypulse.detect.quality.Incident;
import io.paypulse.detect.quality.LabelledSeries;
import io.paypulse.detect.quality.MerchantSimulation;
import io.paypulse.detect.quality.MerchantSimulation.Effect;
import io.paypulse.detect.quality.PayoutSimulation;
import io.paypulse.detect.quality.Scenario;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.paypulse.detect.SeriesRuns.delay;
import static io.paypulse.detect.SeriesRuns.falseAlarms;
import static io.paypulse.detect.SeriesRuns.incident;
import static io.paypulse.detect.SeriesRuns.run;
import static io.paypulse.detect.SeriesRuns.series;
import static io.paypulse.detect.quality.MerchantSimulation.LATENCY_P50;
import static io.paypulse.detect.quality.MerchantSimulation.LATENCY_P99;
import static io.paypulse.detect.quality.MerchantSimulation.RATE_ALL;
import static io.paypulse.detect.quality.MerchantSimulation.VOLUME_ALL;
import static io.paypulse.detect.quality.MerchantSimulation.rate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each kind of incident, injected into ten days of realistic seasonal traffic (a seed and a layout of
 * its own, not the benchmark's), is flagged within a few windows, and no series alarms anywhere else.
 */
class IncidentDetectionTest {

    private static Scenario merchant;
    private static Scenario payouts;

    @BeforeAll
    static void generate() {
        merchant = new MerchantSimulation("test-merchant", "10 days, 300 attempts/min at peak", 7, 10, 300)
                .incident("decline-spike-segment", 8, "09:30", 30, List.of(rate("visa-BR"), RATE_ALL),
                        Effect.SEGMENT_DECLINES, "visa-BR", 0.40, 0)
                .incident("decline-rate-drop", 8, "13:00", 30, List.of(RATE_ALL, rate("mastercard-US"), rate("amex-US"),
                        rate("visa-BR"), MerchantSimulation.VOLUME_FAILED), Effect.ALL_DECLINES_SCALE, null, 0.1, 0)
                .incident("latency-p99-spike", 8, "16:00", 15, List.of(LATENCY_P99, LATENCY_P50),
                        Effect.LATENCY_TAIL, null, 0.06, 25)
                .incident("volume-drop", 8, "20:00", 30, List.of(VOLUME_ALL, MerchantSimulation.VOLUME_FAILED,
                        MerchantSimulation.VOLUME_REFUNDED), Effect.TRAFFIC_SCALE, null, 0.3, 0)
                .incident("endpoint-silence", 9, "10:00", 15, List.of(VOLUME_ALL, MerchantSimulation.VOLUME_FAILED,
                        MerchantSimulation.VOLUME_REFUNDED), Effect.ENDPOINT_SILENCE, null, 0, 0)
                .incident("latency-step", 9, "14:00", 60, List.of(LATENCY_P50, LATENCY_P99), Effect.LATENCY_SCALE, null, 2.0, 0)
                .run();
        payouts = new PayoutSimulation("test-payouts", "6 weeks, 3 accounts", 17, 6,
                List.of(new PayoutSimulation.Account("usd", 50, 2), new PayoutSimulation.Account("eur", 95, 3),
                        new PayoutSimulation.Account("gbp", 160, 2)))
                .incident("payout-delay", 29, 2, PayoutSimulation.SETTLEMENT, PayoutSimulation.Effect.DELAY, null, 2)
                .incident("payout-failures", 36, 2, PayoutSimulation.FAILURES, PayoutSimulation.Effect.FAIL, null, 0.9)
                .run();
    }

    @Test
    void declineSpikeInOneSegmentIsFlaggedAtOnce() {
        assertDetectedWithin(merchant, "decline-spike-segment", rate("visa-BR"), 3);
    }

    @Test
    void declinesDroppingAwayIsFlagged() {
        assertDetectedWithin(merchant, "decline-rate-drop", RATE_ALL, 2);
        assertEquals(Direction.DOWN, firstAnomaly(merchant, "decline-rate-drop", RATE_ALL).direction());
    }

    @Test
    void latencyP99SpikeIsFlaggedWithinTwoMinutes() {
        // A minute's p99 jumps several-fold by chance now and then, so one minute of it is weaker evidence.
        assertDetectedWithin(merchant, "latency-p99-spike", LATENCY_P99, 2);
    }

    @Test
    void latencyStepIsFlaggedAtOnce() {
        assertDetectedWithin(merchant, "latency-step", LATENCY_P50, 1);
    }

    @Test
    void volumeDropIsFlaggedAtOnce() {
        assertDetectedWithin(merchant, "volume-drop", VOLUME_ALL, 1);
        assertEquals(Direction.DOWN, firstAnomaly(merchant, "volume-drop", VOLUME_ALL).direction());
    }

    @Test
    void endpointSilenceIsFlaggedInItsFirstSilentMinute() {
        assertDetectedWithin(merchant, "endpoint-silence", VOLUME_ALL, 0);
        Verdict first = firstAnomaly(merchant, "endpoint-silence", VOLUME_ALL);
        assertEquals(0.0, first.value());
        assertEquals(1.0, first.score(), "a busy endpoint's silent minute is as surprising as it gets");
    }

    @Test
    void payoutDelayIsFlaggedWithinTheFirstLatePayouts() {
        // After four weeks of history one payout three times slower scores just under the threshold; the
        // next late payout of the same morning pages.
        assertDetectedWithin(payouts, "payout-delay", PayoutSimulation.SETTLEMENT, 1);
    }

    @Test
    void payoutFailuresAreFlagged() {
        assertDetectedWithin(payouts, "payout-failures", PayoutSimulation.FAILURES, 1);
    }

    @Test
    void noSeriesAlarmsOutsideItsIncidents() {
        for (Scenario scenario : List.of(merchant, payouts)) {
            for (LabelledSeries s : scenario.series()) {
                List<Incident> own = scenario.incidents().stream().filter(i -> i.series().contains(s.name())).toList();
                assertEquals(List.of(), falseAlarms(run(s), own, 60), scenario.name() + " " + s.name());
            }
        }
    }

    private static void assertDetectedWithin(Scenario scenario, String type, String seriesName, int windows) {
        int delay = delay(run(series(scenario, seriesName)), incident(scenario, type));
        assertTrue(delay >= 0 && delay <= windows,
                type + " in " + seriesName + ": flagged after " + delay + " windows, expected at most " + windows);
    }

    private static Verdict firstAnomaly(Scenario scenario, String type, String seriesName) {
        Incident incident = incident(scenario, type);
        return run(series(scenario, seriesName)).stream()
                .filter(v -> v.anomalous() && v.windowStart() >= incident.start()).findFirst().orElseThrow();
    }
}
