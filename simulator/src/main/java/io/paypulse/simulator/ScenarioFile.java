package io.paypulse.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads scenario files (JSON) into {@link Scenario}s and checks them, with errors that name the file,
 * the field and what to write instead. The built-in scenarios are resources under {@code scenarios/}.
 */
public final class ScenarioFile {

    /** The scenarios shipped in this module, by name. */
    public static final List<String> BUILT_IN = List.of("quickstart", "steady", "incident-day", "live-latency");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP = Set.of("name", "description", "rate_per_minute", "payouts_per_hour", "speed_up",
            "duration", "delivery", "incidents");
    private static final Set<String> DELIVERY = Set.of("latency_median", "reorder_within", "duplicate_rate", "late_rate",
            "late_min", "late_max");
    private static final Set<String> SEGMENT = Set.of("method", "brand", "country", "currency", "funding");
    private static final List<String> TYPES = List.of("decline_spike", "latency_spike", "silence", "payout_delay");

    private final String source;
    private final TrafficMix mix;

    private ScenarioFile(String source, TrafficMix mix) {
        this.source = source;
        this.mix = mix;
    }

    /** A file path, or the name of a built-in scenario ({@link #BUILT_IN}) when no such file exists. */
    public static Scenario load(String fileOrName) {
        Path path = Path.of(fileOrName);
        if (Files.isRegularFile(path)) {
            try {
                return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
            } catch (IOException e) {
                throw new IllegalArgumentException("scenario " + path + ": cannot be read: " + e.getMessage(), e);
            }
        }
        if (BUILT_IN.contains(fileOrName)) {
            return builtIn(fileOrName);
        }
        throw new IllegalArgumentException("scenario " + fileOrName + ": no such file, and not a built-in scenario ("
                + String.join(", ", BUILT_IN) + ")");
    }

    public static Scenario builtIn(String name) {
        String resource = "/scenarios/" + name + ".json";
        try (InputStream in = ScenarioFile.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no built-in scenario '" + name + "'; there are " + String.join(", ", BUILT_IN));
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in " + name);
        } catch (IOException e) {
            throw new IllegalStateException("the built-in scenario " + resource + " cannot be read", e);
        }
    }

    /** Parses {@code json}; {@code source} names it in error messages (a file name). */
    public static Scenario parse(String json, String source) {
        return new ScenarioFile(source, TrafficMix.standard()).read(json);
    }

