package io.paypulse.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Plans when Stripe delivers each event: a log-normal delay after {@code created}, a little more so
 * deliveries overtake each other, sometimes twice, sometimes minutes late, later during a latency
 * spike, and after the end of a silence with a backlog. Deterministic for a seed and a sequence of events.
 */
public final class DeliveryPlanner {

    /** Spread of the log-normal delay: p99 is about four times the median. */
    private static final double LATENCY_SIGMA = 0.6;

    private final DeliveryProfile profile;
    private final List<Incident> incidents;
    private final long scenarioStartMillis;
    private final SplittableRandom random;
    private long sequence;

    public DeliveryPlanner(DeliveryProfile profile, List<Incident> incidents, long scenarioStartMillis, long seed) {
        this.profile = profile;
        this.incidents = List.copyOf(incidents);
        this.scenarioStartMillis = scenarioStartMillis;
        this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    /** The deliveries of {@code event}, at least one. */
    public List<Delivery> plan(SimulatedEvent event) {
        // created has whole seconds; the event happened somewhere within that second.
        long happened = event.created() * 1000 + random.nextInt(1000);
        long first = happened + latency(happened);
        List<Delivery> out = new ArrayList<>(2);
        boolean late = random.nextDouble() < profile.lateRate();
        boolean lateOnly = late && random.nextBoolean();
        if (!lateOnly) {
            out.add(delivery(event, first, Delivery.Kind.FIRST));
        }
        if (random.nextDouble() < profile.duplicateRate()) {
            out.add(delivery(event, first + 1_000 + random.nextInt(59_000), Delivery.Kind.DUPLICATE));
        }
        if (late) {
            long min = profile.lateMin().toMillis();
            long span = Math.max(1, profile.lateMax().toMillis() - min);
            long at = happened + min + (long) (random.nextDouble() * span);
            out.add(delivery(event, at, lateOnly ? Delivery.Kind.LATE_FIRST : Delivery.Kind.LATE_REDELIVERY));
        }
        return out;
    }

    private Delivery delivery(SimulatedEvent event, long due, Delivery.Kind kind) {
        long offset = due - scenarioStartMillis;
        for (Incident incident : incidents) {
            if (incident instanceof Incident.Silence s && s.backlog() && s.activeAt(offset)) {
                // The endpoint was unreachable; Stripe's retries land over the half minute after it is back.
                due = scenarioStartMillis + s.end().toMillis() + random.nextInt(30_000);
                kind = Delivery.Kind.BACKLOG;
            }
        }
        return new Delivery(event, due, kind, sequence++);
    }

    private long latency(long happened) {
        double median = profile.latencyMedian().toMillis();
        double delay = Math.min(median * 30, median * Math.exp(LATENCY_SIGMA * random.nextGaussian()));
        long offset = happened - scenarioStartMillis;
        for (Incident incident : incidents) {
            if (incident instanceof Incident.LatencySpike spike && spike.activeAt(offset)) {
                delay = delay * spike.multiplier() + spike.delay().toMillis() * (0.9 + 0.2 * random.nextDouble());
            }
        }
        long reorder = profile.reorderWithin().toMillis();
        return Math.round(delay) + (reorder > 0 ? (long) (random.nextDouble() * reorder) : 0);
    }
}
