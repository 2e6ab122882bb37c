package io.paypulse.detect.quality;

import io.paypulse.detect.Kind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Minute-by-minute payments of one merchant, as the job's windows would show them: decline rates
 * overall and per segment, webhook volume overall and per event type, webhook latency p50/p99.
 *
 * <p>Traffic follows a daily curve (a midday and an evening peak, nights at about a sixth of the
 * peak), a weekly one (Friday busiest, weekends 20-30% lower), 2% growth a week, day-to-day level
 * noise and slowly wandering minute noise. Decline rates differ per segment, rise at night, wander,
 * and cluster: a declined card is often retried and declined again, which makes minute rates noisier
 * than a binomial. Webhook latency is a mixture of a normal population and a slow tail, slower under
 * load; a minute's p50 and p99 are drawn as order statistics of the minute's events. Incidents are
 * disruptions of these mechanisms over a span, never edits of the output.
 */
public final class MerchantSimulation {

    /** Monday 2026-10-05 00:00 UTC: every scenario starts on a Monday. */
    public static final long START = 1791158400L;

    public static final String RATE_ALL = "rate:all";
    public static final String VOLUME_ALL = "volume:all";
    public static final String VOLUME_FAILED = "volume:charge.failed";
    public static final String VOLUME_REFUNDED = "volume:charge.refunded";
    public static final String LATENCY_P50 = "latency:p50";
    public static final String LATENCY_P99 = "latency:p99";
    public static final String REST = "rest";

    private static final double[] WEEKDAY_FACTOR = {1.0, 1.02, 1.0, 1.03, 1.08, 0.78, 0.70};
    private static final double RETRY_PROBABILITY = 0.25;
    private static final double RETRY_DECLINED = 0.7;
    private static final double BASE_LATENCY_MS = 300;
    private static final double SLOW_FRACTION = 0.012;
    private static final double SLOW_FACTOR = 6;
    private static final double FAST_SIGMA = 0.45;
    private static final double SLOW_SIGMA = 0.6;

    private record Segment(String name, double share, double declineRate) {
    }

    public enum Effect {
        /** One segment's decline probability moves to {@code a}, linearly over {@code b} minutes. */
        SEGMENT_DECLINES,
        /** Every segment's decline probability plus {@code a}. */
        ALL_DECLINES_ADD,
        /** Every segment's decline probability times {@code a}. */
        ALL_DECLINES_SCALE,
        /** {@code a} extra attempts a minute on a segment, declined with probability {@code b}. */
        CARD_TESTING,
        /** Every webhook {@code a} times slower. */
        LATENCY_SCALE,
        /** The slow tail grows to a fraction {@code a} of webhooks, {@code b} times the usual median. */
        LATENCY_TAIL,
        /** All payment traffic times {@code a}. */
        TRAFFIC_SCALE,
        /** No webhooks of one event type arrive. */
        EVENT_TYPE_SILENCE,
        /** No webhooks arrive at all. */
        ENDPOINT_SILENCE
    }

    private record Disruption(Effect effect, String target, double a, double b, long start, long end) {
        boolean active(long t) {
            return t >= start && t < end;
        }
    }

    private final String name;
    private final String description;
    private final long seed;
    private final int days;
    private final double peakAttempts;
    private final List<Segment> segments;
    private final List<Disruption> disruptions = new ArrayList<>();
    private final List<Incident> incidents = new ArrayList<>();

    /**
     * A merchant with {@code peakAttempts} payment attempts in its busiest minute, over {@code days} days
     * from {@link #START}, split into the segments visa-BR (5%), mastercard-US (22%), amex-US (10%),
     * small-issuer (1.5%) and the rest.
     */
    public MerchantSimulation(String name, String description, long seed, int days, double peakAttempts) {
        this.name = name;
        this.description = description;
        this.seed = seed;
        this.days = days;
        this.peakAttempts = peakAttempts;
        this.segments = List.of(
                new Segment("visa-BR", 0.05, 0.09),
                new Segment("mastercard-US", 0.22, 0.05),
                new Segment("amex-US", 0.10, 0.04),
                new Segment("small-issuer", 0.015, 0.07),
                new Segment(REST, 0.615, 0.065));
    }

