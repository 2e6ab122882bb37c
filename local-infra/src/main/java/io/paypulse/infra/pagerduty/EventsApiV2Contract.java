package io.paypulse.infra.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The PagerDuty Events API v2 alert-event contract (POST /v2/enqueue) as a check on a parsed body: what PagerDuty
 * requires, plus two things it would silently swallow and a test should not, unknown fields (usually a typo such as
 * {@code dedupKey}) and a timestamp without an offset.
 */
public final class EventsApiV2Contract {

    public static final int ROUTING_KEY_LENGTH = 32;
    public static final int MAX_DEDUP_KEY_CHARS = 255;
    public static final int MAX_SUMMARY_CHARS = 1024;
    /** PagerDuty refuses larger bodies. */
    public static final int MAX_BODY_BYTES = 512 * 1024;
    public static final Set<String> EVENT_ACTIONS = Set.of("trigger", "acknowledge", "resolve");
    public static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");

    private static final Set<String> TOP_LEVEL_FIELDS = Set.of("routing_key", "event_action", "dedup_key", "payload",
            "images", "links", "client", "client_url");
    private static final Set<String> PAYLOAD_FIELDS = Set.of("summary", "source", "severity", "timestamp", "component",
            "group", "class", "custom_details");
    private static final Set<String> LINK_FIELDS = Set.of("href", "text");
    private static final Set<String> IMAGE_FIELDS = Set.of("src", "href", "alt");
    // PagerDuty's own example writes the offset without a colon (2015-07-17T08:42:58.315+0000); ISO-8601 allows both.
    private static final DateTimeFormatter BASIC_OFFSET = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .appendOffset("+HHMM", "Z")
            .toFormatter();

    private EventsApiV2Contract() {
    }

    /** Every way the body breaks the contract, in field order; empty when it holds. */
    public static List<String> violations(JsonNode body) {
        List<String> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            errors.add("the body must be a JSON object");
            return errors;
        }
        unknownFields(body, TOP_LEVEL_FIELDS, "", errors);

        JsonNode routingKey = body.get("routing_key");
        if (routingKey == null || routingKey.isNull()) {
            errors.add("'routing_key' is missing");
        } else if (!routingKey.isTextual()) {
            errors.add("'routing_key' must be a string");
        } else if (routingKey.asText().length() != ROUTING_KEY_LENGTH) {
            // Never the value itself: it is a secret.
            errors.add("Length of 'routing_key' is incorrect (should be " + ROUTING_KEY_LENGTH + " characters, got "
                    + routingKey.asText().length() + ")");
        }

        String action = null;
        JsonNode eventAction = body.get("event_action");
        if (eventAction == null || eventAction.isNull()) {
            errors.add("'event_action' is missing");
        } else if (!eventAction.isTextual() || !EVENT_ACTIONS.contains(eventAction.asText())) {
            errors.add("'event_action' must be one of trigger, acknowledge, resolve; got " + eventAction);
        } else {
            action = eventAction.asText();
        }

        JsonNode dedupKey = body.get("dedup_key");
        if (dedupKey != null) {
            if (!dedupKey.isTextual()) {
                errors.add("'dedup_key' must be a string; got " + dedupKey.getNodeType().name().toLowerCase(Locale.ROOT));
            } else if (dedupKey.asText().isEmpty()) {
                errors.add("'dedup_key' must not be empty: leave it out to let PagerDuty make one");
            } else if (characters(dedupKey.asText()) > MAX_DEDUP_KEY_CHARS) {
                errors.add("'dedup_key' is longer than " + MAX_DEDUP_KEY_CHARS + " characters ("
                        + characters(dedupKey.asText()) + ")");
            }
        } else if ("acknowledge".equals(action) || "resolve".equals(action)) {
            errors.add("'dedup_key' is required for " + action + " events");
        }

        JsonNode payload = body.get("payload");
        if ("trigger".equals(action)) {
            if (payload == null || payload.isNull()) {
                errors.add("'payload' is required for trigger events");
            } else {
                payload(payload, errors);
            }
        } else if (payload != null && !payload.isObject()) {
            errors.add("'payload' must be an object");
        }

