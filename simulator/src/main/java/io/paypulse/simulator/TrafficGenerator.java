package io.paypulse.simulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Creates the scenario's Stripe events, slice by slice of simulated time: Poisson counts per segment
 * following the day's and week's volume, declines at each segment's rate with its own reasons, a
 * PaymentIntent event with every charge, and payouts, with the scenario's incidents applied.
 * Deterministic for a seed and a sequence of slices.
 */
public final class TrafficGenerator {

    private final Scenario scenario;
    private final TrafficMix mix;
    private final SplittableRandom random;
    private final EventIds ids;
    private final long scenarioStartMillis;
    private final double[] cumulativeShare;

    /**
     * @param runTag              makes this run's ids differ from every other run's (the job drops ids it has seen)
     * @param scenarioStartMillis simulated epoch millis at which the scenario (offset 0) begins
     */
    public TrafficGenerator(Scenario scenario, TrafficMix mix, long seed, String runTag, long scenarioStartMillis) {
        this.scenario = scenario;
        this.mix = mix;
        this.random = new SplittableRandom(seed);
        this.ids = new EventIds(runTag);
        this.scenarioStartMillis = scenarioStartMillis;
        this.cumulativeShare = new double[mix.segments().size()];
        double sum = 0;
        for (int i = 0; i < cumulativeShare.length; i++) {
            sum += mix.segments().get(i).share();
            cumulativeShare[i] = sum;
        }
    }

    /** The events created in {@code [fromMillis, toMillis)} (simulated epoch millis), in {@code created} order. */
    public List<SimulatedEvent> slice(long fromMillis, long toMillis) {
        List<SimulatedEvent> out = new ArrayList<>();
        if (toMillis <= fromMillis) {
            return out;
        }
        double minutes = (toMillis - fromMillis) / 60_000.0;
        double level = TrafficMix.volumeLevel(fromMillis / 1000);
        double total = mix.totalShare();
        for (Segment segment : mix.segments()) {
            int n = Poisson.sample(random, scenario.ratePerMinute() * level * segment.share() / total * minutes);
            for (int i = 0; i < n; i++) {
                long createdMillis = fromMillis + (long) (random.nextDouble() * (toMillis - fromMillis));
                if (!silenced(createdMillis)) {
                    charge(segment, createdMillis / 1000, out);
                }
            }
        }
        int payouts = Poisson.sample(random, scenario.payoutsPerHour() * minutes / 60);
        for (int i = 0; i < payouts; i++) {
            long createdMillis = fromMillis + (long) (random.nextDouble() * (toMillis - fromMillis));
            if (!silenced(createdMillis)) {
                out.add(payout(createdMillis / 1000));
            }
        }
        out.sort(Comparator.comparingLong(SimulatedEvent::created));
        return out;
    }

    private boolean silenced(long createdMillis) {
        long offset = createdMillis - scenarioStartMillis;
        for (Incident incident : scenario.incidents()) {
            if (incident instanceof Incident.Silence s && !s.backlog() && s.activeAt(offset)) {
                return true;
            }
        }
        return false;
    }

    private void charge(Segment segment, long created, List<SimulatedEvent> out) {
        double declineRate = segment.declineRate();
        String forcedCode = null;
        long offset = created * 1000 - scenarioStartMillis;
        for (Incident incident : scenario.incidents()) {
            if (incident instanceof Incident.DeclineSpike spike && spike.activeAt(offset) && spike.segment().matches(segment)) {
                declineRate = spike.declineRate();
                forcedCode = spike.declineCode();
            }
        }
        boolean declined = random.nextDouble() < declineRate;
        DeclineReason reason = null;
        if (declined) {
            reason = pick(segment.declines());
            if (forcedCode != null) {
                String code = forcedCode;
                reason = segment.declines().stream().filter(r -> r.declineCode().equals(code)).findFirst()
                        .orElse(new DeclineReason("card_declined", code, null, "issuer_declined", 1));
            }
        }
        String wallet = null;
        if (segment.isCard()) {
            double w = random.nextDouble();
            wallet = w < 0.12 ? "apple_pay" : w < 0.18 ? "google_pay" : w < 0.21 ? "link" : null;
        }
        String chargeId = ids.next("ch_");
        StripeEventFactory.Charge charge = new StripeEventFactory.Charge(chargeId, "pi_" + chargeId.substring(3), created,
                segment, amount(segment.currency()), !declined, reason, wallet, random.nextInt(1_000_000));
        String chargeEvent = ids.next("evt_");
        out.add(new SimulatedEvent(chargeEvent, declined ? "charge.failed" : "charge.succeeded", created,
                StripeEventFactory.chargeEvent(chargeEvent, charge), segment, declined));
        String intentEvent = ids.next("evt_");
        out.add(new SimulatedEvent(intentEvent, declined ? "payment_intent.payment_failed" : "payment_intent.succeeded",
                created, StripeEventFactory.paymentIntentEvent(intentEvent, charge), segment, declined));
    }

    private SimulatedEvent payout(long eventCreated) {
        Segment segment = segmentByShare();
        String currency = segment.currency();
        boolean instant = random.nextDouble() < 0.10;
        double days = instant ? (20 + random.nextDouble() * 20) / 1440.0
                : TrafficMix.PAYOUT_DAYS.getOrDefault(currency, 2.0) + (random.nextDouble() - 0.5) / 2;
        String delayedCurrency = null;
        long offset = eventCreated * 1000 - scenarioStartMillis;
        for (Incident incident : scenario.incidents()) {
            if (incident instanceof Incident.PayoutDelay delay && delay.activeAt(offset)
                    && (delay.currency() == null || delay.currency().equalsIgnoreCase(currency))) {
                days += delay.days();
                delayedCurrency = currency;
            }
        }
        long arrival = eventCreated;
        long payoutCreated = arrival - Math.round(days * 86_400);
        boolean paid = random.nextDouble() >= (delayedCurrency != null ? 0.05 : 0.015);
        long amount = Math.max(1_000, (long) (TrafficMix.MEDIAN_AMOUNT.getOrDefault(currency, 4_000L) * 40
                * Math.exp(random.nextGaussian() * 0.7)));
        String eventId = ids.next("evt_");
        String payoutId = ids.next("po_");
        return new SimulatedEvent(eventId, paid ? "payout.paid" : "payout.failed", eventCreated,
                StripeEventFactory.payoutEvent(eventId, payoutId, eventCreated, payoutCreated, arrival, amount, currency,
                        instant ? "instant" : "standard", paid), null, false);
    }

    private Segment segmentByShare() {
        double x = random.nextDouble() * cumulativeShare[cumulativeShare.length - 1];
        for (int i = 0; i < cumulativeShare.length; i++) {
            if (x < cumulativeShare[i]) {
                return mix.segments().get(i);
            }
        }
        return mix.segments().get(cumulativeShare.length - 1);
    }

    private DeclineReason pick(List<DeclineReason> reasons) {
        double total = 0;
        for (DeclineReason r : reasons) {
            total += r.weight();
        }
        double x = random.nextDouble() * total;
        for (DeclineReason r : reasons) {
            x -= r.weight();
            if (x < 0) {
                return r;
            }
        }
        return reasons.get(reasons.size() - 1);
    }

    private long amount(String currency) {
        long median = TrafficMix.MEDIAN_AMOUNT.getOrDefault(currency, 4_000L);
        return Math.max(50, Math.round(median * Math.exp(random.nextGaussian() * 0.8)));
    }
}
