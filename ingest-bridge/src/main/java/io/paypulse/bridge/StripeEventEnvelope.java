package io.paypulse.bridge;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.paypulse.schemas.PlausibleTimes;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The top-level fields of a Stripe event that travel next to its untouched payload on Kafka. Reading
 * them streams over the JSON once, checking it is well formed, without building a tree.
 */
public record StripeEventEnvelope(
        String id,
        String type,
        long created,
        String apiVersion,
        String account,
        boolean livemode) {

    /** Thrown when a correctly signed body still cannot be an event; the body goes to the dead-letter topic. */
    public static final class MalformedEventException extends Exception {
        private final Rejection rejection;

        MalformedEventException(Rejection rejection, String detail) {
            super(detail, null, false, false);
            this.rejection = rejection;
        }

        public Rejection rejection() {
            return rejection;
        }
    }

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(256).build())
            .build();

    /** The envelope of {@code body}, received now by this bridge's clock: see {@link #parse(byte[], long)}. */
    public static StripeEventEnvelope parse(byte[] body) throws MalformedEventException {
        return parse(body, System.currentTimeMillis());
    }

    /**
     * The envelope of {@code body}, received at {@code receivedAtMillis} by the bridge's clock. A
     * {@code created} before 2010 or more than a day after the receipt is refused as
     * {@link Rejection#MISSING_CREATED}: no Stripe event has one, and the Flink job could not store it
     * (its tables hold {@code created} as a ClickHouse {@code DateTime}) nor let it move event time.
     */
    public static StripeEventEnvelope parse(byte[] body, long receivedAtMillis) throws MalformedEventException {
        String id = null;
        String type = null;
        Long created = null;
        String apiVersion = null;
        String account = null;
        boolean livemode = false;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedEventException(Rejection.INVALID_JSON, "the body is not a JSON object");
            }
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "type" -> type = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "created" -> created = createdSeconds(value, p);
                    case "api_version" -> apiVersion = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "account" -> account = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "livemode" -> livemode = value == JsonToken.VALUE_TRUE;
                    default -> p.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new MalformedEventException(Rejection.INVALID_JSON, "the body holds more than one JSON value");
            }
        } catch (JsonProcessingException e) {
            // Only the position: Jackson's own message quotes the body, which may hold personal data.
            JsonLocation at = e.getLocation();
            throw new MalformedEventException(Rejection.INVALID_JSON, at == null ? "the body is not valid JSON"
                    : "the body is not valid JSON (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
        } catch (IOException e) {
            // Parsing a byte array does no I/O, so this is a parser failure too.
            throw new MalformedEventException(Rejection.INVALID_JSON, "the body is not valid JSON");
        }
        if (id == null || id.isBlank()) {
            throw new MalformedEventException(Rejection.MISSING_ID, "the event has no string 'id'");
        }
        if (type == null || type.isBlank()) {
            throw new MalformedEventException(Rejection.MISSING_TYPE, "the event has no string 'type'");
        }
        if (created == null) {
            throw new MalformedEventException(Rejection.MISSING_CREATED, "the event has no 'created' timestamp");
        }
        if (!PlausibleTimes.isPlausibleCreated(created, receivedAtMillis)) {
            throw new MalformedEventException(Rejection.MISSING_CREATED, "the event's 'created' (" + created
                    + ") is not epoch seconds between 2010-01-01 and a day after receipt");
        }
        return new StripeEventEnvelope(id, type, created, apiVersion, account, livemode);
    }

    /** Snapshot events carry epoch seconds; thin (v2) event notifications carry an RFC 3339 timestamp. */
    private static Long createdSeconds(JsonToken value, JsonParser p) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (value == JsonToken.VALUE_STRING) {
            try {
                return Instant.parse(p.getText()).getEpochSecond();
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        p.skipChildren();
        return null;
    }
}
