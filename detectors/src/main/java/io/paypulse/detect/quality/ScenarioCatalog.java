package io.paypulse.detect.quality;

import io.paypulse.detect.quality.MerchantSimulation.Effect;
import io.paypulse.detect.quality.PayoutSimulation.Account;

import java.util.List;
import java.util.function.Supplier;

import static io.paypulse.detect.quality.MerchantSimulation.LATENCY_P50;
import static io.paypulse.detect.quality.MerchantSimulation.LATENCY_P99;
import static io.paypulse.detect.quality.MerchantSimulation.RATE_ALL;
import static io.paypulse.detect.quality.MerchantSimulation.VOLUME_ALL;
import static io.paypulse.detect.quality.MerchantSimulation.VOLUME_FAILED;
import static io.paypulse.detect.quality.MerchantSimulation.VOLUME_REFUNDED;
import static io.paypulse.detect.quality.MerchantSimulation.rate;

/**
 * The labelled scenarios of {@code ./paypulse bench detectors}: three merchants of different sizes
 * over three weeks with incidents on their second and third weeks, two payout platforms over eight
 * weeks, and clean histories of each kind. Everything is generated from fixed seeds, so the set is
 * the same on every machine. Incidents are placed at different hours (peak, evening, night, morning
 * ramp) and on weekdays and weekends.
 */
public final class ScenarioCatalog {

    /** One scenario of the set, generated on demand (a scenario holds a few million numbers). */
    public record Entry(String name, Supplier<Scenario> generator) {
        public Scenario generate() {
            return generator.get();
        }
    }

    private static final List<String> ALL_RATES = List.of(RATE_ALL, rate("visa-BR"), rate("mastercard-US"),
            rate("amex-US"), rate("small-issuer"));
    private static final List<String> ALL_VOLUMES = List.of(VOLUME_ALL, VOLUME_FAILED, VOLUME_REFUNDED);
    private static final List<String> LATENCIES = List.of(LATENCY_P50, LATENCY_P99);

    private ScenarioCatalog() {
    }

    public static List<Entry> standard() {
        return List.of(
                new Entry("mid-market", ScenarioCatalog::midMarket),
                new Entry("enterprise", ScenarioCatalog::enterprise),
                new Entry("small-business", ScenarioCatalog::smallBusiness),
                new Entry("payouts-platform", ScenarioCatalog::payoutsPlatform),
                new Entry("payouts-marketplace", ScenarioCatalog::payoutsMarketplace),
                new Entry("clean-mid-market", () -> new MerchantSimulation("clean-mid-market",
                        "3 clean weeks, 400 attempts/min at peak", 53, 21, 400).run()),
                new Entry("clean-enterprise", () -> new MerchantSimulation("clean-enterprise",
                        "3 clean weeks, 2,500 attempts/min at peak", 57, 21, 2500).run()),
                new Entry("clean-small-business", () -> new MerchantSimulation("clean-small-business",
                        "3 clean weeks, 40 attempts/min at peak", 59, 21, 40).run()),
                new Entry("clean-payouts", () -> new PayoutSimulation("clean-payouts", "8 clean weeks, 3 accounts",
                        61, 8, List.of(new Account("usd", 30, 2), new Account("eur", 75, 3), new Account("gbp", 130, 2))).run()));
    }

    static Scenario midMarket() {
        List<String> segmentAndAll = List.of(rate("visa-BR"), RATE_ALL);
        return new MerchantSimulation("mid-market", "400 attempts/min at peak, 3 weeks, 11 incidents", 11, 21, 400)
                .incident("decline-spike-segment", 8, "14:10", 40, segmentAndAll, Effect.SEGMENT_DECLINES, "visa-BR", 0.35, 0)
                .incident("decline-creep", 9, "10:00", 150, List.of(rate("mastercard-US"), RATE_ALL),
                        Effect.SEGMENT_DECLINES, "mastercard-US", 0.18, 90)
                .incident("approval-drop", 10, "16:20", 25, ALL_RATES, Effect.ALL_DECLINES_ADD, null, 0.12, 0)
                .incident("latency-p99-spike", 11, "20:05", 15, LATENCIES, Effect.LATENCY_TAIL, null, 0.06, 25)
                .incident("volume-drop", 12, "11:30", 45, ALL_VOLUMES, Effect.TRAFFIC_SCALE, null, 0.35, 0)
                .incident("series-silence", 13, "15:00", 120, List.of(VOLUME_REFUNDED),
                        Effect.EVENT_TYPE_SILENCE, "charge.refunded", 0, 0)
                .incident("endpoint-silence", 15, "03:40", 20, ALL_VOLUMES, Effect.ENDPOINT_SILENCE, null, 0, 0)
                .incident("latency-step", 16, "13:00", 180, LATENCIES, Effect.LATENCY_SCALE, null, 2.0, 0)
                .incident("card-testing", 17, "22:30", 30, List.of(RATE_ALL), Effect.CARD_TESTING, MerchantSimulation.REST, 150, 0.85)
                .incident("decline-rate-drop", 18, "09:15", 40, with(ALL_RATES, VOLUME_FAILED),
                        Effect.ALL_DECLINES_SCALE, null, 0.15, 0)
                .incident("issuer-outage-low-volume", 19, "12:00", 60, List.of(rate("small-issuer")),
                        Effect.SEGMENT_DECLINES, "small-issuer", 0.95, 0)
                .run();
    }

