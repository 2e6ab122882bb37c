package io.paypulse.flink.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/** Reads the parts of a Stripe event body the job needs, tolerating any shape without throwing. */
final class StripeJson {

    /** Thread-safe once configured; shared by all operators in a task manager. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private StripeJson() {
    }

    /** The body as a JSON object, or empty when it is not valid JSON or not an object. */
    static Optional<ObjectNode> parseObject(String payload) {
        try {
            return MAPPER.readTree(payload) instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** {@code data.object} of an event body, or empty. */
    static Optional<ObjectNode> dataObject(String payload) {
        return parseObject(payload).map(event -> event.path("data").path("object"))
                .filter(ObjectNode.class::isInstance).map(ObjectNode.class::cast);
    }

    /** The text at {@code path} below {@code node}, {@code ""} when missing, null or not text. */
    static String text(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return value.isTextual() ? value.asText() : "";
    }

    /** The integral number at {@code path}, or empty when missing or not an integer. */
    static Optional<Long> integer(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return value.isIntegralNumber() && value.canConvertToLong() ? Optional.of(value.asLong()) : Optional.empty();
    }

    private static JsonNode at(JsonNode node, String... path) {
        JsonNode current = node;
        for (String name : path) {
            current = current.path(name);
        }
        return current;
    }
}
