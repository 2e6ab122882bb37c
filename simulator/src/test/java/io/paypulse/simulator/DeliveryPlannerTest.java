package io.paypulse.simulator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeliveryPlannerTest {

    private static final long START = Instant.parse("2026-11-24T10:00:00Z").toEpochMilli();

    @Test
    void duplicatesLateDeliveriesAndReorderingComeAtTheConfiguredRates() {
        DeliveryProfile profile = new DeliveryProfile(Duration.ofMillis(700), Duration.ofSeconds(5), 0.02, 0.04,
                Duration.ofMinutes(2), Duration.ofMinutes(10));
        DeliveryPlanner planner = new DeliveryPlanner(profile, List.of(), START, 1);
        int events = 50_000;
        Map<Delivery.Kind, Integer> kinds = new EnumMap<>(Delivery.Kind.class);
        List<Delivery> all = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            SimulatedEvent e = event(i, START / 1000 + i / 10);
            List<Delivery> planned = planner.plan(e);
            assertTrue(planned.stream().anyMatch(d -> d.kind() != Delivery.Kind.DUPLICATE), "every event is delivered");
            for (Delivery d : planned) {
                kinds.merge(d.kind(), 1, Integer::sum);
                all.add(d);
                long after = d.dueMillis() - e.created() * 1000;
                switch (d.kind()) {
                    case FIRST -> assertTrue(after >= 0 && after < 1000 + 21_000 + 5_000, "first delivery in seconds: " + after);
                    case LATE_FIRST, LATE_REDELIVERY -> assertTrue(after >= 120_000 && after <= 601_000, "late: " + after);
                    default -> {
                    }
                }
            }
        }
        assertEquals(0.02, kinds.get(Delivery.Kind.DUPLICATE) / (double) events, 0.003);
        // Late: 4% of events, half delivered only late, half on time and again late.
        assertEquals(0.02, kinds.get(Delivery.Kind.LATE_FIRST) / (double) events, 0.003);
        assertEquals(0.02, kinds.get(Delivery.Kind.LATE_REDELIVERY) / (double) events, 0.003);
        assertEquals(events - kinds.get(Delivery.Kind.LATE_FIRST), kinds.get(Delivery.Kind.FIRST));

        // Out of order: sorted by when they are delivered, many first deliveries overtake an earlier event.
        List<Delivery> firsts = new ArrayList<>(all.stream().filter(d -> d.kind() == Delivery.Kind.FIRST).toList());
        Collections.sort(firsts);
        long overtaken = 0;
        for (int i = 1; i < firsts.size(); i++) {
            if (firsts.get(i).event().created() < firsts.get(i - 1).event().created()) {
                overtaken++;
            }
        }
        assertTrue(overtaken > firsts.size() / 20, "deliveries out of created order: " + overtaken);
    }

    @Test
    void thePerfectProfileDeliversEveryEventOnceInSecondOrder() {
        DeliveryPlanner planner = new DeliveryPlanner(DeliveryProfile.perfect(), List.of(), START, 2);
        for (int i = 0; i < 10_000; i++) {
            List<Delivery> planned = planner.plan(event(i, START / 1000 + i));
            assertEquals(1, planned.size());
            assertEquals(Delivery.Kind.FIRST, planned.get(0).kind());
        }
    }

    @Test
    void aLatencySpikeDelaysDeliveriesInsideItOnly() {
        Incident spike = new Incident.LatencySpike(Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ofSeconds(90), 1);
        DeliveryPlanner planner = new DeliveryPlanner(DeliveryProfile.perfect(), List.of(spike), START, 3);
        long before = planner.plan(event(1, START / 1000 + 300)).get(0).dueMillis() - (START + 300_000);
        long during = planner.plan(event(2, START / 1000 + 700)).get(0).dueMillis() - (START + 700_000);
        long after = planner.plan(event(3, START / 1000 + 1000)).get(0).dueMillis() - (START + 1_000_000);
        assertTrue(before < 20_000, "before: " + before);
        assertTrue(during >= 81_000 && during < 120_000, "during: " + during);
        assertTrue(after < 20_000, "after: " + after);

        Incident slower = new Incident.LatencySpike(Duration.ZERO, Duration.ofMinutes(5), Duration.ZERO, 20);
        DeliveryPlanner times20 = new DeliveryPlanner(new DeliveryProfile(Duration.ofSeconds(1), Duration.ZERO, 0, 0,
                Duration.ofMinutes(2), Duration.ofMinutes(10)), List.of(slower), START, 4);
        long sum = 0;
        for (int i = 0; i < 1000; i++) {
            sum += times20.plan(event(i, START / 1000 + 10)).get(0).dueMillis() - (START + 10_000);
        }
        assertTrue(sum / 1000 > 15_000, "a multiplier of 20 on a 1 s median: mean " + sum / 1000 + " ms");
    }

    @Test
    void aSilenceWithABacklogHoldsDeliveriesUntilItEnds() {
        Incident silence = new Incident.Silence(Duration.ofMinutes(10), Duration.ofMinutes(5), true);
        DeliveryPlanner planner = new DeliveryPlanner(DeliveryProfile.perfect(), List.of(silence), START, 5);
        long silenceEnd = START + Duration.ofMinutes(15).toMillis();
        for (int s = 600; s < 890; s++) {
            Delivery d = planner.plan(event(s, START / 1000 + s)).get(0);
            assertEquals(Delivery.Kind.BACKLOG, d.kind());
            assertTrue(d.dueMillis() >= silenceEnd && d.dueMillis() < silenceEnd + 30_000);
        }
        assertEquals(Delivery.Kind.FIRST, planner.plan(event(1, START / 1000 + 910)).get(0).kind());
    }

    private static SimulatedEvent event(int n, long created) {
        return new SimulatedEvent("evt_" + n, "charge.succeeded", created, "{}", null, false);
    }
}
