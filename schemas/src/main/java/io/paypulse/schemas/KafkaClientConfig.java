package io.paypulse.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The Kafka client properties (TLS, SASL, timeouts) in the file {@code KAFKA_CLIENT_CONFIG} names: one
 * file for every Kafka client of paypulse, the bridge's producer, the topic provisioner and the job's
 * consumers alike, so a secured cluster is configured once. Values can hold secrets (a JAAS line, key
 * store passwords): nothing here prints them, only the property names.
 */
public final class KafkaClientConfig {

    public static final String ENV = "KAFKA_CLIENT_CONFIG";

    private KafkaClientConfig() {
    }

    /** The properties of the file {@code env} names under {@value #ENV}; empty when it names none. */
    public static Properties fromEnv(Map<String, String> env) {
        return load(env.get(ENV));
    }

    /** The properties of the file at {@code path}; empty when {@code path} is null or blank. */
    public static Properties load(String path) {
        Properties props = new Properties();
        if (path == null || path.isBlank()) {
            return props;
        }
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            props.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV + " names " + path + ", which cannot be read ("
                    + e.getClass().getSimpleName() + "): point it at a Kafka client properties file");
        }
        return props;
    }

    /** The properties as a sorted map of strings, e.g. to carry them in a serializable configuration. */
    public static Map<String, String> asMap(Properties props) {
        Map<String, String> map = new TreeMap<>();
        for (String name : props.stringPropertyNames()) {
            map.put(name, props.getProperty(name));
        }
        return map;
    }
}
