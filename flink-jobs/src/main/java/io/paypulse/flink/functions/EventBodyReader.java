package io.paypulse.flink.functions;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.paypulse.flink.config.RedactionPolicy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a Stripe event body in one streaming pass: it picks up the fields of {@code data.object}
 * that attempts and payouts need, and makes the stored form of the body by splicing
 * {@code "[redacted]"} over each value the {@link RedactionPolicy} redacts. No JSON tree is built,
 * nothing is re-serialised (the stored body keeps the received bytes, numbers and whitespace
 * included), and the body is parsed once for everything the job does with it.
 *
 * <p>Not thread-safe: each parallel operator instance keeps its own reader, whose output buffer is
 * reused from event to event.
 */
public final class EventBodyReader {

    /** Thread-safe; parsers are cheap to create from it. */
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] REDACTED_JSON = ('"' + RedactionPolicy.REDACTED + '"').getBytes(StandardCharsets.UTF_8);

    /** Text fields of {@code data.object} the job reads, by path below it. */
    private static final Set<String> TEXT_FIELDS = Set.of("id", "currency", "method", "failure_code",
            "outcome.type", "outcome.network_decline_code", "payment_method_details.type");
    /** Integer fields of {@code data.object} the job reads. */
    private static final Set<String> INTEGER_FIELDS = Set.of("amount", "created", "arrival_date");
    /** Text fields of {@code data.object.payment_method_details.<method>} the job reads. */
    private static final Set<String> METHOD_DETAIL_FIELDS = Set.of("brand", "country", "funding");

    // Where the parser is, as far as the fields above are concerned.
    private static final int OTHER = 0;
    private static final int ROOT = 1;
    private static final int DATA = 2;
    private static final int OBJECT = 3;
    private static final int OUTCOME = 4;
    private static final int METHOD_DETAILS = 5;
    private static final int ONE_METHOD = 6;

    private final RedactionPolicy policy;
    /** The stored body when something was redacted: the payload with redacted values spliced over. */
    private byte[] out = new byte[8192];
    private int outLength;
    /** How much of the payload has been copied to {@link #out}. */
    private int copiedUpTo;
    private int[] scopes = new int[32];
    private String[] scopeNames = new String[32];

    public EventBodyReader(RedactionPolicy policy) {
        this.policy = policy;
    }

    /**
     * The body read from {@code payload} (UTF-8 JSON), or empty when it is not valid JSON or not a
     * JSON object: such a body can be neither redacted nor counted.
     */
    public Optional<EventBody> read(byte[] payload) {
        outLength = 0;
        copiedUpTo = 0;
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            EventBody body = walk(parser, payload);
            if (parser.nextToken() != null) {
                return Optional.empty();
            }
            return Optional.of(body);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        } catch (IOException e) {
            // Reading from a byte array does no I/O; a JSON error is handled above.
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the object whose {@code START_OBJECT} the parser is on: collects the fields the job
     * reads, and splices {@code "[redacted]"} over each value the policy redacts. Everything else
     * is stored byte for byte as received, so redaction changes nothing but the redacted values.
     */
    private EventBody walk(JsonParser parser, byte[] payload) throws IOException {
        Map<String, String> text = new HashMap<>(16);
        Map<String, Long> integers = new HashMap<>(8);
        Map<String, Map<String, String>> methodDetails = EventBody.newMethodDetails();
        int depth = 0;
        scopes[0] = ROOT;
        scopeNames[0] = null;
        // The depth at which a redacted object or array began; -1 while nothing is being redacted.
        int redactedFrom = -1;
        boolean redactNext = false;
        String field = null;
        JsonToken token;
        while (depth >= 0 && (token = parser.nextToken()) != null) {
            switch (token) {
                case FIELD_NAME -> {
                    field = parser.currentName();
                    redactNext = redactedFrom < 0 && policy.redacts(field);
                }
                case START_OBJECT, START_ARRAY -> {
                    boolean object = token == JsonToken.START_OBJECT;
                    int parent = scopes[depth];
                    depth++;
                    grow(depth);
                    // Nothing the job reads sits in an array, so an array and all within it are OTHER.
                    scopes[depth] = object ? childScope(parent, field) : OTHER;
                    forget(scopes[depth - 1], field, text, integers);
                    scopeNames[depth] = field;
                    if (redactNext) {
                        redactedFrom = depth;
                        redactNext = false;
                    }
                    field = null;
                }
                case END_OBJECT, END_ARRAY -> {
                    if (redactedFrom == depth) {
                        redactedFrom = -1;
                    }
                    depth--;
                }
                default -> {
                    collect(parser, token, scopes[depth], scopeNames[depth], field, text, integers, methodDetails);
                    if ((redactNext || redactedFrom >= 0) && token != JsonToken.VALUE_NULL) {
                        redact(parser, token, payload);
                    }
                    redactNext = false;
                }
            }
        }
        String stored;
        if (copiedUpTo == 0) {
            stored = new String(payload, StandardCharsets.UTF_8);
        } else {
            append(payload, copiedUpTo, payload.length - copiedUpTo);
            stored = new String(out, 0, outLength, StandardCharsets.UTF_8);
        }
        return new EventBody(stored, text, integers, methodDetails);
    }

    /** Replaces the scalar the parser is on with {@code "[redacted]"} in the stored body. */
    private void redact(JsonParser parser, JsonToken token, byte[] payload) throws IOException {
        int start = (int) parser.currentTokenLocation().getByteOffset();
        if (token == JsonToken.VALUE_STRING) {
            // A string is read lazily; its end is known once it is read to its closing quote.
            parser.finishToken();
        }
        int end = (int) parser.currentLocation().getByteOffset();
        append(payload, copiedUpTo, start - copiedUpTo);
        append(REDACTED_JSON, 0, REDACTED_JSON.length);
        copiedUpTo = end;
    }

    private void append(byte[] bytes, int from, int length) {
        if (outLength + length > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, outLength + length));
        }
        System.arraycopy(bytes, from, out, outLength, length);
        outLength += length;
    }

    private static int childScope(int parent, String field) {
        if (field == null) {
            return OTHER;
        }
        return switch (parent) {
            case ROOT -> "data".equals(field) ? DATA : OTHER;
            case DATA -> "object".equals(field) ? OBJECT : OTHER;
            case OBJECT -> switch (field) {
                case "outcome" -> OUTCOME;
                case "payment_method_details" -> METHOD_DETAILS;
                default -> OTHER;
            };
            case METHOD_DETAILS -> ONE_METHOD;
            default -> OTHER;
        };
    }

    /** A field the job reads that turns out to hold an object or array has no usable value. */
    private static void forget(int scope, String field, Map<String, String> text, Map<String, Long> integers) {
        String path = path(scope, field);
        if (path != null) {
            text.remove(path);
            integers.remove(path);
        }
    }

    /**
     * The path below {@code data.object} of a field the job reads, or null. Nested paths are constants:
     * concatenating one for every field of {@code outcome} and {@code payment_method_details}, then
     * hashing it to find it is not read, was a measurable share of the job's CPU.
     */
    private static String path(int scope, String field) {
        if (field == null) {
            return null;
        }
        return switch (scope) {
            case OBJECT -> field;
            case OUTCOME -> switch (field) {
                case "type" -> "outcome.type";
                case "network_decline_code" -> "outcome.network_decline_code";
                default -> null;
            };
            case METHOD_DETAILS -> "type".equals(field) ? "payment_method_details.type" : null;
            default -> null;
        };
    }

    private static void collect(JsonParser parser, JsonToken token, int scope, String scopeName, String field,
                                Map<String, String> text, Map<String, Long> integers,
                                Map<String, Map<String, String>> methodDetails) throws IOException {
        if (scope == ONE_METHOD) {
            if (field != null && METHOD_DETAIL_FIELDS.contains(field)) {
                Map<String, String> details = methodDetails.computeIfAbsent(scopeName, k -> new HashMap<>(4));
                if (token == JsonToken.VALUE_STRING) {
                    details.put(field, parser.getText());
                } else {
                    details.remove(field);
                }
            }
            return;
        }
        String path = path(scope, field);
        if (path == null) {
            return;
        }
        if (TEXT_FIELDS.contains(path)) {
            if (token == JsonToken.VALUE_STRING) {
                text.put(path, parser.getText());
            } else {
                text.remove(path);
            }
        } else if (INTEGER_FIELDS.contains(path)) {
            if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                integers.put(path, parser.getLongValue());
            } else {
                integers.remove(path);
            }
        }
    }

    private void grow(int depth) {
        if (depth == scopes.length) {
            scopes = Arrays.copyOf(scopes, depth * 2);
            scopeNames = Arrays.copyOf(scopeNames, depth * 2);
        }
    }
}