    static Scenario enterprise() {
        return new MerchantSimulation("enterprise", "2,500 attempts/min at peak, 3 weeks, 11 incidents", 23, 21, 2500)
                .incident("card-testing", 8, "10:30", 25, List.of(rate("visa-BR"), RATE_ALL), Effect.CARD_TESTING, "visa-BR", 300, 0.9)
                .incident("latency-step", 9, "03:00", 120, LATENCIES, Effect.LATENCY_SCALE, null, 1.8, 0)
                .incident("decline-spike-segment", 10, "19:40", 30, List.of(rate("amex-US"), RATE_ALL),
                        Effect.SEGMENT_DECLINES, "amex-US", 0.25, 0)
                .incident("volume-drop", 11, "07:00", 30, ALL_VOLUMES, Effect.TRAFFIC_SCALE, null, 0.4, 0)
                .incident("endpoint-silence", 12, "02:10", 15, ALL_VOLUMES, Effect.ENDPOINT_SILENCE, null, 0, 0)
                .incident("approval-drop", 14, "12:00", 20, ALL_RATES, Effect.ALL_DECLINES_ADD, null, 0.08, 0)
                .incident("decline-creep", 15, "08:30", 180, List.of(rate("visa-BR"), RATE_ALL),
                        Effect.SEGMENT_DECLINES, "visa-BR", 0.30, 120)
                .incident("latency-p99-spike", 16, "17:00", 10, LATENCIES, Effect.LATENCY_TAIL, null, 0.05, 15)
                .incident("decline-rate-drop", 17, "14:00", 30, with(ALL_RATES, VOLUME_FAILED),
                        Effect.ALL_DECLINES_SCALE, null, 0.3, 0)
                // charge.failed removed from the endpoint's events: that type goes silent and declines vanish.
                .incident("series-silence", 18, "11:00", 60, with(ALL_RATES, VOLUME_FAILED),
                        Effect.EVENT_TYPE_SILENCE, "charge.failed", 0, 0)
                .incident("issuer-outage-low-volume", 19, "02:30", 60, List.of(rate("small-issuer")),
                        Effect.SEGMENT_DECLINES, "small-issuer", 0.9, 0)
                .run();
    }

    static Scenario smallBusiness() {
        return new MerchantSimulation("small-business", "40 attempts/min at peak, 3 weeks, 4 incidents", 37, 21, 40)
                .incident("endpoint-silence", 9, "14:00", 30, ALL_VOLUMES, Effect.ENDPOINT_SILENCE, null, 0, 0)
                .incident("approval-drop", 10, "11:00", 60, ALL_RATES, Effect.ALL_DECLINES_ADD, null, 0.25, 0)
                .incident("latency-step", 12, "15:00", 120, LATENCIES, Effect.LATENCY_SCALE, null, 2.0, 0)
                .incident("volume-drop", 16, "19:00", 60, ALL_VOLUMES, Effect.TRAFFIC_SCALE, null, 0.3, 0)
                .run();
    }

    static Scenario payoutsPlatform() {
        return new PayoutSimulation("payouts-platform", "4 accounts paid out every business day, 8 weeks", 41, 8,
                List.of(new Account("usd", 40, 2), new Account("eur", 80, 3), new Account("gbp", 125, 2),
                        new Account("cad", 210, 3)))
                .incident("payout-delay", 37, 3, PayoutSimulation.SETTLEMENT, PayoutSimulation.Effect.DELAY, null, 2)
                .incident("payout-failures", 44, 3, PayoutSimulation.FAILURES, PayoutSimulation.Effect.FAIL, "eur", 1.0)
                .run();
    }

    static Scenario payoutsMarketplace() {
        return new PayoutSimulation("payouts-marketplace", "3 accounts paid out every business day, 8 weeks", 43, 8,
                List.of(new Account("usd", 375, 2), new Account("aud", 1350, 3), new Account("jpy", 900, 3)))
                .incident("payout-failures", 38, 1, PayoutSimulation.FAILURES, PayoutSimulation.Effect.FAIL, null, 0.8)
                .incident("payout-delay", 46, 2, PayoutSimulation.SETTLEMENT, PayoutSimulation.Effect.DELAY, null, 1)
                .run();
    }

    private static List<String> with(List<String> list, String more) {
        return java.util.stream.Stream.concat(list.stream(), java.util.stream.Stream.of(more)).toList();
    }
}