    /** Labels an incident of {@code type} on {@code day} (0 = the first Monday) at {@code hhmm} UTC. */
    public MerchantSimulation incident(String type, int day, String hhmm, int minutes, List<String> series,
                                Effect effect, String target, double a, double b) {
        long start = START + day * 86400L + Integer.parseInt(hhmm.substring(0, 2)) * 3600L
                + Integer.parseInt(hhmm.substring(3, 5)) * 60L;
        long end = start + minutes * 60L;
        disruptions.add(new Disruption(effect, target, a, b, start, end));
        incidents.add(new Incident(type, start, end, series));
        return this;
    }

    public static String rate(String segment) {
        return "rate:" + segment;
    }

    public Scenario run() {
        Random traffic = new Random(seed);
        Random payments = new Random(seed * 31 + 1);
        Random webhooks = new Random(seed * 31 + 2);
        int minutes = days * 1440;
        double[] dayLevel = new double[days];
        for (int d = 0; d < days; d++) {
            dayLevel[d] = StrictMath.exp(0.04 * traffic.nextGaussian());
        }
        double shapePeak = 0;
        for (int m = 0; m < 1440; m++) {
            shapePeak = Math.max(shapePeak, dailyShape(m / 60.0));
        }

        List<LabelledSeries.Builder> rateSeries = new ArrayList<>();
        rateSeries.add(new LabelledSeries.Builder(RATE_ALL, Kind.RATE));
        for (Segment s : segments) {
            if (!s.name().equals(REST)) {
                rateSeries.add(new LabelledSeries.Builder(rate(s.name()), Kind.RATE));
            }
        }
        LabelledSeries.Builder volumeAll = new LabelledSeries.Builder(VOLUME_ALL, Kind.VOLUME);
        LabelledSeries.Builder volumeFailed = new LabelledSeries.Builder(VOLUME_FAILED, Kind.VOLUME);
        LabelledSeries.Builder volumeRefunded = new LabelledSeries.Builder(VOLUME_REFUNDED, Kind.VOLUME);
        LabelledSeries.Builder p50 = new LabelledSeries.Builder(LATENCY_P50, Kind.LATENCY);
        LabelledSeries.Builder p99 = new LabelledSeries.Builder(LATENCY_P99, Kind.LATENCY);

        double trafficNoise = 0;
        double[] segmentNoise = new double[segments.size()];
        double[] declineNoise = new double[segments.size()];
        double latencyNoise = 0;
        long[] attempts = new long[segments.size()];
        long[] declines = new long[segments.size()];

        for (int i = 0; i < minutes; i++) {
            long t = START + i * 60L;
            int day = i / 1440;
            double hour = (i % 1440 + 0.5) / 60.0;
            trafficNoise = 0.97 * trafficNoise + 0.015 * traffic.nextGaussian();
            double load = dailyShape(hour) / shapePeak * weekFactor(day % 7, hour) * (1 + 0.02 * i / 10080.0)
                    * dayLevel[day] * StrictMath.exp(trafficNoise);
            double lambda = peakAttempts * load;
            double nightness = 0.5 + 0.5 * StrictMath.cos(2 * StrictMath.PI * (hour - 3) / 24);

            long approvalsAll = 0;
            long declinesAll = 0;
            long firstDeclinesAll = 0;
            double meanDecline = 0;
            for (int s = 0; s < segments.size(); s++) {
                Segment segment = segments.get(s);
                segmentNoise[s] = 0.95 * segmentNoise[s] + 0.02 * traffic.nextGaussian();
                declineNoise[s] = 0.95 * declineNoise[s] + 0.03 * payments.nextGaussian();
                double segmentLambda = lambda * segment.share() * StrictMath.exp(segmentNoise[s]);
                double p = segment.declineRate() * (1 + 0.35 * nightness) * StrictMath.exp(declineNoise[s]);
                for (Disruption d : disruptions) {
                    if (!d.active(t)) {
                        continue;
                    }
                    switch (d.effect()) {
                        case TRAFFIC_SCALE -> segmentLambda *= d.a();
                        case ALL_DECLINES_ADD -> p += d.a();
                        case ALL_DECLINES_SCALE -> p *= d.a();
                        case SEGMENT_DECLINES -> {
                            if (d.target().equals(segment.name())) {
                                double progress = d.b() <= 0 ? 1 : Math.min(1, (t - d.start()) / 60.0 / d.b());
                                p = p + progress * (d.a() - p);
                            }
                        }
                        default -> {
                        }
                    }
                }
                p = Math.min(0.98, Math.max(0, p));
                meanDecline += segment.share() * p;
                long firstDeclines = Sampling.poisson(payments, segmentLambda * p);
                long approvals = Sampling.poisson(payments, segmentLambda * (1 - p));
                long declined = firstDeclines;
                // A declined card is often tried again at once, and mostly declined again.
                for (long r = 0; r < firstDeclines; r++) {
                    while (Sampling.chance(payments, RETRY_PROBABILITY)) {
                        if (Sampling.chance(payments, RETRY_DECLINED)) {
                            declined++;
                        } else {
                            approvals++;
                            break;
                        }
                    }
                }
                for (Disruption d : disruptions) {
                    if (d.active(t) && d.effect() == Effect.CARD_TESTING && d.target().equals(segment.name())) {
                        long tested = Sampling.poisson(payments, d.a());
                        long testedDeclined = 0;
                        for (long c = 0; c < tested; c++) {
                            testedDeclined += Sampling.chance(payments, d.b()) ? 1 : 0;
                        }
                        declined += testedDeclined;
                        approvals += tested - testedDeclined;
                        firstDeclines += testedDeclined;
                    }
                }
                attempts[s] = approvals + declined;
                declines[s] = declined;
                approvalsAll += approvals;
                declinesAll += declined;
                firstDeclinesAll += firstDeclines;
            }

            boolean endpointSilent = active(t, Effect.ENDPOINT_SILENCE, null);
            long refunded = Sampling.poisson(webhooks, 0.03 * lambda * (1 - meanDecline));
            long other = Sampling.poisson(webhooks, 0.35 * lambda);
            long failedEvents = declinesAll;
            if (active(t, Effect.EVENT_TYPE_SILENCE, "charge.refunded")) {
                refunded = 0;
            }
            if (active(t, Effect.EVENT_TYPE_SILENCE, "charge.failed")) {
                failedEvents = 0;
            }
            // charge.succeeded / charge.failed, and the payment_intent event that accompanies each first try.
            long events = approvalsAll + failedEvents + approvalsAll + firstDeclinesAll + refunded + other;
            if (endpointSilent) {
                events = 0;
                failedEvents = 0;
                refunded = 0;
            }
            volumeAll.add(t, events, events);
            volumeFailed.add(t, failedEvents, failedEvents);
            volumeRefunded.add(t, refunded, refunded);
            if (endpointSilent) {
                continue;
            }

            // The job counts declines from charge.failed webhooks: when those stop arriving, it sees none.
            boolean failedSilent = active(t, Effect.EVENT_TYPE_SILENCE, "charge.failed");
            long all = 0;
            long allDeclined = 0;
            int out = 1;
            for (int s = 0; s < segments.size(); s++) {
                if (failedSilent) {
                    attempts[s] -= declines[s];
                    declines[s] = 0;
                }
                all += attempts[s];
                allDeclined += declines[s];
                if (!segments.get(s).name().equals(REST)) {
                    if (attempts[s] > 0) {
                        rateSeries.get(out).add(t, (double) declines[s] / attempts[s], attempts[s]);
                    }
                    out++;
                }
            }
            if (all > 0) {
                rateSeries.get(0).add(t, (double) allDeclined / all, all);
            }

            latencyNoise = 0.98 * latencyNoise + 0.01 * webhooks.nextGaussian();
            double median = BASE_LATENCY_MS * (1 + 0.3 * Math.min(1.5, load)) * StrictMath.exp(latencyNoise);
            double slowFraction = SLOW_FRACTION;
            double slowFactor = SLOW_FACTOR;
            for (Disruption d : disruptions) {
                if (d.active(t) && d.effect() == Effect.LATENCY_SCALE) {
                    median *= d.a();
                } else if (d.active(t) && d.effect() == Effect.LATENCY_TAIL) {
                    slowFraction = d.a();
                    slowFactor = d.b();
                }
            }
            if (events > 0) {
                double[] quantiles = latencyQuantiles(webhooks, events, median, slowFraction, slowFactor);
                p50.add(t, quantiles[0], events);
                p99.add(t, quantiles[1], events);
            }
        }

        List<LabelledSeries> series = new ArrayList<>();
        for (LabelledSeries.Builder b : rateSeries) {
            series.add(b.build());
        }
        series.add(volumeAll.build());
        series.add(volumeFailed.build());
        series.add(volumeRefunded.build());
        series.add(p50.build());
        series.add(p99.build());
        return new Scenario(name, description, series, incidents);
    }

