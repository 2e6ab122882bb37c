package io.paypulse.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Kafka topic contract, read from {@code kafka/topics.json} on the classpath: the one place
 * that says which topics exist and how they are configured.
 */
public final class TopicSpecs {

    /** Classpath location of the topic specs. */
    public static final String RESOURCE = ClasspathContracts.PREFIX + "kafka/topics.json";

    private static final Set<String> TOPIC_FIELDS =
            Set.of("name", "description", "partitions", "replicationFactor", "config");

    private final Map<String, TopicSpec> byName;

    private TopicSpecs(Map<String, TopicSpec> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** Loads the specs packed in the paypulse-schemas jar. */
    public static TopicSpecs load() {
        return parse(ClasspathContracts.readText(RESOURCE), RESOURCE);
    }

    /**
     * Parses specs from JSON text. Strict on purpose: an unknown field is most likely a typo that
     * would otherwise silently fall back to a default.
     */
    static TopicSpecs parse(String json, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode topics = root == null ? null : root.get("topics");
        if (topics == null || !topics.isArray() || topics.isEmpty()) {
            throw new IllegalArgumentException(source + " needs a non-empty array \"topics\"");
        }
        Map<String, TopicSpec> byName = new LinkedHashMap<>();
        for (int i = 0; i < topics.size(); i++) {
            String where = source + " topics[" + i + "]";
            TopicSpec spec;
            try {
                spec = toSpec(topics.get(i), where);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            if (byName.putIfAbsent(spec.name(), spec) != null) {
                throw new IllegalArgumentException(where + ": topic " + spec.name() + " is defined twice");
            }
        }
        return new TopicSpecs(byName);
    }

    private static TopicSpec toSpec(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("must be an object");
        }
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            String field = property.getKey();
            if (!TOPIC_FIELDS.contains(field)) {
                throw new IllegalArgumentException("unknown field \"" + field + "\"; allowed: " + TOPIC_FIELDS);
            }
        }
        String name = text(node, "name");
        String description = text(node, "description");
        JsonNode partitions = node.get("partitions");
        if (partitions == null || !partitions.canConvertToInt() || !partitions.isIntegralNumber()) {
            throw new IllegalArgumentException("\"partitions\" must be an integer");
        }
        Optional<Short> replicationFactor = Optional.empty();
        JsonNode rf = node.get("replicationFactor");
        if (rf != null && !rf.isNull()) {
            if (!rf.isIntegralNumber() || rf.asInt() > Short.MAX_VALUE) {
                throw new IllegalArgumentException("\"replicationFactor\" must be a small integer, or left out");
            }
            replicationFactor = Optional.of((short) rf.asInt());
        }
        Map<String, String> config = new LinkedHashMap<>();
        JsonNode configNode = node.get("config");
        if (configNode != null) {
            if (!configNode.isObject()) {
                throw new IllegalArgumentException("\"config\" must be an object of strings");
            }
            for (Map.Entry<String, JsonNode> entry : configNode.properties()) {
                // Kafka configs are strings on the wire; a JSON number here would hide whether
                // "604800000" or 6.048E8 was meant.
                if (!entry.getValue().isTextual()) {
                    throw new IllegalArgumentException("config \"" + entry.getKey() + "\" must be a string, e.g. \"604800000\"");
                }
                config.put(entry.getKey(), entry.getValue().asText());
            }
        }
        return new TopicSpec(name, description, partitions.asInt(), replicationFactor, config);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a string");
        }
        return value.asText();
    }

    /** All specs, in file order. */
    public List<TopicSpec> all() {
        return List.copyOf(byName.values());
    }

    /** Topic names, in file order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The spec of one topic; fails if the contract does not define it. */
    public TopicSpec get(String name) {
        TopicSpec spec = byName.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("No topic " + name + " in " + RESOURCE + "; defined: " + byName.keySet());
        }
        return spec;
    }
}
