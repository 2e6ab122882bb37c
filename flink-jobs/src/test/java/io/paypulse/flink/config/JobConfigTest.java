package io.paypulse.flink.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobConfigTest {

    @Test
    void emptyEnvironmentGivesTheDocumentedDefaults() {
        JobConfig config = JobConfig.fromEnv(Map.of());

        assertEquals("localhost:9092", config.kafkaBootstrapServers());
        assertEquals("stripe.events", config.topic());
        assertEquals(Duration.ofSeconds(30), config.outOfOrderness());
        assertEquals(Duration.ofHours(1), config.allowedLateness());
        assertEquals(Duration.ofHours(72), config.dedupRetention());
        assertEquals(List.of("all", "payment_method_type", "card_brand", "card_country", "card_brand,card_country",
                "currency", "failure_code", "account"), config.dimensionSets().stream().map(DimensionSet::name).toList());
        assertTrue(config.redaction().enabled());
        assertEquals("stripe.events.dlq", config.dlqTopic());
        assertEquals("paypulse.metrics", config.metricsTopic());
        assertEquals(Duration.ofSeconds(15), config.metricsInterval());
        assertTrue(config.reportsOwnMetrics());
        assertEquals(50_000, config.clickHouseBatchRows());
        assertEquals(Duration.ofSeconds(5), config.clickHouseFlushInterval());
        assertEquals(config, JobConfig.defaults());
    }

    @Test
    void pipelineHealthTopicsAndIntervalAreConfigurable() {
        JobConfig config = JobConfig.fromEnv(Map.of(JobConfig.ENV_DLQ_TOPIC, "dlq-a", JobConfig.ENV_METRICS_TOPIC, "metrics-a",
                JobConfig.ENV_METRICS_INTERVAL, "2s"));
        assertEquals("dlq-a", config.dlqTopic());
        assertEquals("metrics-a", config.metricsTopic());
        assertEquals(Duration.ofSeconds(2), config.metricsInterval());

        assertFalse(JobConfig.fromEnv(Map.of(JobConfig.ENV_METRICS_INTERVAL, "0")).reportsOwnMetrics());
        assertMessage(Map.of(JobConfig.ENV_METRICS_INTERVAL, "10ms"), "must be 0 (off) or at least 100ms");
        assertMessage(Map.of(JobConfig.ENV_DLQ_TOPIC, "stripe.events"), "must name three different topics");
    }

    @Test
    void variablesOverrideDefaults() {
        JobConfig config = JobConfig.fromEnv(Map.of(
                JobConfig.ENV_KAFKA_BOOTSTRAP_SERVERS, "kafka:29092",
                JobConfig.ENV_OUT_OF_ORDERNESS, "500ms",
                JobConfig.ENV_ALLOWED_LATENESS, "PT2H",
                JobConfig.ENV_DEDUP_RETENTION, "4d",
                JobConfig.ENV_SOURCE_IDLE_TIMEOUT, "15m",
                JobConfig.ENV_DIMENSION_SETS, " card_country , card_brand ; all ",
                JobConfig.ENV_REDACTION_EXTRA_FIELDS, "metadata, description"));

        assertEquals("kafka:29092", config.kafkaBootstrapServers());
        assertEquals(Duration.ofMillis(500), config.outOfOrderness());
        assertEquals(Duration.ofHours(2), config.allowedLateness());
        assertEquals(Duration.ofDays(4), config.dedupRetention());
        assertEquals(Duration.ofMinutes(15), config.sourceIdleTimeout());
        // Dimension order inside a set is canonical, whatever order the variable lists them in.
        assertEquals(List.of("card_brand,card_country", "all"),
                config.dimensionSets().stream().map(DimensionSet::name).toList());
        assertTrue(config.redaction().fields().containsAll(List.of("metadata", "description", "email")));
    }

    @Test
    void clickHouseBatchingIsConfigurableWithinClickHouseLimits() {
        JobConfig config = JobConfig.fromEnv(Map.of(JobConfig.ENV_CLICKHOUSE_BATCH_ROWS, " 100_000 ",
                JobConfig.ENV_CLICKHOUSE_FLUSH_INTERVAL, "500ms"));
        assertEquals(100_000, config.clickHouseBatchRows());
        assertEquals(Duration.ofMillis(500), config.clickHouseFlushInterval());
        assertEquals(1_048_576, JobConfig.fromEnv(Map.of(JobConfig.ENV_CLICKHOUSE_BATCH_ROWS, "1048576")).clickHouseBatchRows());

        assertMessage(Map.of(JobConfig.ENV_CLICKHOUSE_BATCH_ROWS, "50k"),
                "PAYPULSE_CLICKHOUSE_BATCH_ROWS='50k' is not a whole number; write e.g. 50000");
        assertMessage(Map.of(JobConfig.ENV_CLICKHOUSE_BATCH_ROWS, "0"),
                "PAYPULSE_CLICKHOUSE_BATCH_ROWS must be between 1 and 1048576 (ClickHouse's max_insert_block_size), got 0");
        assertMessage(Map.of(JobConfig.ENV_CLICKHOUSE_BATCH_ROWS, "1048577"), "must be between 1 and 1048576");
        assertMessage(Map.of(JobConfig.ENV_CLICKHOUSE_BATCH_ROWS, "99999999999"), "is not a whole number");
        assertMessage(Map.of(JobConfig.ENV_CLICKHOUSE_FLUSH_INTERVAL, "0s"),
                "PAYPULSE_CLICKHOUSE_FLUSH_INTERVAL must be greater than zero");
        assertMessage(Map.of(JobConfig.ENV_CLICKHOUSE_FLUSH_INTERVAL, "PT0.0001S"),
                "PAYPULSE_CLICKHOUSE_FLUSH_INTERVAL must be at least 1ms, got PT0.0001S");
        assertMessage(Map.of(JobConfig.ENV_CLICKHOUSE_FLUSH_INTERVAL, "soon"),
                "PAYPULSE_CLICKHOUSE_FLUSH_INTERVAL='soon' is not a duration");
    }

    @Test
    void redactionCanBeTurnedOff() {
        JobConfig config = JobConfig.fromEnv(Map.of(JobConfig.ENV_REDACTION, "OFF"));
        assertFalse(config.redaction().enabled());
        assertTrue(config.redaction().fields().isEmpty());
    }

    @Test
    void invalidValuesAreRejectedWithTheVariableAndAFix() {
        assertMessage(Map.of(JobConfig.ENV_ALLOWED_LATENESS, "an hour"),
                "PAYPULSE_ALLOWED_LATENESS='an hour' is not a duration; write e.g. 30s, 15m, 1h, 3d or PT1H");
        assertMessage(Map.of(JobConfig.ENV_ALLOWED_LATENESS, "-PT1H"), "PAYPULSE_ALLOWED_LATENESS must not be negative");
        assertMessage(Map.of(JobConfig.ENV_DEDUP_RETENTION, "24h"), "set it to 72h or more");
        assertMessage(Map.of(JobConfig.ENV_SOURCE_IDLE_TIMEOUT, "0s"), "PAYPULSE_SOURCE_IDLE_TIMEOUT must be greater than zero");
        assertMessage(Map.of(JobConfig.ENV_DIMENSION_SETS, "card_brand;bin"), "unknown dimension 'bin'; use one of");
        assertMessage(Map.of(JobConfig.ENV_DIMENSION_SETS, "card_brand;;all"), "empty dimension set");
        assertMessage(Map.of(JobConfig.ENV_DIMENSION_SETS, "card_brand,card_brand"), "listed twice in one set");
        assertMessage(Map.of(JobConfig.ENV_DIMENSION_SETS, "card_brand,card_country;card_country,card_brand"),
                "lists a dimension set twice");
        assertMessage(Map.of(JobConfig.ENV_REDACTION, "partial"), "PAYPULSE_REDACTION='partial'; use on or off");
        assertMessage(Map.of(JobConfig.ENV_REDACTION, "off", JobConfig.ENV_REDACTION_EXTRA_FIELDS, "metadata"),
                "turn redaction on or drop the extra fields");
    }

    private static void assertMessage(Map<String, String> env, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobConfig.fromEnv(env));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void livemodeIsLiveByDefaultAndTakesTestOrAny() {
        assertEquals(Livemode.LIVE, JobConfig.defaults().livemode());
        assertEquals(Livemode.TEST, JobConfig.fromEnv(Map.of(JobConfig.ENV_LIVEMODE, " Test ")).livemode());
        assertEquals(Livemode.ANY, JobConfig.fromEnv(Map.of(JobConfig.ENV_LIVEMODE, "any")).livemode());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromEnv(Map.of(JobConfig.ENV_LIVEMODE, "production")));
        assertEquals("PAYPULSE_LIVEMODE='production' is not a mode: write live (production: live-mode events only), "
                + "test (test-mode events only) or any (both)", e.getMessage());
        assertTrue(Livemode.LIVE.counts(true));
        assertFalse(Livemode.LIVE.counts(false));
        assertTrue(Livemode.TEST.counts(false));
        assertFalse(Livemode.TEST.counts(true));
        assertTrue(Livemode.ANY.counts(false) && Livemode.ANY.counts(true));
    }

    @Test
    void kafkaClientConfigReachesTheJobWithoutPrintingItsValues(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2\";\n");
        JobConfig config = JobConfig.fromEnv(Map.of(JobConfig.ENV_KAFKA_CLIENT_CONFIG, file.toString()));

        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2\";"),
                config.kafkaClientProperties());
        assertEquals("SASL_SSL", config.kafkaClientPropertiesCopy().getProperty("security.protocol"));
        assertTrue(config.toString().contains("kafkaClientProperties=[sasl.jaas.config, sasl.mechanism, security.protocol]"),
                config.toString());
        assertFalse(config.toString().contains("hunter2"), config.toString());
        assertEquals(Map.of(), JobConfig.defaults().kafkaClientProperties());
    }

    @Test
    void kafkaClientConfigThatSetsWhatTheJobOwnsOrCannotBeReadIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "group.id=someone-else\n");
        assertMessage(Map.of(JobConfig.ENV_KAFKA_CLIENT_CONFIG, file.toString()),
                "KAFKA_CLIENT_CONFIG sets group.id, which the job sets itself: remove that line from the file");
        Files.writeString(file, "bootstrap.servers=elsewhere:9092\n");
        assertMessage(Map.of(JobConfig.ENV_KAFKA_CLIENT_CONFIG, file.toString()),
                "KAFKA_CLIENT_CONFIG sets bootstrap.servers, which the job sets itself");

        Path missing = dir.resolve("missing.properties");
        assertMessage(Map.of(JobConfig.ENV_KAFKA_CLIENT_CONFIG, missing.toString()),
                "KAFKA_CLIENT_CONFIG names " + missing + ", which cannot be read (NoSuchFileException): point it at a Kafka"
                        + " client properties file");
    }
}
