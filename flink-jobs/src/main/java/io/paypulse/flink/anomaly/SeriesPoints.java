package io.paypulse.flink.anomaly;

import io.paypulse.detect.Kind;
import io.paypulse.flink.config.DimensionSet;
import io.paypulse.flink.model.DeclineRateWindow;
import io.paypulse.flink.model.SettlementTimeWindow;
import io.paypulse.flink.model.WebhookLatencyWindow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The series the detectors watch, taken from the metric windows: which metric of which table, under
 * which family. Window streams repeat a window for every late event; the detector keeps only the first
 * (on-time) firing of each window.
 */
public final class SeriesPoints {

    public static final String FAMILY_DECLINES = "decline_rate";
    public static final String FAMILY_LATENCY = "webhook_latency";
    public static final String FAMILY_VOLUME = "webhook_volume";
    public static final String FAMILY_SETTLEMENT = "settlement";
    public static final String FAMILY_ENDPOINT = "endpoint";

    public static final String DECLINE_RATE = "decline_rate";
    public static final String LATENCY_P50 = "webhook_latency_p50";
    public static final String LATENCY_P99 = "webhook_latency_p99";
    public static final String WEBHOOK_VOLUME = "webhook_volume";
    public static final String SETTLEMENT_P95 = "settlement_p95";
    public static final String PAYOUT_FAILURES = "payout_failures";
    public static final String ENDPOINT_ARRIVALS = "webhook_arrivals";

    private SeriesPoints() {
    }

    /**
     * The decline rate of every dimension key, except keys grouped by failure or network decline code:
     * every attempt there is a decline of that code, so their rate says nothing.
     */
    public static List<SeriesPoint> of(DeclineRateWindow w) {
        if (w.dimensionSet().contains("failure_code") || w.dimensionSet().contains("network_decline_code")
                || w.attempts() == 0) {
            return List.of();
        }
        Map<String, String> values = Map.of(
                "payment_method_type", w.paymentMethodType(),
                "card_brand", w.cardBrand(),
                "card_country", w.cardCountry(),
                "card_funding", w.cardFunding(),
                "currency", w.currency(),
                "failure_code", w.failureCode(),
                "network_decline_code", w.networkDeclineCode(),
                "account", w.account());
        return List.of(new SeriesPoint(FAMILY_DECLINES, DECLINE_RATE, Kind.RATE.name(), w.dimensionSet(),
                dimensions(w.dimensionSet(), values), w.windowStart(), w.declineRate(), w.attempts()));
    }

    /** p50 and p99 latency, and the number of webhooks, overall and per event type. */
    public static List<SeriesPoint> of(WebhookLatencyWindow w) {
        String dims = dimensions(w.dimensionSet(), Map.of("event_type", w.eventType()));
        List<SeriesPoint> out = new ArrayList<>(3);
        out.add(new SeriesPoint(FAMILY_LATENCY, LATENCY_P99, Kind.LATENCY.name(), w.dimensionSet(), dims,
                w.windowStart(), w.p99Ms(), w.events()));
        out.add(new SeriesPoint(FAMILY_LATENCY, LATENCY_P50, Kind.LATENCY.name(), w.dimensionSet(), dims,
                w.windowStart(), w.p50Ms(), w.events()));
        out.add(new SeriesPoint(FAMILY_VOLUME, WEBHOOK_VOLUME, Kind.VOLUME.name(), w.dimensionSet(), dims,
                w.windowStart(), w.events(), w.events()));
        return out;
    }

    /** p95 settlement time of paid payouts, and failed payouts, overall and per currency and method. */
    public static List<SeriesPoint> of(SettlementTimeWindow w) {
        String dims = dimensions(w.dimensionSet(), Map.of("currency", w.currency(), "method", w.method()));
        List<SeriesPoint> out = new ArrayList<>(2);
        if (w.paid() > 0) {
            out.add(new SeriesPoint(FAMILY_SETTLEMENT, SETTLEMENT_P95, Kind.SETTLEMENT.name(), w.dimensionSet(),
                    dims, w.windowStart(), w.p95Seconds(), w.paid()));
        }
        out.add(new SeriesPoint(FAMILY_SETTLEMENT, PAYOUT_FAILURES, Kind.FAILURES.name(), w.dimensionSet(), dims,
                w.windowStart(), w.failed(), w.payouts()));
        return out;
    }

    /** The webhooks that reached the job in one bucket of processing time (the endpoint watch). */
    public static SeriesPoint arrivals(long bucketStart, long events) {
        return new SeriesPoint(FAMILY_ENDPOINT, ENDPOINT_ARRIVALS, Kind.VOLUME.name(), DimensionSet.ALL, "",
                bucketStart, events, events);
    }

    /** {@code name=value} for each dimension of {@code set}, in the set's order; empty for {@code all}. */
    static String dimensions(String set, Map<String, String> values) {
        if (set.equals(DimensionSet.ALL)) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String name : set.split(",")) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(name).append('=').append(values.getOrDefault(name, ""));
        }
        return out.toString();
    }
}