    private boolean active(long t, Effect effect, String target) {
        for (Disruption d : disruptions) {
            if (d.effect() == effect && d.active(t) && (target == null || target.equals(d.target()))) {
                return true;
            }
        }
        return false;
    }

    /** A midday and an evening peak over a night floor; hour in [0, 24). */
    static double dailyShape(double hour) {
        return 0.10 + 0.62 * bump(hour, 11.5, 3.0) + 0.48 * bump(hour, 19.5, 2.4);
    }

    private static double bump(double hour, double centre, double width) {
        double d = Math.abs(hour - centre);
        d = Math.min(d, 24 - d);
        return StrictMath.exp(-0.5 * (d / width) * (d / width));
    }

    /** The weekday's factor, blended with the neighbouring day's over the two hours either side of midnight. */
    static double weekFactor(int weekday, double hour) {
        double own = WEEKDAY_FACTOR[weekday];
        if (hour < 2) {
            double w = 0.5 + hour / 4;
            return w * own + (1 - w) * WEEKDAY_FACTOR[(weekday + 6) % 7];
        }
        if (hour > 22) {
            double w = 0.5 + (24 - hour) / 4;
            return w * own + (1 - w) * WEEKDAY_FACTOR[(weekday + 1) % 7];
        }
        return own;
    }

