package io.paypulse.flink.config;

import io.paypulse.flink.sink.ClickHouseSink;
import io.paypulse.schemas.KafkaClientConfig;
import io.paypulse.schemas.Topics;

import java.io.Serializable;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the payment health job can be told, parsed once from the environment. This is the only
 * place that knows the variable names; the rest of the job reads these fields.
 *
 * @param kafkaBootstrapServers Kafka cluster to read {@code topic} from
 * @param topic                 topic holding Stripe events in the v1 envelope
 * @param consumerGroupId       Kafka consumer group of the job
 * @param outOfOrderness        how far behind the newest {@code created} an event may arrive and still be on time
 * @param sourceIdleTimeout     a source split without events for this long stops holding the watermark back
 * @param allowedLateness       how long after its window closed a late event still updates the window
 * @param dedupRetention        how long an event id is remembered to drop redeliveries (processing time)
 * @param dimensionSets         grouping sets of the decline-rate metrics, in configuration order
 * @param redaction             which personal data is removed from stored payloads
 * @param checkpointInterval    how often the job checkpoints; also bounds how stale ClickHouse rows get
 * @param dlqTopic              the bridge's dead-letter topic, copied into {@code dlq_events}
 * @param metricsTopic          counter snapshots of the bridge and the job, copied into {@code pipeline_metrics}
 * @param metricsInterval       how often the job's own counters go to {@code metricsTopic}; zero = never
 * @param clickHouseBatchRows   a ClickHouse sink inserts its batch once it holds this many rows
 * @param clickHouseFlushInterval a ClickHouse sink inserts its batch at the latest this long after its first row
 * @param livemode              which of Stripe's modes the metrics count (every event is stored either way)
 * @param kafkaClientProperties Kafka client properties (TLS, SASL) of the file {@code KAFKA_CLIENT_CONFIG} names,
 *                              for every consumer of the job; the same file as the bridge's
 */
