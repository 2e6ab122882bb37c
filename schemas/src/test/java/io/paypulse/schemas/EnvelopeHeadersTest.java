package io.paypulse.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Java constants and the JSON Schemas in envelope/ must say exactly the same thing. */
class EnvelopeHeadersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void eventSchemaPropertiesAndRequiredMatchTheConstants() throws Exception {
        JsonNode schema = schema(EnvelopeHeaders.EVENT_SCHEMA_RESOURCE);
        Set<String> all = new HashSet<>(EnvelopeHeaders.EVENT_REQUIRED);
        all.addAll(EnvelopeHeaders.EVENT_OPTIONAL);
        assertEquals(new TreeSet<>(all), propertyNames(schema));
        assertEquals(new TreeSet<>(EnvelopeHeaders.EVENT_REQUIRED), required(schema));
    }

    @Test
    void dlqSchemaPropertiesAndRequiredMatchTheConstants() throws Exception {
        JsonNode schema = schema(EnvelopeHeaders.DLQ_SCHEMA_RESOURCE);
        assertEquals(new TreeSet<>(EnvelopeHeaders.DLQ_REQUIRED), propertyNames(schema));
        assertEquals(new TreeSet<>(EnvelopeHeaders.DLQ_REQUIRED), required(schema));
    }

    @Test
    void everyHeaderNameConstantIsInASchema() throws Exception {
        Set<String> inSchemas = new TreeSet<>(propertyNames(schema(EnvelopeHeaders.EVENT_SCHEMA_RESOURCE)));
        inSchemas.addAll(propertyNames(schema(EnvelopeHeaders.DLQ_SCHEMA_RESOURCE)));
        assertEquals(inSchemas, headerNameConstants(), "a header constant without a schema property, or the reverse");
    }

    @Test
    void versionMatchesBothSchemas() throws Exception {
        for (String resource : new String[] {EnvelopeHeaders.EVENT_SCHEMA_RESOURCE, EnvelopeHeaders.DLQ_SCHEMA_RESOURCE}) {
            JsonNode schema = schema(resource);
            assertEquals(EnvelopeHeaders.VERSION,
                    schema.get("properties").get(EnvelopeHeaders.ENVELOPE_VERSION).get("const").asText(), resource);
            assertTrue(resource.endsWith(".v" + EnvelopeHeaders.VERSION + ".schema.json"), resource);
        }
    }

    @Test
    void schemasAreDraft202012ClosedObjectsOfStrings() throws Exception {
        for (String resource : new String[] {EnvelopeHeaders.EVENT_SCHEMA_RESOURCE, EnvelopeHeaders.DLQ_SCHEMA_RESOURCE}) {
            JsonNode schema = schema(resource);
            assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText(), resource);
            assertEquals("object", schema.get("type").asText(), resource);
            assertFalse(schema.get("additionalProperties").asBoolean(), resource);
            for (Map.Entry<String, JsonNode> property : schema.get("properties").properties()) {
                JsonNode p = property.getValue();
                boolean stringValued = "string".equals(p.path("type").asText())
                        || p.path("const").isTextual()
                        || (p.path("enum").isArray() && allText(p.get("enum")));
                assertTrue(stringValued, resource + " " + property.getKey() + " must be a string");
                assertTrue(p.path("description").isTextual(), resource + " " + property.getKey() + " needs a description");
            }
        }
    }

    @Test
    void knownDlqReasonsAreTheSchemaExamplesAndMatchItsPattern() throws Exception {
        JsonNode reason = schema(EnvelopeHeaders.DLQ_SCHEMA_RESOURCE).get("properties").get(EnvelopeHeaders.DLQ_REASON);
        Set<String> examples = new TreeSet<>();
        reason.get("examples").forEach(e -> examples.add(e.asText()));
        assertEquals(new TreeSet<>(EnvelopeHeaders.DLQ_KNOWN_REASONS), examples);
        Pattern pattern = Pattern.compile(reason.get("pattern").asText());
        EnvelopeHeaders.DLQ_KNOWN_REASONS.forEach(r -> assertTrue(pattern.matcher(r).matches(), r));
    }

    @Test
    void patternsAcceptRealisticValuesAndRejectWrongOnes() throws Exception {
        JsonNode properties = schema(EnvelopeHeaders.EVENT_SCHEMA_RESOURCE).get("properties");
        // Ids, types, accounts and API versions are Stripe's to shape: the contract only requires them present.
        for (String header : List.of(EnvelopeHeaders.EVENT_ID, EnvelopeHeaders.EVENT_TYPE, EnvelopeHeaders.EVENT_API_VERSION,
                EnvelopeHeaders.EVENT_ACCOUNT)) {
            assertEquals(1, properties.get(header).get("minLength").asInt(), header);
        }
        assertMatches(properties, EnvelopeHeaders.EVENT_CREATED, "1700000000", "0");
        assertRejects(properties, EnvelopeHeaders.EVENT_CREATED, "1700000000.5", "-1", "017");
        assertMatches(properties, EnvelopeHeaders.RECEIVED_AT, "1700000000123");
        assertMatches(properties, EnvelopeHeaders.BRIDGE_INSTANCE, "bridge-7f9c-0", "10.0.0.7:8080");
        assertRejects(properties, EnvelopeHeaders.BRIDGE_INSTANCE, "", "two words");
    }

    private static void assertMatches(JsonNode properties, String header, String... values) {
        Pattern pattern = Pattern.compile(properties.get(header).get("pattern").asText());
        for (String value : values) {
            assertTrue(pattern.matcher(value).find(), header + " should accept '" + value + "'");
        }
    }

    private static void assertRejects(JsonNode properties, String header, String... values) {
        Pattern pattern = Pattern.compile(properties.get(header).get("pattern").asText());
        for (String value : values) {
            assertFalse(pattern.matcher(value).find(), header + " should reject '" + value + "'");
        }
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode schema(String resource) throws Exception {
        return JSON.readTree(ClasspathContracts.readText(resource));
    }

    private static Set<String> propertyNames(JsonNode schema) {
        Set<String> names = new TreeSet<>();
        schema.get("properties").properties().forEach(p -> names.add(p.getKey()));
        return names;
    }

    private static Set<String> required(JsonNode schema) {
        Set<String> names = new TreeSet<>();
        schema.get("required").forEach(n -> names.add(n.asText()));
        return names;
    }

    /** Every public String constant of EnvelopeHeaders that names a header (they all contain a dot and no slash). */
    private static Set<String> headerNameConstants() throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (Field field : EnvelopeHeaders.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                String value = (String) field.get(null);
                if (value.contains(".") && !value.contains("/")) {
                    names.add(value);
                }
            }
        }
        return names;
    }
}
