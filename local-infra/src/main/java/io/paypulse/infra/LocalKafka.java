package io.paypulse.infra;

import io.paypulse.infra.internal.ChildProcess;
import io.paypulse.infra.internal.KafkaBrokerMain;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Kafka broker (KRaft, broker and controller in one node) in a child JVM, for tests and {@code paypulse run}.
 * It can be stopped and started again on the same ports and data, like a broker that goes down and comes back.
 */
public final class LocalKafka extends LocalServer<LocalKafka> {

    private static final String LOG4J_CONFIG = "io/paypulse/infra/internal/child-log4j2.xml";

    private final int port;
    private final int controllerPort;
    private final List<String> jvmOptions;
    private final Map<String, String> brokerOverrides;

    private LocalKafka(Builder b) {
        super("kafka", b.dataDir, b.logFile, b.startTimeout, b.stopTimeout);
        this.port = b.port == 0 ? FreePorts.pick() : b.port;
        this.controllerPort = b.controllerPort == 0 ? FreePorts.pick() : b.controllerPort;
        this.jvmOptions = List.copyOf(b.jvmOptions);
        this.brokerOverrides = Map.copyOf(b.brokerOverrides);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:<port>}; the same before and after a {@link #restart()}. */
    public String bootstrapServers() {
        return FreePorts.HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    @Override
    protected String address() {
        return bootstrapServers();
    }

    @Override
    protected void requirePortsFree() {
        requireFree(port, "listener", "set KAFKA_BOOTSTRAP_SERVERS to use the broker that is already there, or pick "
                + "another port: ./paypulse run --kafka-port <port> (in tests, LocalKafka.builder().port(0) picks a free one)");
        // run never fixes the controller port: a new instance picks a free one, so starting again is the way out.
        requireFree(controllerPort, "controller", "or start ./paypulse run again, which picks another controller port "
                + "(in tests, leave LocalKafka.builder().controllerPort at 0)");
    }

    /** Formats the storage on the first start (the child does it), then runs the broker. */
    @Override
    protected ChildProcess launch() {
        Path config = writeServerProperties();
        // C1 only: on a 2-core machine it starts the broker about 2.5x faster than tiered C2, which is worth more
        // to tests than peak throughput; jvmOption("-XX:TieredStopAtLevel=4") restores full JIT.
        List<String> options = new ArrayList<>(List.of("-Xms128m", "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true", "-Dlog4j2.configurationFile=" + LOG4J_CONFIG));
        options.addAll(jvmOptions);
        return new ChildProcess("Kafka broker " + bootstrapServers(),
                ChildProcess.javaCommand(dataDir.resolve("java.args"), options, KafkaBrokerMain.class,
                        List.of(config.toString(), clusterId())),
                dataDir, Map.of(), logFile);
    }

    private void requireFree(int p, String listener, String remedy) {
        if (!FreePorts.isFree(p)) {
            throw new LocalInfraException("Kafka cannot start: its " + listener + " port " + FreePorts.HOST + ":" + p
                    + " is already in use by another process. Stop that process, " + remedy + ".");
        }
    }

    // Formatting checks the cluster id even with --ignore-formatted, so a data dir from an earlier run keeps its own.
    private String clusterId() {
        Path meta = dataDir.resolve("kafka-logs").resolve("meta.properties");
        if (Files.isRegularFile(meta)) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(meta)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + meta, e);
            }
            String id = properties.getProperty("cluster.id");
            if (id != null && !id.isBlank()) {
                return id;
            }
        }
        return Uuid.randomUuid().toString();
    }

    private Path writeServerProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        // A static voter set: the controller address is fixed for this instance's life, so restarts just rejoin.
        props.put("controller.quorum.voters", "1@" + FreePorts.HOST + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + FreePorts.HOST + ":" + port + ",CONTROLLER://" + FreePorts.HOST + ":"
                + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + bootstrapServers());
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dataDir.resolve("kafka-logs").toString());
        // One machine, one replica: internal topics must not wait for replicas that will never exist.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("min.insync.replicas", "1");
        props.put("num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created explicitly from the specs in schemas/; a typo must fail, not create a topic.
        props.put("auto.create.topics.enable", "false");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.putAll(brokerOverrides);
        Path file = dataDir.resolve("server.properties");
        String text = props.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(System.lineSeparator(), "", System.lineSeparator()));
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    // A TCP connect first keeps the Admin client from logging connection warnings while the broker boots.
    @Override
    protected boolean answers() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(FreePorts.loopback(), port), 1000);
        } catch (IOException e) {
            return false;
        }
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        try (Admin admin = Admin.create(config)) {
            return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
        }
    }

    /** Options for a {@link LocalKafka}; every one has a default that suits a test. */
    public static final class Builder {
        private int port;
        private int controllerPort;
        private Path dataDir;
        private Path logFile;
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration stopTimeout = Duration.ofSeconds(30);
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> brokerOverrides = new LinkedHashMap<>();

        private Builder() {
        }

        /** Client port; 0 (the default) picks a free one. {@code paypulse run} uses 9092. */
        public Builder port(int port) {
            this.port = checkPort(port, "port");
            return this;
        }

        /** KRaft controller port; 0 (the default) picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort, "controllerPort");
            return this;
        }

        /** Where the broker keeps its logs (records); null (the default) is a temporary folder deleted on close. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Where the broker's own output goes; by default {@code kafka.log} inside the data dir. */
        public Builder logFile(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = checkPositive(startTimeout, "startTimeout");
            return this;
        }

        public Builder stopTimeout(Duration stopTimeout) {
            this.stopTimeout = checkPositive(stopTimeout, "stopTimeout");
            return this;
        }

        /** Adds an option to the broker JVM after the defaults (-Xmx512m, C1 only), so it can override them. */
        public Builder jvmOption(String option) {
            if (option == null || !option.startsWith("-")) {
                throw new IllegalArgumentException("a JVM option starts with '-', e.g. -Xmx1g; was " + option);
            }
            jvmOptions.add(option);
            return this;
        }

        /** Sets or overrides one broker property, e.g. {@code transaction.max.timeout.ms}. */
        public Builder brokerProperty(String key, String value) {
            if (key == null || key.isBlank() || value == null) {
                throw new IllegalArgumentException("brokerProperty needs a key and a value, got " + key + "=" + value);
            }
            brokerOverrides.put(key, value);
            return this;
        }

        /** Picks free ports where asked and creates the data dir; the broker starts with {@link LocalKafka#start()}. */
        public LocalKafka build() {
            if (port != 0 && port == controllerPort) {
                throw new IllegalArgumentException("port and controllerPort must differ, both are " + port);
            }
            if (dataDir != null && Files.isRegularFile(dataDir)) {
                throw new IllegalArgumentException("dataDir " + dataDir + " is a file; give a folder, or null for a "
                        + "temporary one");
            }
            return new LocalKafka(this);
        }

        private static int checkPort(int port, String name) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be 0 (pick a free one) or 1-65535, was " + port);
            }
            return port;
        }

        static Duration checkPositive(Duration d, String name) {
            if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }
    }
}
