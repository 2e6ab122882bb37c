package io.paypulse.infra.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * An event {@link LocalPagerDuty} accepted (answered 202), and what it did to the incident with its dedup key.
 *
 * @param sequence  the {@link ReceivedRequest#sequence()} of the request that carried it
 * @param action    {@code trigger}, {@code acknowledge} or {@code resolve}
 * @param dedupKey  the key sent, or the one generated for a trigger sent without one
 * @param effect    what PagerDuty would have done with it
 * @param json      the body as parsed; do not modify
 */
public record ReceivedEvent(int sequence, Instant receivedAt, String action, String dedupKey, Effect effect,
                            JsonNode json) {

    /** What an accepted event does to the incident state. */
    public enum Effect {
        /** A trigger with no open incident for its key: a new incident, someone is paged. */
        OPENED,
        /** A trigger for a key with an open incident: added to it, nobody is paged again. */
        DEDUPLICATED,
        /** An acknowledge for an open incident. */
        ACKNOWLEDGED,
        /** A resolve for an open incident: it closes. */
        RESOLVED,
        /** An acknowledge or resolve with no open incident for its key: accepted and dropped, as PagerDuty does. */
        DROPPED
    }

    /** {@code payload.summary}, or null when the event has none. */
    public String summary() {
        return json.path("payload").path("summary").textValue();
    }

    /** {@code payload.severity}, or null when the event has none. */
    public String severity() {
        return json.path("payload").path("severity").textValue();
    }
}
