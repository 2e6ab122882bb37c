package io.paypulse.cli;

import io.paypulse.bridge.BridgeConfig;
import io.paypulse.bridge.IngestBridge;
import io.paypulse.flink.config.AlertingConfig;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.infra.FreePorts;
import io.paypulse.infra.LocalClickHouse;
import io.paypulse.infra.LocalKafka;
import io.paypulse.infra.LocalServer;
import io.paypulse.infra.ServerSupervisor;
import io.paypulse.schemas.ClickHouseConfig;
import io.paypulse.schemas.ClickHouseMigrator;
import io.paypulse.schemas.MigrationResult;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpecs;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code paypulse run}: the whole pipeline on one machine, with real Kafka and ClickHouse. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        description = {
                "Run the whole local stack on this machine: Kafka (KRaft), ClickHouse, the migrations, the bridge and the job.",
                "Kafka and ClickHouse start locally unless KAFKA_BOOTSTRAP_SERVERS / CLICKHOUSE_URL point at existing ones.",
                "Stop with Ctrl-C; data stays in the data directory for the next run.",
                "With --simulate, the traffic simulator feeds the local bridge: the quickstart scenario replays 90 minutes "
                        + "of traffic in about two minutes, ending now, with a decline spike you can watch open and resolve; "
                        + "live traffic follows. Its data is kept apart, in <data-dir>/simulation, and starts afresh each time."})
final class RunCommand implements Callable<Integer> {

