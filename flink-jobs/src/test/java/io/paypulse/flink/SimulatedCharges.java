package io.paypulse.flink;

import io.paypulse.infra.stripe.SimulatedCardTraffic;
import io.paypulse.infra.stripe.SimulatedCardTraffic.Segment;
import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.EnvelopeHeaders;
import io.paypulse.simulator.Poisson;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Charge webhooks of a card business, minute by minute, as the bridge writes them: six brand × country
 * segments with their own volumes and decline rates, a daily volume cycle, Poisson counts, a realistic
 * decline-code mix, and delivery latencies of 0.2 to 3 s. Optionally one segment's decline rate spikes
 * for a span of minutes. Deterministic for a seed.
 */
final class SimulatedCharges {

    /** {@code segment}'s decline rate is {@code declineRate} from minute {@code from} (inclusive) to {@code to}. */
    record Spike(int segment, int from, int to, double declineRate) {
    }

    private static final String[][] DECLINES = {{"card_declined", "05"}, {"card_declined", "05"},
            {"insufficient_funds", "51"}, {"do_not_honor", "05"}, {"expired_card", "54"}, {"incorrect_cvc", "N7"}};

    private final BridgeTopic topic;
    private final SplittableRandom random;
    private final double chargesPerMinute;
    private final boolean dailyCycle;
    private long sequence;

    SimulatedCharges(BridgeTopic topic, long seed, double chargesPerMinute, boolean dailyCycle) {
        this.topic = topic;
        this.random = new SplittableRandom(seed);
        this.chargesPerMinute = chargesPerMinute;
        this.dailyCycle = dailyCycle;
    }

    /** The records of {@code minutes} minutes from {@code startEpochSecond} (a minute boundary), in time order. */
    List<ProducerRecord<byte[], byte[]>> minutes(long startEpochSecond, int minutes, Spike spike) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int m = 0; m < minutes; m++) {
            long minuteStart = startEpochSecond + 60L * m;
            double level = dailyCycle ? daily(minuteStart) : 1.0;
            for (int s = 0; s < SimulatedCardTraffic.SEGMENTS.size(); s++) {
                Segment seg = SimulatedCardTraffic.SEGMENTS.get(s);
                double rate = spike != null && spike.segment() == s && m >= spike.from() && m < spike.to()
                        ? spike.declineRate() : seg.declineRate();
                int n = Poisson.sample(random, chargesPerMinute * seg.share() * level);
                for (int i = 0; i < n; i++) {
                    long created = minuteStart + random.nextInt(60);
                    out.add(charge(seg, created, random.nextDouble() < rate));
                }
            }
        }
        out.sort((a, b) -> Long.compare(receivedAt(a), receivedAt(b)));
        return out;
    }

    /** 0.3 at 4am to 1.7 at 4pm UTC, a smooth daily curve. */
    static double daily(long epochSecond) {
        double hour = (epochSecond % 86_400) / 3600.0;
        return 1.0 - 0.7 * Math.cos((hour - 4) / 24 * 2 * Math.PI);
    }

    private ProducerRecord<byte[], byte[]> charge(Segment seg, long created, boolean declined) {
        long n = sequence++;
        String id = String.format("evt_3Sim%016x", n);
        String charge = String.format("ch_3Sim%016x", n);
        long amount = 500 + random.nextInt(20_000);
        String body;
        if (declined) {
            String[] code = DECLINES[random.nextInt(DECLINES.length)];
            body = StripeEventSamples.chargeFailed(id, charge, created, seg.brand(), seg.country(), amount, seg.currency(),
                    code[0], code[1]);
        } else {
            body = StripeEventSamples.chargeSucceeded(id, charge, created, seg.brand(), seg.country(), amount,
                    seg.currency());
        }
        return topic.delivery(body, SimulatedCardTraffic.deliveryLatencyMillis(random));
    }

    private static long receivedAt(ProducerRecord<byte[], byte[]> r) {
        return BridgeTopic.longHeader(r, EnvelopeHeaders.RECEIVED_AT);
    }
}
