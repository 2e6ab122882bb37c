package io.paypulse.flink.anomaly;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The sentences and severities a person reads: "Visa declines in BR at 38% (412 attempts) vs 6%
 * expected". Built from an incident member's worst window.
 */
final class Summaries {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_RELATED_IN_DETAILS = 10;

    private Summaries() {
    }

    /** PagerDuty severities, most severe first. */
    static int rank(String severity) {
        return switch (severity) {
            case "critical" -> 0;
            case "error" -> 1;
            case "warning" -> 2;
            default -> 3;
        };
    }

    static String severity(IncidentBook.Member m) {
        boolean up = !"DOWN".equals(m.direction);
        return switch (m.family) {
            case SeriesPoints.FAMILY_ENDPOINT -> "critical";
            // Declines tripling is what wakes someone; doubling when it is beyond doubt, too.
            case SeriesPoints.FAMILY_DECLINES -> up ? (m.observed >= 3 * m.expected
                    || m.observed >= 2 * m.expected && m.score >= 0.999 ? "critical" : "error") : "warning";
            case SeriesPoints.FAMILY_VOLUME -> m.observed == 0 ? "error" : "warning";
            case SeriesPoints.FAMILY_LATENCY -> m.observed >= 10 * m.expected ? "error" : "warning";
            default -> SeriesPoints.PAYOUT_FAILURES.equals(m.metric) ? "error" : "warning";
        };
    }

    static String sentence(IncidentBook.Member m) {
        return switch (m.metric) {
            case SeriesPoints.DECLINE_RATE -> declines(m);
            case SeriesPoints.LATENCY_P50, SeriesPoints.LATENCY_P99 -> String.format(Locale.ROOT,
                    "Webhook %s latency%s at %s vs %s expected (%,d events)",
                    m.metric.equals(SeriesPoints.LATENCY_P99) ? "p99" : "p50", forWhat(m.dimensions),
                    millis(m.observed), millis(m.expected), m.count);
            case SeriesPoints.WEBHOOK_VOLUME -> m.observed == 0
                    ? String.format(Locale.ROOT, "No %s webhooks in the minute from %s, vs %s expected: check Stripe's "
                            + "webhook delivery and the bridge", eventType(m.dimensions), time(m.window), count(m.expected))
                    : String.format(Locale.ROOT, "%s webhooks at %,.0f per minute vs %s expected",
                            capitalize(eventType(m.dimensions)), m.observed, count(m.expected));
            case SeriesPoints.ENDPOINT_ARRIVALS -> m.observed == 0
                    ? String.format(Locale.ROOT, "No Stripe webhooks reached paypulse since %s (about %s per bucket "
                            + "expected): check the bridge's /readyz, Kafka, and the endpoint in Stripe's dashboard",
                            time(m.window), count(m.expected))
                    : String.format(Locale.ROOT, "Stripe webhooks arriving at %,.0f per bucket vs %s expected since %s",
                            m.observed, count(m.expected), time(m.window));
            case SeriesPoints.SETTLEMENT_P95 -> String.format(Locale.ROOT,
                    "Payouts%s take %s at p95 vs %s expected (%,d paid)", inParens(m.dimensions), duration(m.observed),
                    duration(m.expected), m.count);
            // The run of payouts the detector judged, which often spans more than the window, up to the window: a
            // resolve repeats the sentence, so it must not say "the last" of what is long past.
            case SeriesPoints.PAYOUT_FAILURES -> m.count == 1
                    ? String.format(Locale.ROOT, "A payout%s failed at %s, vs %s failures expected",
                            inParens(m.dimensions), time(m.window), failures(m.expected))
                    : String.format(Locale.ROOT, "%,.0f of %,d payouts%s up to %s failed, vs %s expected", m.observed,
                            m.count, inParens(m.dimensions), time(m.window), failures(m.expected));
            default -> String.format(Locale.ROOT, "%s%s at %.4g vs %.4g expected", m.metric, inParens(m.dimensions),
                    m.observed, m.expected);
        };
    }

    /** Expected failures: one decimal, and "under 0.1" rather than a 0.0 that reads as none expected. */
    private static String failures(double expected) {
        return expected < 0.05 ? "under 0.1" : String.format(Locale.ROOT, "%.1f", expected);
    }

