package io.paypulse.schemas;

import io.paypulse.infra.SharedInfra;
import java.util.Map;

/**
 * The Kafka and ClickHouse the integration tests talk to: the servers named by
 * {@code KAFKA_BOOTSTRAP_SERVERS} / {@code CLICKHOUSE_URL} when set, otherwise the JVM-wide local
 * servers of the local-infra module, started on first use.
 */
final class LocalServers {

    private LocalServers() {
    }

    static String kafkaBootstrapServers() {
        String configured = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        return configured != null && !configured.isBlank() ? configured : SharedInfra.kafka().bootstrapServers();
    }

    /** Server and credentials; tests pick their own database with {@link ClickHouseConfig#withDatabase}. */
    static ClickHouseConfig clickHouse() {
        Map<String, String> env = System.getenv();
        String configured = env.get(ClickHouseConfig.ENV_URL);
        if (configured != null && !configured.isBlank()) {
            return ClickHouseConfig.fromEnv(env);
        }
        // The local server has user default without a password.
        return ClickHouseConfig.fromEnv(Map.of(ClickHouseConfig.ENV_URL, SharedInfra.clickHouse().httpUrl()));
    }
}