public record JobConfig(
        String kafkaBootstrapServers,
        String topic,
        String consumerGroupId,
        Duration outOfOrderness,
        Duration sourceIdleTimeout,
        Duration allowedLateness,
        Duration dedupRetention,
        List<DimensionSet> dimensionSets,
        RedactionPolicy redaction,
        Duration checkpointInterval,
        String dlqTopic,
        String metricsTopic,
        Duration metricsInterval,
        int clickHouseBatchRows,
        Duration clickHouseFlushInterval,
        Livemode livemode,
        Map<String, String> kafkaClientProperties) implements Serializable {

    public static final String ENV_KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String ENV_TOPIC = "PAYPULSE_EVENTS_TOPIC";
    public static final String ENV_CONSUMER_GROUP = "PAYPULSE_CONSUMER_GROUP";
    public static final String ENV_OUT_OF_ORDERNESS = "PAYPULSE_OUT_OF_ORDERNESS";
    public static final String ENV_SOURCE_IDLE_TIMEOUT = "PAYPULSE_SOURCE_IDLE_TIMEOUT";
    public static final String ENV_ALLOWED_LATENESS = "PAYPULSE_ALLOWED_LATENESS";
    public static final String ENV_DEDUP_RETENTION = "PAYPULSE_DEDUP_RETENTION";
    public static final String ENV_DIMENSION_SETS = "PAYPULSE_DIMENSION_SETS";
    public static final String ENV_REDACTION = "PAYPULSE_REDACTION";
    public static final String ENV_REDACTION_EXTRA_FIELDS = "PAYPULSE_REDACTION_EXTRA_FIELDS";
    public static final String ENV_CHECKPOINT_INTERVAL = "PAYPULSE_CHECKPOINT_INTERVAL";
    public static final String ENV_DLQ_TOPIC = "PAYPULSE_DLQ_TOPIC";
    public static final String ENV_METRICS_TOPIC = "PAYPULSE_METRICS_TOPIC";
    public static final String ENV_METRICS_INTERVAL = "PAYPULSE_METRICS_INTERVAL";
    public static final String ENV_CLICKHOUSE_BATCH_ROWS = "PAYPULSE_CLICKHOUSE_BATCH_ROWS";
    public static final String ENV_CLICKHOUSE_FLUSH_INTERVAL = "PAYPULSE_CLICKHOUSE_FLUSH_INTERVAL";
    public static final String ENV_LIVEMODE = "PAYPULSE_LIVEMODE";
    public static final String ENV_KAFKA_CLIENT_CONFIG = KafkaClientConfig.ENV;
    /**
     * Properties the job sets itself on its consumers: the cluster comes from {@code KAFKA_BOOTSTRAP_SERVERS},
     * the group from {@code PAYPULSE_CONSUMER_GROUP}, and the Kafka source manages offsets and
     * deserialization. A file that sets one of them is refused rather than half obeyed.
     */
    static final List<String> REFUSED_CLIENT_PROPERTIES = List.of("bootstrap.servers", "group.id",
            "key.deserializer", "value.deserializer", "enable.auto.commit", "auto.offset.reset");

    public static final String DEFAULT_KAFKA_BOOTSTRAP_SERVERS = "localhost:9092";
    public static final String DEFAULT_CONSUMER_GROUP = "paypulse-payment-health";
    public static final Duration DEFAULT_OUT_OF_ORDERNESS = Duration.ofSeconds(30);
    public static final Duration DEFAULT_SOURCE_IDLE_TIMEOUT = Duration.ofMinutes(1);
    public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofHours(1);
    /** Stripe retries a webhook for up to three days; an id must be remembered at least that long. */
    public static final Duration MIN_DEDUP_RETENTION = Duration.ofHours(72);
    public static final Duration DEFAULT_DEDUP_RETENTION = MIN_DEDUP_RETENTION;
    public static final String DEFAULT_DIMENSION_SETS =
            "all;payment_method_type;card_brand;card_country;card_brand,card_country;currency;failure_code;account";
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_METRICS_INTERVAL = Duration.ofSeconds(15);
    // ClickHouse wants few, large inserts (each insert is a part that background merges rewrite): at
    // most about one per second per table, of 10,000 to 100,000 rows. Each sink subtask inserts when it
    // holds this many rows or its oldest row has waited this long, and at every checkpoint.
    public static final int DEFAULT_CLICKHOUSE_BATCH_ROWS = 50_000;
    public static final Duration DEFAULT_CLICKHOUSE_FLUSH_INTERVAL = Duration.ofSeconds(5);
    /** Production counts live-mode events only; {@code paypulse run} defaults to {@link Livemode#ANY}. */
    public static final Livemode DEFAULT_LIVEMODE = Livemode.LIVE;

    /** Size of the base metric windows; coarser windows are rolled up from these in ClickHouse. */
    public static final Duration WINDOW_SIZE = Duration.ofMinutes(1);

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    public JobConfig {
        requireText(kafkaBootstrapServers, ENV_KAFKA_BOOTSTRAP_SERVERS);
        requireText(topic, ENV_TOPIC);
        requireText(consumerGroupId, ENV_CONSUMER_GROUP);
        requireNonNegative(outOfOrderness, ENV_OUT_OF_ORDERNESS);
        requirePositive(sourceIdleTimeout, ENV_SOURCE_IDLE_TIMEOUT);
        requireNonNegative(allowedLateness, ENV_ALLOWED_LATENESS);
        requirePositive(checkpointInterval, ENV_CHECKPOINT_INTERVAL);
        Objects.requireNonNull(dedupRetention, ENV_DEDUP_RETENTION);
        if (dedupRetention.compareTo(MIN_DEDUP_RETENTION) < 0) {
            throw new IllegalArgumentException(ENV_DEDUP_RETENTION + " is " + dedupRetention
                    + " but Stripe retries deliveries for up to three days: set it to 72h or more");
        }
        Objects.requireNonNull(dimensionSets, ENV_DIMENSION_SETS);
        if (dimensionSets.isEmpty()) {
            throw new IllegalArgumentException(ENV_DIMENSION_SETS + " lists no dimension set; use 'all' at least");
        }
        if (new LinkedHashSet<>(dimensionSets).size() != dimensionSets.size()) {
            throw new IllegalArgumentException(ENV_DIMENSION_SETS + " lists a dimension set twice: " + dimensionSets);
        }
        dimensionSets = List.copyOf(dimensionSets);
        Objects.requireNonNull(redaction, ENV_REDACTION);
        requireText(dlqTopic, ENV_DLQ_TOPIC);
        requireText(metricsTopic, ENV_METRICS_TOPIC);
        requireNonNegative(metricsInterval, ENV_METRICS_INTERVAL);
        if (!metricsInterval.isZero() && metricsInterval.toMillis() < 100) {
            throw new IllegalArgumentException(ENV_METRICS_INTERVAL + " must be 0 (off) or at least 100ms, got " + metricsInterval);
        }
        if (clickHouseBatchRows < 1 || clickHouseBatchRows > ClickHouseSink.MAX_BATCH_ROWS) {
            throw new IllegalArgumentException(ENV_CLICKHOUSE_BATCH_ROWS + " must be between 1 and "
                    + ClickHouseSink.MAX_BATCH_ROWS + " (ClickHouse's max_insert_block_size), got " + clickHouseBatchRows);
        }
        requirePositive(clickHouseFlushInterval, ENV_CLICKHOUSE_FLUSH_INTERVAL);
        if (clickHouseFlushInterval.toMillis() < 1) {
            throw new IllegalArgumentException(ENV_CLICKHOUSE_FLUSH_INTERVAL + " must be at least 1ms, got " + clickHouseFlushInterval);
        }
        Objects.requireNonNull(livemode, ENV_LIVEMODE);
        kafkaClientProperties = Map.copyOf(Objects.requireNonNull(kafkaClientProperties, ENV_KAFKA_CLIENT_CONFIG));
        for (String refused : REFUSED_CLIENT_PROPERTIES) {
            if (kafkaClientProperties.containsKey(refused)) {
                throw new IllegalArgumentException(ENV_KAFKA_CLIENT_CONFIG + " sets " + refused
                        + ", which the job sets itself: remove that line from the file (the cluster is "
                        + ENV_KAFKA_BOOTSTRAP_SERVERS + ", the group " + ENV_CONSUMER_GROUP + ")");
            }
        }
        if (dlqTopic.equals(topic) || metricsTopic.equals(topic) || dlqTopic.equals(metricsTopic)) {
            throw new IllegalArgumentException(ENV_TOPIC + ", " + ENV_DLQ_TOPIC + " and " + ENV_METRICS_TOPIC
                    + " must name three different topics, got " + topic + ", " + dlqTopic + ", " + metricsTopic);
        }
    }

    /** Whether the job reports its own counters to {@link #metricsTopic} ({@link #metricsInterval} is not 0). */
    public boolean reportsOwnMetrics() {
        return !metricsInterval.isZero();
    }

    /** The configuration with every default, as if the environment were empty. */
    public static JobConfig defaults() {
        return fromEnv(Map.of());
    }

    /** Reads the variables above from {@code env}; unset or blank ones take their default. */
    public static JobConfig fromEnv(Map<String, String> env) {
        return new JobConfig(
                text(env, ENV_KAFKA_BOOTSTRAP_SERVERS, DEFAULT_KAFKA_BOOTSTRAP_SERVERS),
                text(env, ENV_TOPIC, Topics.STRIPE_EVENTS),
                text(env, ENV_CONSUMER_GROUP, DEFAULT_CONSUMER_GROUP),
                duration(env, ENV_OUT_OF_ORDERNESS, DEFAULT_OUT_OF_ORDERNESS),
                duration(env, ENV_SOURCE_IDLE_TIMEOUT, DEFAULT_SOURCE_IDLE_TIMEOUT),
                duration(env, ENV_ALLOWED_LATENESS, DEFAULT_ALLOWED_LATENESS),
                duration(env, ENV_DEDUP_RETENTION, DEFAULT_DEDUP_RETENTION),
                dimensionSets(text(env, ENV_DIMENSION_SETS, DEFAULT_DIMENSION_SETS)),
                redaction(text(env, ENV_REDACTION, "on"), text(env, ENV_REDACTION_EXTRA_FIELDS, "")),
                duration(env, ENV_CHECKPOINT_INTERVAL, DEFAULT_CHECKPOINT_INTERVAL),
                text(env, ENV_DLQ_TOPIC, Topics.STRIPE_EVENTS_DLQ),
                text(env, ENV_METRICS_TOPIC, Topics.PAYPULSE_METRICS),
                "0".equals(text(env, ENV_METRICS_INTERVAL, "").strip()) ? Duration.ZERO
                        : duration(env, ENV_METRICS_INTERVAL, DEFAULT_METRICS_INTERVAL),
                integer(env, ENV_CLICKHOUSE_BATCH_ROWS, DEFAULT_CLICKHOUSE_BATCH_ROWS),
                duration(env, ENV_CLICKHOUSE_FLUSH_INTERVAL, DEFAULT_CLICKHOUSE_FLUSH_INTERVAL),
                Livemode.parse(text(env, ENV_LIVEMODE, DEFAULT_LIVEMODE.wireName()), ENV_LIVEMODE),
                KafkaClientConfig.asMap(KafkaClientConfig.fromEnv(env)));
    }

    /** {@link #kafkaClientProperties} as the Kafka clients take them. */
    public Properties kafkaClientPropertiesCopy() {
        Properties props = new Properties();
        props.putAll(kafkaClientProperties);
        return props;
    }

    /** Never prints the Kafka client properties' values, which can hold passwords; only their names. */
    @Override
    public String toString() {
        return "JobConfig[kafkaBootstrapServers=" + kafkaBootstrapServers + ", topic=" + topic + ", consumerGroupId="
                + consumerGroupId + ", outOfOrderness=" + outOfOrderness + ", sourceIdleTimeout=" + sourceIdleTimeout
                + ", allowedLateness=" + allowedLateness + ", dedupRetention=" + dedupRetention + ", dimensionSets="
                + dimensionSets + ", redaction=" + redaction + ", checkpointInterval=" + checkpointInterval
                + ", dlqTopic=" + dlqTopic + ", metricsTopic=" + metricsTopic + ", metricsInterval=" + metricsInterval
                + ", clickHouseBatchRows=" + clickHouseBatchRows + ", clickHouseFlushInterval=" + clickHouseFlushInterval
                + ", livemode=" + livemode + ", kafkaClientProperties=" + new TreeSet<>(kafkaClientProperties.keySet()) + "]";
    }

    /** A copy with other dimension sets; handy for tests and tools. */
    public JobConfig withDimensionSets(List<DimensionSet> sets) {
        return new JobConfig(kafkaBootstrapServers, topic, consumerGroupId, outOfOrderness, sourceIdleTimeout,
                allowedLateness, dedupRetention, sets, redaction, checkpointInterval, dlqTopic, metricsTopic, metricsInterval,
                clickHouseBatchRows, clickHouseFlushInterval, livemode, kafkaClientProperties);
    }

    /**
     * Parses {@code 30s}, {@code 500ms}, {@code 15m}, {@code 1h}, {@code 3d} or ISO-8601 such as
     * {@code PT1H}.
     */
    static Duration parseDuration(String text, String variable) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SHORT_DURATION.matcher(value);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(variable + "='" + text
                    + "' is not a duration; write e.g. 30s, 15m, 1h, 3d or PT1H", e);
        }
    }

    private static List<DimensionSet> dimensionSets(String text) {
        List<DimensionSet> sets = new ArrayList<>();
        for (String part : text.split(";")) {
            try {
                sets.add(DimensionSet.parse(part));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ENV_DIMENSION_SETS + ": " + e.getMessage()
                        + " (sets are separated by ';', dimensions within a set by ',')", e);
            }
        }
        return sets;
    }

    private static RedactionPolicy redaction(String mode, String extraFields) {
        List<String> extra = extraFields.isBlank() ? List.of()
                : Arrays.stream(extraFields.split(",")).map(String::strip).toList();
        return switch (mode.strip().toLowerCase(Locale.ROOT)) {
            case "on" -> RedactionPolicy.defaults(extra);
            case "off" -> {
                if (!extra.isEmpty()) {
                    throw new IllegalArgumentException(ENV_REDACTION_EXTRA_FIELDS
                            + " is set but " + ENV_REDACTION + "=off; turn redaction on or drop the extra fields");
                }
                yield RedactionPolicy.off();
            }
            default -> throw new IllegalArgumentException(ENV_REDACTION + "='" + mode + "'; use on or off");
        };
    }

    private static String text(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "='" + value + "' is not a whole number; write e.g. " + fallback, e);
        }
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : parseDuration(value, name);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    private static void requireNonNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
    }

    private static void requirePositive(Duration value, String name) {
        requireNonNegative(value, name);
        if (value.isZero()) {
            throw new IllegalArgumentException(name + " must be greater than zero");
        }
    }
}
