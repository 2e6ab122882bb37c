package io.paypulse.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrafficGeneratorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Tuesday 2026-11-24 00:00 UTC. */
    private static final long MIDNIGHT = Instant.parse("2026-11-24T00:00:00Z").toEpochMilli();
    private static final TrafficMix MIX = TrafficMix.standard();

    @Test
    void aFixedSeedGivesTheSameTrafficEveryTime() {
        Scenario scenario = scenario(600, List.of());
        List<SimulatedEvent> a = minutes(new TrafficGenerator(scenario, MIX, 42, "t1", MIDNIGHT), MIDNIGHT, 30);
        List<SimulatedEvent> b = minutes(new TrafficGenerator(scenario, MIX, 42, "t1", MIDNIGHT), MIDNIGHT, 30);
        assertEquals(a, b);
        // Exact for this seed: the generator's randomness is part of its contract with these tests.
        assertEquals(17896, a.size());
        assertEquals(8945, a.stream().filter(SimulatedEvent::isCharge).count());
    }

    @Test
    void theMixFollowsTheSegmentsSharesDeclineRatesAndReasons() throws Exception {
        // 90 afternoon minutes at 1,000 charges a minute at peak: every segment has a thousand charges or more.
        long from = MIDNIGHT + Duration.ofHours(14).toMillis();
        List<SimulatedEvent> events = minutes(new TrafficGenerator(scenario(1000, List.of()), MIX, 7, "t2", from), from, 90);
        Map<Segment, int[]> bySegment = new HashMap<>();
        Map<String, Integer> types = new HashMap<>();
        Map<String, Integer> reasons = new HashMap<>();
        Set<String> ids = new HashSet<>();
        Set<String> currencies = new HashSet<>();
        Set<String> methods = new HashSet<>();
        for (SimulatedEvent e : events) {
            assertTrue(ids.add(e.id()), "ids are unique: " + e.id());
            types.merge(e.type(), 1, Integer::sum);
            if (e.isCharge()) {
                int[] counts = bySegment.computeIfAbsent(e.segment(), s -> new int[2]);
                counts[0]++;
                if (e.declined()) {
                    counts[1]++;
                }
                // Reading every body would only make the test slow: every declined one, and one in ten others.
                if (e.declined() || counts[0] % 10 == 0) {
                    JsonNode charge = JSON.readTree(e.body()).path("data").path("object");
                    currencies.add(charge.path("currency").asText());
                    methods.add(charge.path("payment_method_details").path("type").asText());
                    assertEquals(e.segment().currency(), charge.path("currency").asText());
                    if (e.declined()) {
                        reasons.merge(charge.path("outcome").path("reason").asText(), 1, Integer::sum);
                    }
                }
            }
        }
        int charges = bySegment.values().stream().mapToInt(c -> c[0]).sum();
        for (Segment s : MIX.segments()) {
            int[] c = bySegment.get(s);
            double share = (double) c[0] / charges;
            assertEquals(s.share() / MIX.totalShare(), share, 0.005, "share of " + s.label());
            double rate = (double) c[1] / c[0];
            assertEquals(s.declineRate(), rate, 3.5 * Math.sqrt(s.declineRate() * (1 - s.declineRate()) / c[0]) + 0.002,
                    "decline rate of " + s.label() + " over " + c[0] + " charges");
        }
        // Every charge has its PaymentIntent event, and payouts come at their rate (20 an hour here).
        assertEquals(types.get("charge.succeeded"), types.get("payment_intent.succeeded"));
        assertEquals(types.get("charge.failed"), types.get("payment_intent.payment_failed"));
        int payouts = types.getOrDefault("payout.paid", 0) + types.getOrDefault("payout.failed", 0);
        assertEquals(30, payouts, 15);
        assertEquals(Set.of("usd", "brl", "gbp", "eur", "mxn", "jpy"), currencies);
        assertEquals(Set.of("card", "sepa_debit", "us_bank_account"), methods);
        // Generic declines and insufficient funds lead; Radar blocks and expired cards are there too.
        assertTrue(reasons.get("generic_decline") > reasons.get("expired_card"), reasons.toString());
        assertTrue(reasons.get("insufficient_funds") > reasons.get("incorrect_cvc"), reasons.toString());
        assertTrue(reasons.containsKey("highest_risk_level"), reasons.toString());
    }

    @Test
    void volumeFollowsTheDayAndTheWeek() {
        long tuesday = MIDNIGHT / 1000;
        assertEquals(0.35, TrafficMix.volumeLevel(tuesday + 4 * 3600), 1e-9);
        assertEquals(1.0, TrafficMix.volumeLevel(tuesday + 16 * 3600), 1e-9);
        long saturday = tuesday + 4 * 86_400;
        assertEquals(0.75, TrafficMix.volumeLevel(saturday + 16 * 3600), 1e-9);

        Scenario scenario = scenario(600, List.of());
        int night = minutes(new TrafficGenerator(scenario, MIX, 3, "t3", MIDNIGHT), MIDNIGHT + 3_600_000L * 4, 30).size();
        int afternoon = minutes(new TrafficGenerator(scenario, MIX, 3, "t3", MIDNIGHT), MIDNIGHT + 3_600_000L * 16, 30).size();
        assertEquals(0.35, (double) night / afternoon, 0.05);
    }

    @Test
    void aDeclineSpikeHitsItsSegmentAndNothingElse() {
        Incident spike = new Incident.DeclineSpike(Duration.ofMinutes(60), Duration.ofMinutes(30),
                new SegmentFilter(null, "visa", "BR", null, null), 0.45, null);
        long from = MIDNIGHT + Duration.ofHours(14).toMillis();
        List<SimulatedEvent> events = minutes(new TrafficGenerator(scenario(1000, List.of(spike)), MIX, 11, "t4", from), from, 120);
        long spikeFrom = from / 1000 + 3600;
        long spikeTo = spikeFrom + 1800;
        double[] visaBrDuring = rate(events, e -> e.segment().brand().equals("visa") && e.segment().country().equals("BR"),
                spikeFrom, spikeTo);
        double[] visaBrBefore = rate(events, e -> e.segment().brand().equals("visa") && e.segment().country().equals("BR"),
                from / 1000, spikeFrom);
        double[] othersDuring = rate(events, e -> !(e.segment().brand().equals("visa") && e.segment().country().equals("BR")),
                spikeFrom, spikeTo);
        double[] othersBefore = rate(events, e -> !(e.segment().brand().equals("visa") && e.segment().country().equals("BR")),
                from / 1000, spikeFrom);
        assertEquals(0.45, visaBrDuring[0], 0.03, "Visa x BR during the spike, " + visaBrDuring[1] + " charges");
        assertEquals(0.08, visaBrBefore[0], 0.02, "Visa x BR before it");
        assertEquals(othersBefore[0], othersDuring[0], 0.01, "every other segment is unchanged");
    }

    @Test
    void aSilenceWithoutBacklogCreatesNothingAndAPayoutDelayLengthensSettlement() throws Exception {
        Incident silence = new Incident.Silence(Duration.ofMinutes(10), Duration.ofMinutes(5), false);
        Incident delay = new Incident.PayoutDelay(Duration.ofMinutes(20), Duration.ofMinutes(40), 2, null);
        long from = MIDNIGHT + Duration.ofHours(14).toMillis();
        Scenario scenario = scenario(600, List.of(silence, delay)).withDelivery(DeliveryProfile.perfect());
        Scenario withPayouts = new Scenario("t", "", 600, 600, 1, Optional.of(Duration.ofHours(2)), scenario.delivery(),
                scenario.incidents());
        List<SimulatedEvent> events = minutes(new TrafficGenerator(withPayouts, MIX, 5, "t5", from), from, 60);
        long silentFrom = from / 1000 + 600;
        assertEquals(0, events.stream().filter(e -> e.created() >= silentFrom && e.created() < silentFrom + 300).count());
        assertTrue(events.stream().filter(e -> e.created() >= silentFrom + 300 && e.created() < silentFrom + 360).count() > 10);

        List<Double> before = new ArrayList<>();
        List<Double> during = new ArrayList<>();
        for (SimulatedEvent e : events) {
            if (!e.type().equals("payout.paid")) {
                continue;
            }
            JsonNode po = JSON.readTree(e.body()).path("data").path("object");
            assertEquals(e.created(), po.path("arrival_date").asLong());
            double days = (po.path("arrival_date").asLong() - po.path("created").asLong()) / 86_400.0;
            if (po.path("method").asText().equals("standard")) {
                (e.created() < from / 1000 + 1200 ? before : during).add(days);
            }
        }
        double meanBefore = before.stream().mapToDouble(d -> d).average().orElseThrow();
        double meanDuring = during.stream().mapToDouble(d -> d).average().orElseThrow();
        assertEquals(2.0, meanDuring - meanBefore, 0.3, "payouts in the incident arrive two days later");
    }

    private static double[] rate(List<SimulatedEvent> events, java.util.function.Predicate<SimulatedEvent> which, long from, long to) {
        long charges = 0;
        long declined = 0;
        for (SimulatedEvent e : events) {
            if (e.isCharge() && e.created() >= from && e.created() < to && which.test(e)) {
                charges++;
                if (e.declined()) {
                    declined++;
                }
            }
        }
        return new double[]{(double) declined / charges, charges};
    }

    static Scenario scenario(double rate, List<Incident> incidents) {
        return new Scenario("test", "", rate, 20, 1, Optional.of(Duration.ofHours(12)), DeliveryProfile.stripeLike(), incidents);
    }

    static List<SimulatedEvent> minutes(TrafficGenerator generator, long fromMillis, int minutes) {
        List<SimulatedEvent> out = new ArrayList<>();
        for (int m = 0; m < minutes; m++) {
            out.addAll(generator.slice(fromMillis + m * 60_000L, fromMillis + (m + 1) * 60_000L));
        }
        return out;
    }
}
