package io.paypulse.flink.anomaly;

import io.paypulse.detect.Detector;
import io.paypulse.detect.DetectorConfig;
import io.paypulse.detect.Detectors;
import io.paypulse.detect.Kind;
import io.paypulse.detect.Observation;
import io.paypulse.detect.Verdict;
import io.paypulse.infra.stripe.SimulatedCardTraffic;
import io.paypulse.infra.stripe.SimulatedCardTraffic.Segment;
import io.paypulse.simulator.Poisson;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job's detection and incident logic without Flink: decline rates per dimension key of a card
 * business, minute by minute, through one detector per series and the incident book, as
 * {@link SeriesDetectorFunction} and {@link IncidentTrackerFunction} run them.
 */
class DeclineSpikeScenarioTest {

    private static final long T0 = 1_793_000_000L - 1_793_000_000L % 86_400 + 9 * 3600;

    @Test
    void aVisaBrazilSpikeIsOneIncidentThatPagesOnceAndResolvesOnce() {
        List<AlertRequest> alerts = run(160, 90, 105, 135, 0.45);
        List<String> actions = alerts.stream().map(AlertRequest::action).toList();
        assertEquals(List.of("trigger", "resolve"), actions, alerts.toString());
    }

    @Test
    void noSpikeNoPage() {
        assertEquals(List.of(), run(160, 0, 0, 240, 0.0));
    }

    private List<AlertRequest> run(double perMinute, int spikeFrom, int spikeTo, int minutes, double spikeRate) {
        SplittableRandom random = new SplittableRandom(7);
        DetectorConfig config = DetectorConfig.defaults().withWarmupWindows(30);
        Map<String, Detector> detectors = new LinkedHashMap<>();
        IncidentBook book = new IncidentBook(60, 5, 1800);
        List<AlertRequest> out = new ArrayList<>();
        Map<String, String> pending = new LinkedHashMap<>();
        for (int m = 0; m < minutes; m++) {
            long window = T0 + 60L * m;
            Map<String, long[]> keys = new TreeMap<>();
            for (int s = 0; s < SimulatedCardTraffic.SEGMENTS.size(); s++) {
                Segment seg = SimulatedCardTraffic.SEGMENTS.get(s);
                double rate = s == SimulatedCardTraffic.VISA_BR && m >= spikeFrom && m < spikeTo ? spikeRate
                        : seg.declineRate();
                int n = Poisson.sample(random, perMinute * seg.share());
                int declined = 0;
                for (int i = 0; i < n; i++) {
                    declined += random.nextDouble() < rate ? 1 : 0;
                }
                for (String key : new String[] {"all|", "payment_method_type|payment_method_type=card",
                        "card_brand|card_brand=" + seg.brand(), "card_country|card_country=" + seg.country(),
                        "card_brand,card_country|card_brand=" + seg.brand() + ",card_country=" + seg.country(),
                        "currency|currency=" + seg.currency(), "account|account="}) {
                    long[] c = keys.computeIfAbsent(key, k -> new long[2]);
                    c[0] += n;
                    c[1] += declined;
                }
            }
            for (Map.Entry<String, long[]> e : keys.entrySet()) {
                String[] parts = e.getKey().split("\\|", -1);
                long attempts = e.getValue()[0];
                if (attempts == 0) {
                    continue;
                }
                SeriesPoint p = new SeriesPoint(SeriesPoints.FAMILY_DECLINES, SeriesPoints.DECLINE_RATE, "RATE",
                        parts[0], parts[1], window, (double) e.getValue()[1] / attempts, attempts);
                Detector d = detectors.computeIfAbsent(p.seriesId(), k -> Detectors.create(Kind.RATE, config));
                Verdict v = d.observe(new Observation(window, p.value(), p.count()));
                IncidentBook.Changes changes = book.accept(
                        new SeriesVerdict(p, v.expected(), v.score(), v.anomalous(), v.direction().name()));
                for (AlertRequest a : changes.alerts()) {
                    if (a.action().equals(AlertRequest.TRIGGER)) {
                        pending.put(a.incidentId(), a.action());
                    } else if (!(a.action().equals(AlertRequest.RESOLVE) && pending.remove(a.incidentId()) != null)) {
                        out.add(a);
                    }
                }
            }
            // the end of the window: held triggers go out, named by the most specific member
            for (String id : pending.keySet()) {
                book.currentTrigger(id, window).ifPresent(out::add);
            }
            pending.clear();
        }
        return out;
    }
}