    /** "Visa declines in BR at 38% (412 attempts) vs 6% expected". */
    private static String declines(IncidentBook.Member m) {
        Map<String, String> d = map(m.dimensions);
        StringBuilder what = new StringBuilder();
        if (d.containsKey("card_brand")) {
            what.append(brand(d.get("card_brand"))).append(' ');
        }
        if (d.containsKey("card_funding")) {
            what.append(d.get("card_funding")).append(' ');
        }
        if (d.containsKey("payment_method_type")) {
            what.append(d.get("payment_method_type")).append(' ');
        }
        what.append(what.length() == 0 ? "Declines" : "declines");
        if (d.containsKey("card_country")) {
            what.append(" in ").append(d.get("card_country"));
        }
        if (d.containsKey("currency")) {
            what.append(" in ").append(d.get("currency").toUpperCase(Locale.ROOT));
        }
        if (d.containsKey("account")) {
            what.append(" for ").append(d.get("account"));
        }
        String sentence = String.format(Locale.ROOT, "%s at %s (%,d attempts) vs %s expected", capitalize(what.toString()),
                percent(m.observed), m.count, percent(m.expected));
        return "DOWN".equals(m.direction) ? sentence + ", a drop" : sentence;
    }

    /** custom_details for PagerDuty: the numbers of the root member and which series moved with it. */
    static String details(String incidentId, IncidentBook.Member root, Collection<IncidentBook.Member> members) {
        ObjectNode o = JSON.createObjectNode();
        o.put("incident_id", incidentId);
        o.put("metric", root.metric);
        o.put("dimension_set", root.dimensionSet);
        o.put("dimensions", root.dimensions);
        o.put("window_start", time(root.window));
        o.put("observed", root.observed);
        o.put("expected", root.expected);
        o.put("score", root.score);
        o.put("volume", root.count);
        o.put("direction", root.direction);
        ArrayNode related = o.putArray("related_series");
        int n = 0;
        for (IncidentBook.Member m : members) {
            if (m != root && n++ < MAX_RELATED_IN_DETAILS) {
                related.add(m.metric + (m.dimensions.isEmpty() ? " (all)" : " " + m.dimensions));
            }
        }
        o.put("query", "SELECT * FROM paypulse.anomalies FINAL WHERE incident_id = '" + incidentId + "'");
        return o.toString();
    }

    /** {@code card_brand=visa,card_country=BR} as a set of its pairs. */
    static Set<String> pairs(String dimensions) {
        Set<String> out = new LinkedHashSet<>();
        if (!dimensions.isEmpty()) {
            for (String pair : dimensions.split(",")) {
                out.add(pair);
            }
        }
        return out;
    }

    static Map<String, String> map(String dimensions) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : pairs(dimensions)) {
            int eq = pair.indexOf('=');
            out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return out;
    }

    private static String brand(String brand) {
        return switch (brand) {
            case "amex" -> "Amex";
            case "mastercard" -> "Mastercard";
            case "visa" -> "Visa";
            case "" -> "Unknown-brand";
            default -> capitalize(brand);
        };
    }

    private static String eventType(String dimensions) {
        String type = map(dimensions).get("event_type");
        return type == null ? "Stripe" : type;
    }

    private static String forWhat(String dimensions) {
        String type = map(dimensions).get("event_type");
        return type == null ? "" : " for " + type;
    }

    private static String inParens(String dimensions) {
        return dimensions.isEmpty() ? "" : " (" + String.join(", ", map(dimensions).values()) + ")";
    }

    private static String percent(double rate) {
        double p = rate * 100;
        return p >= 1 || p == 0 ? String.format(Locale.ROOT, "%.0f%%", p) : String.format(Locale.ROOT, "%.1f%%", p);
    }

    private static String millis(double ms) {
        return ms >= 1000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000) : String.format(Locale.ROOT, "%.0f ms", ms);
    }

    private static String duration(double seconds) {
        if (seconds >= 86_400) {
            return String.format(Locale.ROOT, "%.1f days", seconds / 86_400);
        }
        if (seconds >= 3_600) {
            return String.format(Locale.ROOT, "%.1f h", seconds / 3_600);
        }
        return String.format(Locale.ROOT, "%.0f min", seconds / 60);
    }

    private static String count(double expected) {
        return expected >= 10 ? String.format(Locale.ROOT, "%,.0f", expected) : String.format(Locale.ROOT, "%.1f", expected);
    }

    private static String time(long epochSecond) {
        return Instant.ofEpochSecond(epochSecond).toString();
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