    /**
     * The p50 and p99 of a minute's webhook latencies (rank floor(q (n - 1)), as the job's sketch reports
     * them): drawn event by event for small minutes, else exactly from the order statistic's distribution.
     */
    private static double[] latencyQuantiles(Random random, long events, double median, double slowFraction, double slowFactor) {
        double fastMu = StrictMath.log(median);
        double slowMu = StrictMath.log(median * slowFactor);
        if (events < 200) {
            double[] sample = new double[(int) events];
            for (int e = 0; e < sample.length; e++) {
                boolean slow = random.nextDouble() < slowFraction;
                sample[e] = StrictMath.exp(slow ? slowMu + SLOW_SIGMA * random.nextGaussian()
                        : fastMu + FAST_SIGMA * random.nextGaussian());
            }
            Arrays.sort(sample);
            return new double[]{sample[(int) Math.floor(0.5 * (events - 1))], sample[(int) Math.floor(0.99 * (events - 1))]};
        }
        double[] out = new double[2];
        double[] qs = {0.5, 0.99};
        for (int j = 0; j < 2; j++) {
            // The quantile at rank k is the (k+1)-th smallest of n uniforms pushed through the inverse
            // distribution function, and that uniform order statistic is Beta(k + 1, n - k).
            long rank = (long) Math.floor(qs[j] * (events - 1));
            double u = Sampling.beta(random, rank + 1, events - rank);
            u = Math.min(1 - 1e-12, Math.max(1e-12, u));
            double lo = fastMu - 10 * FAST_SIGMA;
            double hi = slowMu + 10 * SLOW_SIGMA;
            for (int it = 0; it < 60; it++) {
                double mid = (lo + hi) / 2;
                double cdf = (1 - slowFraction) * Sampling.normalCdf((mid - fastMu) / FAST_SIGMA)
                        + slowFraction * Sampling.normalCdf((mid - slowMu) / SLOW_SIGMA);
                if (cdf < u) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            out[j] = StrictMath.exp((lo + hi) / 2);
        }
        return out;
    }
}
