package io.paypulse.infra.stripe;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The card business the job's and the dashboards' tests simulate: six brand × country segments with
 * their share of the charges and usual decline rate, and how late Stripe delivers each event. The
 * tests that spike a segment's declines spike {@link #VISA_BR}.
 */
public final class SimulatedCardTraffic {

    /** A brand × country segment: its share of the charges and its usual decline rate. */
    public record Segment(String brand, String country, String currency, double share, double declineRate) {
    }

    /** The shares add up to 1. */
    public static final List<Segment> SEGMENTS = List.of(
            new Segment("visa", "US", "usd", 0.31, 0.05),
            new Segment("visa", "BR", "brl", 0.25, 0.07),
            new Segment("mastercard", "US", "usd", 0.19, 0.05),
            new Segment("mastercard", "BR", "brl", 0.09, 0.08),
            new Segment("amex", "US", "usd", 0.07, 0.04),
            new Segment("visa", "GB", "gbp", 0.09, 0.06));

    /** The index of visa × BR in {@link #SEGMENTS}. */
    public static final int VISA_BR = 1;

    private SimulatedCardTraffic() {
    }

    /** Stripe's delivery latency in milliseconds: 0.2 to 3 seconds, log-uniform. */
    public static long deliveryLatencyMillis(RandomGenerator random) {
        return 200 + (long) (Math.exp(random.nextDouble() * Math.log(14)) * 200);
    }
}
