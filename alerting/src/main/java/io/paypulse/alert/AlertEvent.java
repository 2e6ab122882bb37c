package io.paypulse.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One PagerDuty Events API v2 alert event: a trigger that opens (or re-triggers) the alert with its dedup key, or an
 * acknowledge or resolve for it. It validates what PagerDuty would reject and builds the request body.
 *
 * @param action        trigger, acknowledge or resolve
 * @param dedupKey      the incident's key, at most 255 characters; required unless triggering (PagerDuty then makes one)
 * @param summary       a sentence a person can act on; required for a trigger, truncated to 1024 characters when sent
 * @param source        the affected system; required for a trigger
 * @param severity      required for a trigger
 * @param timestamp     when the problem was detected; PagerDuty uses the receive time when null
 * @param component     optional, such as {@code decline_rate}
 * @param group         optional, such as {@code card_brand,country}
 * @param eventClass    optional, PagerDuty's {@code payload.class}
 * @param customDetails the numbers behind the alert; never null, may be empty
 * @param dashboardUrl  an absolute http(s) link to the Grafana dashboard, or null
 */
public record AlertEvent(EventAction action, String dedupKey, String summary, String source, Severity severity,
                         Instant timestamp, String component, String group, String eventClass,
                         Map<String, Object> customDetails, String dashboardUrl) implements Serializable {

    public static final int MAX_SUMMARY_CHARS = 1024;
    public static final int MAX_DEDUP_KEY_CHARS = 255;
    public static final String DASHBOARD_LINK_TEXT = "Grafana dashboard";
    /** PagerDuty's {@code client}: which monitoring tool sent the event. */
    public static final String CLIENT = "paypulse";

    private static final long serialVersionUID = 1L;
    private static final String ELLIPSIS = "\u2026";
    private static final ObjectMapper JSON = new ObjectMapper();

    public AlertEvent {
        Objects.requireNonNull(action, "action must be set: TRIGGER, ACKNOWLEDGE or RESOLVE");
        if (dedupKey != null) {
            if (dedupKey.isBlank()) {
                throw new IllegalArgumentException("dedupKey must not be blank: pass null to let PagerDuty make one for a trigger");
            }
            if (dedupKey.length() > MAX_DEDUP_KEY_CHARS) {
                throw new IllegalArgumentException("dedupKey must be at most " + MAX_DEDUP_KEY_CHARS
                        + " characters (PagerDuty's limit), got " + dedupKey.length() + ": hash the long part");
            }
        } else if (action != EventAction.TRIGGER) {
            throw new IllegalArgumentException("a " + action.wireValue()
                    + " event needs the dedupKey of the incident it refers to");
        }
        if (action == EventAction.TRIGGER) {
            if (summary == null || summary.isBlank()) {
                throw new IllegalArgumentException("a trigger needs a summary: the sentence on-call reads first");
            }
            if (source == null || source.isBlank()) {
                throw new IllegalArgumentException("a trigger needs a source: the affected system, such as the Stripe account");
            }
            Objects.requireNonNull(severity, "a trigger needs a severity");
        }
        Map<String, Object> details = customDetails == null ? new LinkedHashMap<>() : new LinkedHashMap<>(customDetails);
        if (details.containsKey(null)) {
            throw new IllegalArgumentException("customDetails must not have a null key");
        }
        customDetails = Collections.unmodifiableMap(details);
        if (dashboardUrl != null) {
            requireHttpUrl(dashboardUrl);
        }
    }

    /** A trigger with no optional fields, for tests and simple callers. */
    public static AlertEvent trigger(String dedupKey, String summary, String source, Severity severity, Instant timestamp) {
        return new AlertEvent(EventAction.TRIGGER, dedupKey, summary, source, severity, timestamp, null, null, null,
                Map.of(), null);
    }

    /** A resolve for the incident with this dedup key. */
    public static AlertEvent resolve(String dedupKey, Instant timestamp) {
        return new AlertEvent(EventAction.RESOLVE, dedupKey, null, null, null, timestamp, null, null, null, Map.of(), null);
    }

    /** The summary as sent: at most 1024 characters, ending in an ellipsis when it was cut. */
    public String wireSummary() {
        return summary == null ? null : truncate(summary, MAX_SUMMARY_CHARS);
    }

    /** The Events API v2 body without {@code routing_key}: safe to log or store in the {@code alerts} table. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(requestBody(null));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("custom details cannot be written as JSON", e);
        }
    }

    /**
     * The Events API v2 body. Acknowledge and resolve carry only the routing key, action and dedup key, as PagerDuty
     * documents them; a trigger carries the payload, and the dashboard as a link and in {@code custom_details}.
     */
    ObjectNode requestBody(String routingKey) {
        ObjectNode body = JSON.createObjectNode();
        if (routingKey != null) {
            body.put("routing_key", routingKey);
        }
        body.put("event_action", action.wireValue());
        if (dedupKey != null) {
            body.put("dedup_key", dedupKey);
        }
        if (action != EventAction.TRIGGER) {
            return body;
        }
        ObjectNode payload = body.putObject("payload");
        payload.put("summary", wireSummary());
        payload.put("source", source);
        payload.put("severity", severity.wireValue());
        if (timestamp != null) {
            payload.put("timestamp", timestamp.truncatedTo(ChronoUnit.MILLIS).toString());
        }
        putIfPresent(payload, "component", component);
        putIfPresent(payload, "group", group);
        putIfPresent(payload, "class", eventClass);
        Map<String, Object> details = new LinkedHashMap<>(customDetails);
        if (dashboardUrl != null) {
            details.put("dashboard", dashboardUrl);
        }
        if (!details.isEmpty()) {
            payload.set("custom_details", JSON.valueToTree(details));
        }
        if (dashboardUrl != null) {
            ArrayNode links = body.putArray("links");
            links.addObject().put("href", dashboardUrl).put("text", DASHBOARD_LINK_TEXT);
        }
        body.put("client", CLIENT);
        if (dashboardUrl != null) {
            body.put("client_url", dashboardUrl);
        }
        return body;
    }

    static String truncate(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int cut = maxChars - ELLIPSIS.length();
        // Never split a surrogate pair: PagerDuty would see half a character.
        if (Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--;
        }
        return text.substring(0, cut) + ELLIPSIS;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }

    private static void requireHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (!uri.isAbsolute() || uri.getHost() == null
                    || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
                throw new IllegalArgumentException("dashboardUrl must be an absolute http(s) URL, got '" + url + "'");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("dashboardUrl is not a valid URL: '" + url + "' (" + e.getReason() + ")");
        }
    }
}
