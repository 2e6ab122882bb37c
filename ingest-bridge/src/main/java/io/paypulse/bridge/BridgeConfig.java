package io.paypulse.bridge;

import io.paypulse.schemas.KafkaClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bridge's whole configuration, parsed once from environment variables (flags override them),
 * with defaults and validation. Secrets are held here and nowhere else, and never printed.
 */
public record BridgeConfig(
        int port,
        String bindHost,
        List<String> webhookSecrets,
        Duration signatureTolerance,
        int maxBodyBytes,
        String kafkaBootstrapServers,
        Properties kafkaClientProperties,
        Duration kafkaAckTimeout,
        Duration producerLinger,
        Duration shutdownTimeout,
        Duration shutdownDrain,
        String instanceId,
        Duration metricsInterval) {

    public static final String ENV_PORT = "BRIDGE_PORT";
    public static final String ENV_BIND_HOST = "BRIDGE_BIND_HOST";
    public static final String ENV_SECRETS = "STRIPE_WEBHOOK_SECRET";
    public static final String ENV_TOLERANCE = "STRIPE_WEBHOOK_TOLERANCE_SECONDS";
    public static final String ENV_MAX_BODY = "BRIDGE_MAX_BODY_BYTES";
    public static final String ENV_KAFKA = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String ENV_KAFKA_CLIENT_CONFIG = KafkaClientConfig.ENV;
    public static final String ENV_ACK_TIMEOUT = "BRIDGE_KAFKA_ACK_TIMEOUT_MS";
    public static final String ENV_LINGER = "BRIDGE_KAFKA_LINGER_MS";
    public static final String ENV_SHUTDOWN_TIMEOUT = "BRIDGE_SHUTDOWN_TIMEOUT_MS";
    public static final String ENV_SHUTDOWN_DRAIN = "BRIDGE_SHUTDOWN_DRAIN_MS";
    public static final String ENV_INSTANCE_ID = "BRIDGE_INSTANCE_ID";
    public static final String ENV_METRICS_INTERVAL = "BRIDGE_METRICS_INTERVAL";

    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_BIND_HOST = "0.0.0.0";
    public static final long DEFAULT_TOLERANCE_SECONDS = 300;
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final int MAX_BODY_BYTES_LIMIT = 16 * 1024 * 1024;
    public static final String DEFAULT_KAFKA = "localhost:9092";
    public static final long DEFAULT_ACK_TIMEOUT_MS = 5_000;
    /** 1 ms: measured at steady state on 2 cores, it answered faster than 2 ms for the same CPU per webhook (docs/benchmarks.md). */
    public static final long DEFAULT_LINGER_MS = 1;
    public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 20_000;
    /**
     * 0: most bridges (run, compose, tests) have no load balancer to wait for, and a drain is not free: every
     * stop takes that much longer, and when it ends Jetty cuts a request whose body has stalled for over a
     * second. Behind a load balancer, or in Kubernetes, which takes a terminating pod out of its Service only
     * as it sends SIGTERM, set a few seconds: 5000 fits, with the 20 s shutdown timeout, the default 30 s grace.
     */
    public static final long DEFAULT_SHUTDOWN_DRAIN_MS = 0;
    public static final long MAX_SHUTDOWN_DRAIN_MS = 300_000;
    /**
     * Producer settings the bridge owns and that a Kafka client properties file must not set, because the
     * bridge's guarantees depend on them and a silently ignored line would mislead its reader.
     */
    static final Map<String, String> REFUSED_CLIENT_PROPERTIES = Map.of(
            ProducerConfig.MAX_BLOCK_MS_CONFIG, "the bridge sets it to 0 so that no webhook ever waits for Kafka on the "
                    + "HTTP server's threads (without topic metadata or buffer space a webhook is answered 503 at once); "
                    + "to give Kafka longer to acknowledge, set " + ENV_ACK_TIMEOUT + " instead",
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "the bridge's producer is idempotent, not transactional: with it "
                    + "every webhook would be answered 503 while /readyz says ready");
    public static final Duration DEFAULT_METRICS_INTERVAL = Duration.ofSeconds(15);

    private static final Pattern INTERVAL = Pattern.compile("(\\d+)\\s*(ms|s|m)?");

    public BridgeConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers");
        Objects.requireNonNull(instanceId, "instanceId");
        webhookSecrets = List.copyOf(webhookSecrets);
        kafkaClientProperties = copy(kafkaClientProperties);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(ENV_PORT + " must be a port between 0 and 65535 (0 picks a free one), got " + port);
        }
        if (webhookSecrets.isEmpty()) {
            throw new IllegalArgumentException(ENV_SECRETS + " is not set: set it to the endpoint's signing secret (whsec_...) "
                    + "from the Stripe dashboard; during a rotation, list both secrets separated by commas");
        }
        for (int i = 0; i < webhookSecrets.size(); i++) {
            if (webhookSecrets.get(i).isBlank()) {
                throw new IllegalArgumentException(ENV_SECRETS + " holds an empty secret at position " + i
                        + ": remove the stray comma");
            }
        }
        requirePositive(signatureTolerance, ENV_TOLERANCE);
        if (maxBodyBytes < 1024 || maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
            // The record must also fit the producer's 32 MiB buffer, with its envelope.
            throw new IllegalArgumentException(ENV_MAX_BODY + " must be between 1024 and " + MAX_BODY_BYTES_LIMIT
                    + " bytes (16 MiB), got " + maxBodyBytes);
        }
        if (kafkaBootstrapServers.isBlank()) {
            throw new IllegalArgumentException(ENV_KAFKA + " must name at least one broker, such as localhost:9092");
        }
        for (Map.Entry<String, String> refused : REFUSED_CLIENT_PROPERTIES.entrySet()) {
            if (kafkaClientProperties.containsKey(refused.getKey())) {
                throw new IllegalArgumentException(ENV_KAFKA_CLIENT_CONFIG + " sets " + refused.getKey()
                        + ", which the bridge does not take from it: remove that line from the file (" + refused.getValue() + ")");
            }
        }
        requirePositive(kafkaAckTimeout, ENV_ACK_TIMEOUT);
        // The producer takes request.timeout.ms and delivery.timeout.ms (ack timeout + linger) as ints.
        if (kafkaAckTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(ENV_ACK_TIMEOUT + " (--ack-timeout-ms) must be at most " + Integer.MAX_VALUE
                    + " ms, the most Kafka's producer takes, got " + kafkaAckTimeout.toMillis()
                    + "; a few seconds is usual, since Stripe retries a 503");
        }
        if (producerLinger.isNegative()) {
            throw new IllegalArgumentException(ENV_LINGER + " must not be negative");
        }
        if (producerLinger.toMillis() > Integer.MAX_VALUE - kafkaAckTimeout.toMillis()) {
            throw new IllegalArgumentException(ENV_ACK_TIMEOUT + " (--ack-timeout-ms) plus " + ENV_LINGER + " must be at most "
                    + Integer.MAX_VALUE + " ms (their sum is the producer's delivery.timeout.ms), got "
                    + kafkaAckTimeout.toMillis() + " + " + producerLinger.toMillis() + "; lower " + ENV_LINGER
                    + ", a few ms is usual");
        }
        requirePositive(shutdownTimeout, ENV_SHUTDOWN_TIMEOUT);
        Objects.requireNonNull(shutdownDrain, "shutdownDrain");
        if (shutdownDrain.isNegative() || shutdownDrain.toMillis() > MAX_SHUTDOWN_DRAIN_MS) {
            throw new IllegalArgumentException(ENV_SHUTDOWN_DRAIN + " (--shutdown-drain-ms) must be between 0 and "
                    + MAX_SHUTDOWN_DRAIN_MS + " ms, got " + shutdownDrain.toMillis());
        }
        if (instanceId.isBlank()) {
            throw new IllegalArgumentException(ENV_INSTANCE_ID + " must not be blank");
        }
        Objects.requireNonNull(metricsInterval, "metricsInterval");
        if (metricsInterval.isNegative() || (!metricsInterval.isZero() && metricsInterval.toMillis() < 100)) {
            throw new IllegalArgumentException(ENV_METRICS_INTERVAL + " must be 0 (off) or at least 100ms, got "
                    + metricsInterval.toMillis() + "ms");
        }
    }

    /** Whether counter snapshots go to {@code paypulse.metrics} ({@link #metricsInterval} is not 0). */
    public boolean metricsSnapshotsEnabled() {
        return !metricsInterval.isZero();
    }

    /** Reads the configuration from environment variables, applying the documented defaults. */
    public static BridgeConfig fromEnv(Map<String, String> env) {
        return new BridgeConfig(
                intValue(env, ENV_PORT, DEFAULT_PORT),
                env.getOrDefault(ENV_BIND_HOST, DEFAULT_BIND_HOST),
                parseSecrets(env.get(ENV_SECRETS)),
                Duration.ofSeconds(longValue(env, ENV_TOLERANCE, DEFAULT_TOLERANCE_SECONDS)),
                intValue(env, ENV_MAX_BODY, DEFAULT_MAX_BODY_BYTES),
                env.getOrDefault(ENV_KAFKA, DEFAULT_KAFKA),
                KafkaClientConfig.fromEnv(env),
                Duration.ofMillis(longValue(env, ENV_ACK_TIMEOUT, DEFAULT_ACK_TIMEOUT_MS)),
                Duration.ofMillis(longValue(env, ENV_LINGER, DEFAULT_LINGER_MS)),
                Duration.ofMillis(longValue(env, ENV_SHUTDOWN_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT_MS)),
                Duration.ofMillis(longValue(env, ENV_SHUTDOWN_DRAIN, DEFAULT_SHUTDOWN_DRAIN_MS)),
                env.getOrDefault(ENV_INSTANCE_ID, defaultInstanceId(env)),
                duration(env, ENV_METRICS_INTERVAL, DEFAULT_METRICS_INTERVAL));
    }

    /**
     * The Kafka client properties (TLS, SASL) the file {@code KAFKA_CLIENT_CONFIG} names, for the other
     * clients of the same cluster such as the topic provisioner; empty when it is not set.
     */
    public static Properties clientPropertiesFromEnv(Map<String, String> env) {
        return KafkaClientConfig.fromEnv(env);
    }

    /** The port {@code BRIDGE_PORT} asks for ({@value #DEFAULT_PORT} when unset), validated as the bridge does. */
    public static int portFromEnv(Map<String, String> env) {
        int port = intValue(env, ENV_PORT, DEFAULT_PORT);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(ENV_PORT + " must be a port between 0 and 65535 (0 picks a free one), got " + port);
        }
        return port;
    }

    /** Splits a comma-separated secret list; surrounding whitespace is ignored, order is kept. */
    public static List<String> parseSecrets(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<String> secrets = new ArrayList<>();
        for (String s : value.split(",", -1)) {
            secrets.add(s.strip());
        }
        return secrets;
    }

    public BridgeConfig withPort(int newPort) {
        return new BridgeConfig(newPort, bindHost, webhookSecrets, signatureTolerance, maxBodyBytes, kafkaBootstrapServers,
                kafkaClientProperties, kafkaAckTimeout, producerLinger, shutdownTimeout, shutdownDrain, instanceId,
                metricsInterval);
    }

    public BridgeConfig withKafkaBootstrapServers(String servers) {
        return new BridgeConfig(port, bindHost, webhookSecrets, signatureTolerance, maxBodyBytes, servers,
                kafkaClientProperties, kafkaAckTimeout, producerLinger, shutdownTimeout, shutdownDrain, instanceId,
                metricsInterval);
    }

    public BridgeConfig withKafkaAckTimeout(Duration timeout) {
        return new BridgeConfig(port, bindHost, webhookSecrets, signatureTolerance, maxBodyBytes, kafkaBootstrapServers,
                kafkaClientProperties, timeout, producerLinger, shutdownTimeout, shutdownDrain, instanceId,
                metricsInterval);
    }

    public BridgeConfig withMaxBodyBytes(int bytes) {
        return new BridgeConfig(port, bindHost, webhookSecrets, signatureTolerance, bytes, kafkaBootstrapServers,
                kafkaClientProperties, kafkaAckTimeout, producerLinger, shutdownTimeout, shutdownDrain, instanceId,
                metricsInterval);
    }

    public BridgeConfig withMetricsInterval(Duration interval) {
        return new BridgeConfig(port, bindHost, webhookSecrets, signatureTolerance, maxBodyBytes, kafkaBootstrapServers,
                kafkaClientProperties, kafkaAckTimeout, producerLinger, shutdownTimeout, shutdownDrain, instanceId, interval);
    }

    public BridgeConfig withShutdownDrain(Duration drain) {
        return new BridgeConfig(port, bindHost, webhookSecrets, signatureTolerance, maxBodyBytes, kafkaBootstrapServers,
                kafkaClientProperties, kafkaAckTimeout, producerLinger, shutdownTimeout, drain, instanceId,
                metricsInterval);
    }

    public BridgeConfig withWebhookSecrets(List<String> secrets) {
        return new BridgeConfig(port, bindHost, secrets, signatureTolerance, maxBodyBytes, kafkaBootstrapServers,
                kafkaClientProperties, kafkaAckTimeout, producerLinger, shutdownTimeout, shutdownDrain, instanceId,
                metricsInterval);
    }

    @Override
    public Properties kafkaClientProperties() {
        return copy(kafkaClientProperties);
    }

    /** Never prints the secrets, only how many there are. */
    @Override
    public String toString() {
        return "BridgeConfig[port=" + port + ", bindHost=" + bindHost + ", webhookSecrets=" + webhookSecrets.size()
                + " configured, signatureTolerance=" + signatureTolerance.toSeconds() + "s, maxBodyBytes=" + maxBodyBytes
                + ", kafkaBootstrapServers=" + kafkaBootstrapServers
                + ", kafkaClientProperties=" + kafkaClientProperties.stringPropertyNames().stream().sorted().toList()
                + ", kafkaAckTimeout=" + kafkaAckTimeout.toMillis() + "ms, producerLinger=" + producerLinger.toMillis()
                + "ms, shutdownTimeout=" + shutdownTimeout.toMillis() + "ms, shutdownDrain=" + shutdownDrain.toMillis()
                + "ms, instanceId=" + instanceId
                + ", metricsInterval=" + metricsInterval.toMillis() + "ms]";
    }

    private static String defaultInstanceId(Map<String, String> env) {
        String host = env.getOrDefault("HOSTNAME", "localhost");
        return host + "-" + ProcessHandle.current().pid();
    }

    private static Properties copy(Properties source) {
        Properties p = new Properties();
        if (source != null) {
            p.putAll(source);
        }
        return p;
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** {@code 15s}, {@code 500ms}, {@code 1m}; a bare number is seconds, so {@code 0} turns snapshots off. */
    static Duration parseInterval(String raw, String key) {
        String value = raw.strip().toLowerCase(Locale.ROOT);
        Matcher m = INTERVAL.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(key + "='" + raw + "' is not an interval: write e.g. 15s, 500ms, 1m, or 0 for off");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is out of range: " + raw);
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static Duration duration(Map<String, String> env, String key, Duration fallback) {
        String raw = env.get(key);
        return raw == null || raw.isBlank() ? fallback : parseInterval(raw, key);
    }

    private static int intValue(Map<String, String> env, String key, int fallback) {
        long v = longValue(env, key, fallback);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new IllegalArgumentException(key + " is out of range: " + v);
        }
        return (int) v;
    }

    private static long longValue(Map<String, String> env, String key, long fallback) {
        String raw = env.get(key);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + raw + "'");
        }
    }
}