    static final String ENV_DATA_DIR = "PAYPULSE_DATA_DIR";

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where local Kafka, ClickHouse and logs keep their data. Env: PAYPULSE_DATA_DIR (default .paypulse-data).")
    Path dataDir;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092",
            description = "Port of the local Kafka, when KAFKA_BOOTSTRAP_SERVERS is not set (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--clickhouse-port", paramLabel = "PORT", defaultValue = "8123",
            description = "HTTP port of the local ClickHouse, when CLICKHOUSE_URL is not set (default ${DEFAULT-VALUE}).")
    int clickHousePort;

    @Option(names = "--bridge-port", paramLabel = "PORT", description = "Port of the bridge. Env: BRIDGE_PORT (default 8080).")
    Integer bridgePort;

    @Option(names = "--flink-ui-port", paramLabel = "PORT", defaultValue = "8081",
            description = "Port of the Flink web UI of the local job, 0 for none (default ${DEFAULT-VALUE}).")
    int flinkUiPort;

    @Option(names = "--simulate",
            description = "Also send simulated Stripe traffic to the local bridge (a fresh data set in <data-dir>/simulation).")
    boolean simulate;

    @Option(names = "--scenario", paramLabel = "FILE|NAME",
            description = "With --simulate: scenario file or built-in name. Env: SIMULATOR_SCENARIO (default quickstart).")
    String scenario;

    @Option(names = "--exit-after-scenario",
            description = "With --simulate: stop and exit once the scenario is over and its incidents have opened and"
                    + " resolved (exit 1 if that does not happen within 3 minutes of its end).")
    boolean exitAfterScenario;

    @Override
    public Integer call() throws Exception {
        if (exitAfterScenario && !simulate) {
            throw new IllegalArgumentException("--exit-after-scenario only applies with --simulate");
        }
        if (scenario != null && !simulate) {
            throw new IllegalArgumentException("--scenario only applies with --simulate (or use ./paypulse simulate --scenario)");
        }
        ShutdownSignal signal = ShutdownSignal.install();
        EnvOverrides env = EnvOverrides.fromSystem().set(BridgeConfig.ENV_PORT, bridgePort);
        // The job's and the pager's settings are checked before anything starts: a typo in one of them fails
        // in a second, not after Kafka, ClickHouse and the bridge came up and were stopped again.
        JobConfig.fromEnv(env.asMap());
        AlertingConfig.fromEnv(env.asMap());
        Path data = dataDir(dataDir, env);
        // Before anything starts, and before --simulate empties its data folder: a second run on the same
        // ports would otherwise wipe the data of the one already serving from it.
        requirePortsFree(env);
        if (simulate) {
            data = SimulationRun.freshDataDir(data);
        }
        Files.createDirectories(data);
        if (!env.has("PAYPULSE_LOG_LEVEL")) {
            Console.info("paypulse's own log: " + RunLogs.toFile(data) + " (warnings and errors show here too)");
        }
        Deque<AutoCloseable> running = new ArrayDeque<>();
        int exit = 0;
        AtomicBoolean serverGivenUp = new AtomicBoolean();
        ServerSupervisor supervisor = new ServerSupervisor(new SupervisorConsole(signal, serverGivenUp));
        try {
            String kafka = startKafka(env, data, running, supervisor);
            env.set(BridgeConfig.ENV_KAFKA, kafka);
            String clickHouse = startClickHouse(env, data, running, supervisor);
            env.set(ClickHouseConfig.ENV_URL, clickHouse);
            // Closed before the servers are stopped on purpose, so that is not taken for a crash.
            running.push(supervisor.start());

            Console.step("creating topics");
            TopicProvisioner.Result topics = TopicProvisioner.provision(kafka, BridgeConfig.clientPropertiesFromEnv(env.asMap()),
                    TopicSpecs.load().all(), TopicProvisioner.DEFAULT_TIMEOUT);
            Console.done("created " + topics.created() + ", already present " + topics.alreadyPresent());

            ClickHouseConfig clickHouseConfig = ClickHouseConfig.fromEnv(env.asMap());
            Console.step("applying ClickHouse migrations to " + clickHouseConfig.database());
            MigrationResult migrations = new ClickHouseMigrator(clickHouseConfig).migrate();
            Console.done("applied " + migrations.applied() + ", already present " + migrations.alreadyPresent());

            Path secretFile = data.resolve("webhook-secret");
            if (!env.has(BridgeConfig.ENV_SECRETS)) {
                env.set(BridgeConfig.ENV_SECRETS, localSecret(secretFile));
            }
            IngestBridge bridge = IngestBridge.start(BridgeConfig.fromEnv(env.asMap()));
            running.push(bridge);

            if (!env.has(JobConfig.ENV_LIVEMODE)) {
                // The local stack counts test-mode events too: `stripe listen` sends them.
                env.set(JobConfig.ENV_LIVEMODE, "any");
            }
            JobClient job = JobCommand.startJob(JobConfig.fromEnv(env.asMap()), AlertingConfig.fromEnv(env.asMap()),
                    clickHouseConfig, flinkUiPort,
                    data.resolve("flink-checkpoints"));
            running.push(() -> job.cancel().get());

            Console.info("");
            Console.info("paypulse is running. Ctrl-C stops it.");
            Console.info("  webhooks   POST " + bridge.webhookUri());
            Console.info("  bridge     " + bridge.baseUri() + "/healthz  /readyz  /metrics");
            Console.info("  kafka      " + kafka + "  (topics " + String.join(", ", TopicSpecs.load().names()) + ")");
            Console.info("  clickhouse " + clickHouseConfig.url() + "  (database " + clickHouseConfig.database()
                    + "; try: SELECT * FROM " + clickHouseConfig.database() + ".decline_rates WHERE dimension_set = 'all'"
                    + " ORDER BY window_start DESC LIMIT 10)");
            Console.info("  flink job  " + (flinkUiPort > 0 ? "http://127.0.0.1:" + flinkUiPort : "running (no web UI)"));
            Console.info("  secret     " + (Files.exists(secretFile) && !System.getenv().containsKey(BridgeConfig.ENV_SECRETS)
                    ? "for local use, in " + secretFile : "from STRIPE_WEBHOOK_SECRET"));
            Console.info("  data, logs " + data);
            if (simulate) {
                String secret = env.get(BridgeConfig.ENV_SECRETS).split(",")[0].strip();
                exit = new SimulationRun(env.setIfAbsent(SIMULATOR_SCENARIO, "quickstart").set(SIMULATOR_SCENARIO, scenario),
                        bridge.webhookUri(), secret, clickHouseConfig, flinkUiPort, data, exitAfterScenario).run(signal);
            } else {
                Console.info(ShutdownSignal.stoppingLine(signal.await()));
            }
        } finally {
            // The supervisor first: a Ctrl-C in a terminal reaches the servers' processes too, and their
            // exits while the job and the bridge stop are not crashes to restart.
            supervisor.close();
            closeAll(running);
        }
        if (serverGivenUp.get()) {
            exit = 1;
        }
        Console.info("stopped");
        return exit;
    }

    private static final String SIMULATOR_SCENARIO = io.paypulse.simulator.SimulatorConfig.ENV_SCENARIO;

    /** The data directory: the flag, else {@code PAYPULSE_DATA_DIR}, else {@code .paypulse-data}, made absolute. */
    static Path dataDir(Path flag, EnvOverrides env) {
        return (flag != null ? flag : Path.of(env.has(ENV_DATA_DIR) ? env.get(ENV_DATA_DIR) : ".paypulse-data"))
                .toAbsolutePath();
    }

    /** Fails with every local port that is taken and the flag that moves it, before anything starts. */
    private void requirePortsFree(EnvOverrides env) {
        List<String> taken = new ArrayList<>();
        if (!env.has(BridgeConfig.ENV_KAFKA) && kafkaPort > 0 && !FreePorts.isFree(kafkaPort)) {
            taken.add("Kafka's " + kafkaPort + " (--kafka-port)");
        }
        if (!env.has(ClickHouseConfig.ENV_URL) && clickHousePort > 0 && !FreePorts.isFree(clickHousePort)) {
            taken.add("ClickHouse's " + clickHousePort + " (--clickhouse-port)");
        }
        int bridgePortInUse = BridgeConfig.portFromEnv(env.asMap());
        if (bridgePortInUse > 0 && !FreePorts.isFree(bridgePortInUse)) {
            taken.add("the bridge's " + bridgePortInUse + " (--bridge-port or BRIDGE_PORT)");
        }
        if (flinkUiPort > 0 && !FreePorts.isFree(flinkUiPort)) {
            taken.add("the Flink web UI's " + flinkUiPort + " (--flink-ui-port, 0 for no web UI)");
        }
        if (!taken.isEmpty()) {
            throw new IllegalStateException("cannot start: port " + String.join(", ", taken) + (taken.size() > 1 ? " are" : " is")
                    + " already in use (another ./paypulse run?). Stop that process, or give run other ports with the"
                    + " flags named; nothing was started or removed.");
        }
    }

    private String startKafka(EnvOverrides env, Path data, Deque<AutoCloseable> running, ServerSupervisor supervisor) {
        if (env.has(BridgeConfig.ENV_KAFKA)) {
            Console.info("using Kafka at " + env.get(BridgeConfig.ENV_KAFKA) + " (KAFKA_BOOTSTRAP_SERVERS)");
            return env.get(BridgeConfig.ENV_KAFKA);
        }
        Console.step("starting Kafka (KRaft) on 127.0.0.1:" + kafkaPort);
        long t0 = System.nanoTime();
        // Full JIT: run is long-lived, so steady-state throughput matters more than a faster start.
        LocalKafka kafka = LocalKafka.builder().port(kafkaPort).dataDir(data.resolve("kafka"))
                .jvmOption("-XX:TieredStopAtLevel=4").build();
        running.push(kafka);
        kafka.start();
        supervisor.watch(kafka);
        Console.done("ready in " + seconds(t0) + " (log " + kafka.logFile() + ")");
        return kafka.bootstrapServers();
    }

    private String startClickHouse(EnvOverrides env, Path data, Deque<AutoCloseable> running, ServerSupervisor supervisor) {
        if (env.has(ClickHouseConfig.ENV_URL)) {
            Console.info("using ClickHouse at " + env.get(ClickHouseConfig.ENV_URL) + " (CLICKHOUSE_URL)");
            return env.get(ClickHouseConfig.ENV_URL);
        }
        Console.step("starting ClickHouse on 127.0.0.1:" + clickHousePort);
        long t0 = System.nanoTime();
        LocalClickHouse clickHouse = LocalClickHouse.builder().httpPort(clickHousePort).dataDir(data.resolve("clickhouse")).build();
        running.push(clickHouse);
        clickHouse.start();
        supervisor.watch(clickHouse);
        Console.done("ready in " + seconds(t0) + " (log " + clickHouse.logFile() + ")");
        return clickHouse.httpUrl();
    }

    /** A per-data-dir secret for local use, kept in a file only its owner can read, never printed. */
    private static String localSecret(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String secret = "whsec_local_" + HexFormat.of().formatHex(random);
        Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return secret;
    }

    /**
     * Says on the console what the supervisor of the local Kafka and ClickHouse does, and stops {@code run} (exit 1)
     * when it gives up on one: running on without it would only fill the log with connection errors.
     */
    static final class SupervisorConsole implements ServerSupervisor.Listener {

        private final ShutdownSignal signal;
        private final AtomicBoolean givenUp;

        SupervisorConsole(ShutdownSignal signal, AtomicBoolean givenUp) {
            this.signal = signal;
            this.givenUp = givenUp;
        }

        @Override
        public void restarting(LocalServer<?> server, int exitCode) {
            Console.info(server.describe() + " exited unexpectedly (" + exitText(exitCode) + "); starting it again on the "
                    + "same port and data. Its log: " + server.logFile());
        }

        @Override
        public void restarted(LocalServer<?> server, Duration took) {
            Console.info(server.describe() + " is back after " + String.format("%.1fs", took.toMillis() / 1e3)
                    + "; the bridge and the job reconnect by themselves");
        }

        @Override
        public void gaveUp(LocalServer<?> server, int failures, Exception cause) {
            givenUp.set(true);
            Console.info(server.describe() + (cause == null ? " exited" : " could not be started again")
                    + " (" + failures + " failures within " + ServerSupervisor.DEFAULT_WINDOW.toMinutes() + " minutes)"
                    + (cause == null ? "" : ": " + PaypulseCommand.describe(cause).lines().findFirst().orElse(""))
                    + ". Look at its log: " + server.logFile());
            signal.trigger(server.describe() + " keeps failing");
        }

        /** {@code exit code 1}, or {@code killed by SIGKILL} for the shell's 128 + N. */
        static String exitText(int exitCode) {
            if (exitCode > 128 && exitCode < 160) {
                int signal = exitCode - 128;
                String name = switch (signal) {
                    case 9 -> "SIGKILL";
                    case 15 -> "SIGTERM";
                    case 6 -> "SIGABRT";
                    case 11 -> "SIGSEGV";
                    case 2 -> "SIGINT";
                    default -> "signal " + signal;
                };
                return "killed by " + name + ", exit code " + exitCode;
            }
            return "exit code " + exitCode;
        }
    }

    private static void closeAll(Deque<AutoCloseable> running) {
        while (!running.isEmpty()) {
            try {
                running.pop().close();
            } catch (Exception e) {
                Console.info("while stopping: " + PaypulseCommand.describe(e));
            }
        }
    }

    private static String seconds(long t0) {
        return String.format("%.1fs", (System.nanoTime() - t0) / 1e9);
    }
}