    private Scenario read(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("scenario " + source + ": not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + "): " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw fail("(top level)", "must be a JSON object with rate_per_minute, speed_up, duration and incidents");
        }
        onlyKnown(root, "", TOP);
        String name = optionalText(root, "name", "name").orElse(defaultName());
        String description = optionalText(root, "description", "description").orElse("");
        double rate = number(root, "rate_per_minute", 600, 0, 1_000_000);
        double payouts = number(root, "payouts_per_hour", 20, 0, 100_000);
        double speedUp = number(root, "speed_up", 1, 1, 100_000);
        Optional<Duration> duration = optionalDuration(root, "duration", "duration");
        duration.ifPresent(d -> positive(d, "duration"));
        if (speedUp > 1 && duration.isEmpty()) {
            throw fail("duration", "missing: a speed_up above 1 needs a duration (the replay is backdated so it ends now)");
        }
        DeliveryProfile delivery = delivery(root.get("delivery"));
        List<Incident> incidents = new ArrayList<>();
        JsonNode list = root.get("incidents");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw fail("incidents", "must be a list of incidents");
            }
            for (int i = 0; i < list.size(); i++) {
                Incident incident = incident(list.get(i), "incidents[" + i + "]");
                if (duration.isPresent() && incident.end().compareTo(duration.get()) > 0) {
                    throw fail("incidents[" + i + "]", "ends at " + SimDurations.format(incident.end())
                            + ", after the scenario's duration of " + SimDurations.format(duration.get()));
                }
                incidents.add(incident);
            }
        }
        return new Scenario(name, description, rate, payouts, speedUp, duration, delivery, incidents);
    }

    private DeliveryProfile delivery(JsonNode node) {
        DeliveryProfile d = DeliveryProfile.stripeLike();
        if (node == null || node.isNull()) {
            return d;
        }
        if (!node.isObject()) {
            throw fail("delivery", "must be an object with " + String.join(", ", DELIVERY));
        }
        onlyKnown(node, "delivery.", DELIVERY);
        Duration median = optionalDuration(node, "latency_median", "delivery.latency_median").orElse(d.latencyMedian());
        positive(median, "delivery.latency_median");
        Duration reorder = optionalDuration(node, "reorder_within", "delivery.reorder_within").orElse(d.reorderWithin());
        notNegative(reorder, "delivery.reorder_within");
        double duplicates = numberAt(node, "duplicate_rate", "delivery.duplicate_rate", d.duplicateRate(), 0, 1);
        double late = numberAt(node, "late_rate", "delivery.late_rate", d.lateRate(), 0, 1);
        Duration lateMin = optionalDuration(node, "late_min", "delivery.late_min").orElse(d.lateMin());
        Duration lateMax = optionalDuration(node, "late_max", "delivery.late_max").orElse(d.lateMax());
        positive(lateMin, "delivery.late_min");
        if (lateMax.compareTo(lateMin) < 0) {
            throw fail("delivery.late_max", "must not be shorter than delivery.late_min (" + SimDurations.format(lateMin) + ")");
        }
        return new DeliveryProfile(median, reorder, duplicates, late, lateMin, lateMax);
    }

    private Incident incident(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw fail(path, "must be an object with type, start and duration");
        }
        JsonNode typeNode = node.get("type");
        if (typeNode == null || typeNode.isNull()) {
            throw fail(path + ".type", "missing; use one of " + String.join(", ", TYPES));
        }
        String type = typeNode.asText();
        if (!TYPES.contains(type)) {
            throw fail(path + ".type", "unknown incident type '" + type + "'; use one of " + String.join(", ", TYPES));
        }
        Set<String> fields = switch (type) {
            case "decline_spike" -> Set.of("type", "start", "duration", "segment", "decline_rate", "decline_code");
            case "latency_spike" -> Set.of("type", "start", "duration", "delay", "multiplier");
            case "silence" -> Set.of("type", "start", "duration", "backlog");
            default -> Set.of("type", "start", "duration", "days", "currency");
        };
        onlyKnown(node, path + ".", fields);
        Duration start = requiredDuration(node, "start", path + ".start");
        notNegative(start, path + ".start");
        Duration duration = requiredDuration(node, "duration", path + ".duration");
        positive(duration, path + ".duration");
        return switch (type) {
            case "decline_spike" -> declineSpike(node, path, start, duration);
            case "latency_spike" -> {
                Duration delay = optionalDuration(node, "delay", path + ".delay").orElse(Duration.ZERO);
                notNegative(delay, path + ".delay");
                double multiplier = numberAt(node, "multiplier", path + ".multiplier", 1, 1, 10_000);
                if (delay.isZero() && multiplier == 1) {
                    throw fail(path, "a latency_spike needs a delay (e.g. \"45s\") or a multiplier above 1 (e.g. 20)");
                }
                yield new Incident.LatencySpike(start, duration, delay, multiplier);
            }
            case "silence" -> {
                JsonNode backlog = node.get("backlog");
                if (backlog != null && !backlog.isBoolean()) {
                    throw fail(path + ".backlog", "must be true or false");
                }
                yield new Incident.Silence(start, duration, backlog != null && backlog.asBoolean());
            }
            default -> {
                if (!node.has("days")) {
                    throw fail(path + ".days", "missing: how many days later payouts arrive, e.g. 2");
                }
                double days = numberAt(node, "days", path + ".days", 0, 0.01, 365);
                Optional<String> currency = optionalText(node, "currency", path + ".currency").map(String::toLowerCase);
                currency.ifPresent(c -> {
                    if (mix.segments().stream().noneMatch(s -> s.currency().equals(c))) {
                        throw fail(path + ".currency", "'" + c + "' is not paid out in this traffic; currencies are "
                                + String.join(", ", mix.segments().stream().map(Segment::currency).distinct().toList()));
                    }
                });
                yield new Incident.PayoutDelay(start, duration, days, currency.orElse(null));
            }
        };
    }

    private Incident declineSpike(JsonNode node, String path, Duration start, Duration duration) {
        JsonNode seg = node.get("segment");
        if (seg == null || !seg.isObject()) {
            throw fail(path + ".segment", "missing: which payments decline, e.g. {\"brand\": \"visa\", \"country\": \"BR\"}");
        }
        onlyKnown(seg, path + ".segment.", SEGMENT);
        SegmentFilter filter = new SegmentFilter(optionalText(seg, "method", path + ".segment.method").orElse(null), optionalText(seg, "brand", path + ".segment.brand").orElse(null),
                optionalText(seg, "country", path + ".segment.country").orElse(null), optionalText(seg, "currency", path + ".segment.currency").orElse(null),
                optionalText(seg, "funding", path + ".segment.funding").orElse(null));
        if (filter.isEmpty()) {
            throw fail(path + ".segment", "names no field; set one or more of " + String.join(", ", SEGMENT));
        }
        if (mix.segments().stream().noneMatch(filter::matches)) {
            throw fail(path + ".segment", filter + " matches no traffic; segments are "
                    + String.join("; ", mix.segments().stream().map(Segment::label).toList()));
        }
        if (!node.has("decline_rate")) {
            throw fail(path + ".decline_rate", "missing: the share of the segment's charges that fail, e.g. 0.4");
        }
        double rate = numberAt(node, "decline_rate", path + ".decline_rate", 0, 0, 1);
        String code = optionalText(node, "decline_code", path + ".decline_code").orElse(null);
        return new Incident.DeclineSpike(start, duration, filter, rate, code);
    }

    private void onlyKnown(JsonNode node, String prefix, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw fail(prefix + field, "unknown field; expected one of " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    private double number(JsonNode node, String field, double fallback, double min, double max) {
        return numberAt(node, field, field, fallback, min, max);
    }

    private double numberAt(JsonNode node, String field, String path, double fallback, double min, double max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber()) {
            throw fail(path, "must be a number, got " + value);
        }
        double v = value.asDouble();
        if (v < min || v > max) {
            throw fail(path, "must be between " + plain(min) + " and " + plain(max) + ", got " + plain(v));
        }
        return v;
    }

    private Optional<String> optionalText(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw fail(path, "must be a non-empty string, got " + value);
        }
        return Optional.of(value.asText().strip());
    }

    private Duration requiredDuration(JsonNode node, String field, String path) {
        return optionalDuration(node, field, path).orElseThrow(() -> fail(path, "missing: a duration such as \"90s\", \"5m\" or \"2h\""));
    }

    private Optional<Duration> optionalDuration(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw fail(path, "must be a duration string such as \"90s\", \"5m\" or \"2h\", got " + value);
        }
        try {
            return Optional.of(SimDurations.parse(value.asText()));
        } catch (IllegalArgumentException e) {
            throw fail(path, e.getMessage());
        }
    }

    private void positive(Duration d, String path) {
        if (d.isNegative() || d.isZero()) {
            throw fail(path, "must be positive, got " + SimDurations.format(d));
        }
    }

    private void notNegative(Duration d, String path) {
        if (d.isNegative()) {
            throw fail(path, "must not be negative, got " + SimDurations.format(d));
        }
    }

    private String defaultName() {
        String file = Path.of(source.replace("built-in ", "")).getFileName().toString();
        return file.endsWith(".json") ? file.substring(0, file.length() - 5) : file;
    }

    private IllegalArgumentException fail(String path, String problem) {
        return new IllegalArgumentException("scenario " + source + ": " + path + ": " + problem);
    }

    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