        links(body.get("links"), errors);
        images(body.get("images"), errors);
        optionalString(body, "client", "", errors);
        JsonNode clientUrl = body.get("client_url");
        if (clientUrl != null && !clientUrl.isTextual()) {
            errors.add("'client_url' must be a string");
        } else if (clientUrl != null && !isAbsoluteUrl(clientUrl.asText(), false)) {
            errors.add("'client_url' must be an absolute URL");
        }
        return errors;
    }

    private static void payload(JsonNode payload, List<String> errors) {
        if (!payload.isObject()) {
            errors.add("'payload' must be an object");
            return;
        }
        unknownFields(payload, PAYLOAD_FIELDS, "payload.", errors);
        JsonNode summary = payload.get("summary");
        if (requiredString(payload, "summary", "payload.", errors) && characters(summary.asText()) > MAX_SUMMARY_CHARS) {
            errors.add("'payload.summary' is longer than " + MAX_SUMMARY_CHARS + " characters ("
                    + characters(summary.asText()) + ")");
        }
        requiredString(payload, "source", "payload.", errors);
        JsonNode severity = payload.get("severity");
        if (severity == null || severity.isNull()) {
            errors.add("'payload.severity' is missing");
        } else if (!severity.isTextual() || !SEVERITIES.contains(severity.asText())) {
            errors.add("'payload.severity' must be one of critical, error, warning, info; got " + severity);
        }
        JsonNode timestamp = payload.get("timestamp");
        if (timestamp != null) {
            if (!timestamp.isTextual()) {
                errors.add("'payload.timestamp' must be an ISO-8601 string");
            } else if (!isIsoTimestamp(timestamp.asText())) {
                errors.add("'payload.timestamp' is not an ISO-8601 date-time with an offset: '" + timestamp.asText() + "'");
            }
        }
        optionalString(payload, "component", "payload.", errors);
        optionalString(payload, "group", "payload.", errors);
        optionalString(payload, "class", "payload.", errors);
        JsonNode details = payload.get("custom_details");
        if (details != null && !details.isObject()) {
            errors.add("'payload.custom_details' must be an object");
        }
    }

    private static void links(JsonNode links, List<String> errors) {
        if (links == null) {
            return;
        }
        if (!links.isArray()) {
            errors.add("'links' must be an array of {href, text} objects");
            return;
        }
        for (int i = 0; i < links.size(); i++) {
            JsonNode link = links.get(i);
            String at = "links[" + i + "].";
            if (!link.isObject()) {
                errors.add("'links[" + i + "]' must be an object");
                continue;
            }
            unknownFields(link, LINK_FIELDS, at, errors);
            if (requiredString(link, "href", at, errors) && !isAbsoluteUrl(link.get("href").asText(), false)) {
                errors.add("'" + at + "href' must be an absolute URL");
            }
            optionalString(link, "text", at, errors);
        }
    }

    private static void images(JsonNode images, List<String> errors) {
        if (images == null) {
            return;
        }
        if (!images.isArray()) {
            errors.add("'images' must be an array of {src, href, alt} objects");
            return;
        }
        for (int i = 0; i < images.size(); i++) {
            JsonNode image = images.get(i);
            String at = "images[" + i + "].";
            if (!image.isObject()) {
                errors.add("'images[" + i + "]' must be an object");
                continue;
            }
            unknownFields(image, IMAGE_FIELDS, at, errors);
            if (requiredString(image, "src", at, errors) && !isAbsoluteUrl(image.get("src").asText(), true)) {
                errors.add("'" + at + "src' must be an https URL");
            }
            optionalString(image, "href", at, errors);
            optionalString(image, "alt", at, errors);
        }
    }

    private static boolean requiredString(JsonNode node, String field, String prefix, List<String> errors) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            errors.add("'" + prefix + field + "' is missing");
            return false;
        }
        if (!value.isTextual()) {
            errors.add("'" + prefix + field + "' must be a string");
            return false;
        }
        if (value.asText().isBlank()) {
            errors.add("'" + prefix + field + "' must not be blank");
            return false;
        }
        return true;
    }

    private static void optionalString(JsonNode node, String field, String prefix, List<String> errors) {
        JsonNode value = node.get(field);
        if (value != null && !value.isTextual()) {
            errors.add("'" + prefix + field + "' must be a string");
        }
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix, List<String> errors) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                errors.add("unknown field '" + prefix + name + "' (PagerDuty would ignore it)");
            }
        }
    }

    static boolean isIsoTimestamp(String text) {
        try {
            OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return true;
        } catch (DateTimeParseException extended) {
            try {
                OffsetDateTime.parse(text, BASIC_OFFSET);
                return true;
            } catch (DateTimeParseException basic) {
                return false;
            }
        }
    }

    private static boolean isAbsoluteUrl(String text, boolean httpsOnly) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            if (!uri.isAbsolute() || uri.getHost() == null) {
                return false;
            }
            return httpsOnly ? "https".equalsIgnoreCase(scheme)
                    : "https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** Characters as a person counts them: a surrogate pair is one. */
    private static int characters(String text) {
        return text.codePointCount(0, text.length());
    }
}
