package io.paypulse.cli;

import io.paypulse.infra.Eventually;
import io.paypulse.infra.FreePorts;
import io.paypulse.infra.SharedInfra;
import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.Migration;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpecs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code paypulse} commands as a person runs them: real processes, real signals, real servers. */
class PaypulseCliITCase {

    private static final String SECRET = "whsec_cli_it_4b6d8f0a2c";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void bridgeServesUntilSigtermThenFinishesInFlightWorkAndExitsZero(@TempDir Path dir) throws Exception {
        String kafka = SharedInfra.kafka().bootstrapServers();
        int port = FreePorts.pick();
        Path log = dir.resolve("bridge.log");
        Process bridge = paypulse(List.of("bridge", "--port", Integer.toString(port), "--kafka", kafka),
                Map.of("STRIPE_WEBHOOK_SECRET", SECRET), log);
        try {
            Eventually.until("the bridge is ready", Duration.ofSeconds(60), () -> status(port, "/readyz") == 200);
            String payload = event("evt_cli_" + UUID.randomUUID());
            assertEquals(200, post(port, payload, StripeEventSamples.signatureHeader(payload, SECRET, now())).statusCode());

            String inFlight = event("evt_cli_inflight_" + UUID.randomUUID());
            byte[] body = inFlight.getBytes(StandardCharsets.UTF_8);
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /webhooks/stripe HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Stripe-Signature: " + StripeEventSamples.signatureHeader(inFlight, SECRET, now())
                        + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, 0, 100);
                out.flush();
                Eventually.until("the request is in flight", Duration.ofSeconds(10),
                        () -> metrics(port).contains("paypulse_bridge_requests_in_flight 2.0")
                                || metrics(port).contains("paypulse_bridge_requests_in_flight 1.0"));

                bridge.destroy(); // SIGTERM
                Eventually.until("the bridge stops accepting connections", Duration.ofSeconds(20), () -> refused(port));
                out.write(body, 100, body.length - 100);
                out.flush();
                assertEquals("HTTP/1.1 200", new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
            }
            assertTrue(bridge.waitFor(30, TimeUnit.SECONDS), "the bridge exits after SIGTERM");
            assertEquals(0, bridge.exitValue());
            String output = Files.readString(log);
            assertTrue(output.contains("SIGTERM received"), output);
            assertFalse(output.contains(SECRET), "the secret never appears in the output");
        } finally {
            bridge.destroyForcibly();
        }
    }

    @Test
    void runWithABadSettingStopsBeforeStartingAnything(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("run.log");
        String key = "R0UTINGKEY-TOO-SHORT";
        Process run = paypulse(List.of("run", "--data-dir", dir.resolve("data").toString()),
                Map.of("PAGERDUTY_ROUTING_KEY", key), log);
        assertTrue(run.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, run.exitValue());
        String output = Files.readString(log).strip();
        assertTrue(output.startsWith("paypulse run: PAGERDUTY_ROUTING_KEY must be the 32-character integration key"), output);
        assertEquals(1, output.lines().count(), "one line, nothing started before it: " + output);
        assertFalse(output.contains(key), "the key is not echoed: " + output);
        assertFalse(Files.exists(dir.resolve("data")), "no data folder was created");
    }

    @Test
    void bridgeWithoutASecretSaysWhatToDoInOneLine(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("bridge.log");
        Process bridge = paypulse(List.of("bridge", "--port", "0", "--kafka", "127.0.0.1:1"), Map.of(), log);
        assertTrue(bridge.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, bridge.exitValue());
        String output = Files.readString(log).strip();
        assertTrue(output.startsWith("paypulse bridge: STRIPE_WEBHOOK_SECRET is not set: set it to the endpoint's signing secret"),
                output);
        assertFalse(output.contains("\tat "), "no stack trace: " + output);
    }

    @Test
    void migrateAppliesTheMigrationsOnceAndReportsWhatItDid() throws Exception {
        String url = SharedInfra.clickHouse().httpUrl();
        String database = "cli_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        // The migrations the migrator ships (schemas/clickhouse/migrations: V001, V002, ...): the first run applies
        // every one of them in order, the second none.
        List<Integer> versions = Migration.bundled().stream().map(Migration::version).toList();
        assertEquals(java.util.stream.IntStream.rangeClosed(1, versions.size()).boxed().toList(), versions);
        Run first = runCapturingConsole("migrate", "--url", url, "--database", database);
        assertEquals(0, first.exit(), first.err());
        assertEquals("", first.out());
        assertEquals(List.of("paypulse: migrating " + database + " at " + url + " ...",
                "paypulse:   applied " + versions + ", already present []"), progressLines(first.err()), first.err());
        Run second = runCapturingConsole("migrate", "--url", url, "--database", database);
        assertEquals(0, second.exit(), second.err());
        assertEquals("", second.out());
        assertEquals(List.of("paypulse: migrating " + database + " at " + url + " ...",
                "paypulse:   applied [], already present " + versions), progressLines(second.err()), second.err());
        try (Connection c = DriverManager.getConnection("jdbc:clickhouse:" + url, "default", "");
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT count(), min(version), max(version) FROM " + database + ".schema_migrations")) {
            assertTrue(rs.next());
            assertEquals(List.of((long) versions.size(), 1L, (long) versions.size()),
                    List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3)), "one row per migration: the second run recorded nothing");
        }
    }

    @Test
    void migrateAgainstNothingFailsWithAClearMessage() {
        int closed = FreePorts.pick();
        Run run = runInProcess("migrate", "--url", "http://127.0.0.1:" + closed, "--database", "nowhere");
        assertEquals(1, run.exit());
        assertTrue(run.err().startsWith("paypulse migrate: ClickHouse at http://127.0.0.1:" + closed + " is not reachable"), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    }

    @Test
    void runStartsTheWholeLocalStackAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        int kafkaPort = FreePorts.pick();
        int clickHousePort = FreePorts.pick();
        int bridgePort = FreePorts.pick();
        int flinkUiPort = FreePorts.pick();
        Path data = dir.resolve("data");
        Path log = dir.resolve("run.log");
        Process run = paypulse(List.of("run", "--data-dir", data.toString(), "--kafka-port", Integer.toString(kafkaPort),
                "--clickhouse-port", Integer.toString(clickHousePort), "--bridge-port", Integer.toString(bridgePort),
                "--flink-ui-port", Integer.toString(flinkUiPort)), Map.of(), log);
        try {
            Eventually.until("run is up", Duration.ofSeconds(180), () -> {
                if (!run.isAlive()) {
                    throw new AssertionError("run exited early: " + Files.readString(log));
                }
                return Files.readString(log).contains("paypulse is running");
            });
            Eventually.until("the bridge is ready", Duration.ofSeconds(60), () -> status(bridgePort, "/readyz") == 200);
            String secret = Files.readString(data.resolve("webhook-secret")).strip();
            assertTrue(secret.startsWith("whsec_local_"));
            String id = "evt_run_" + UUID.randomUUID().toString().replace("-", "");
            String payload = event(id);
            assertEquals(200, post(bridgePort, payload, StripeEventSamples.signatureHeader(payload, secret, now())).statusCode());
            // Webhook → bridge → Kafka → Flink job → ClickHouse, with the payload redacted on the way.
            Eventually.until("the event reaches stripe_events", Duration.ofSeconds(60),
                    () -> "1\n".equals(query(clickHousePort, "SELECT count() FROM paypulse.stripe_events FINAL WHERE event_id = '"
                            + id + "'")));
            assertEquals("0\n", query(clickHousePort, "SELECT countIf(payload LIKE '%jenny.rosen@example.com%') FROM "
                    + "paypulse.stripe_events FINAL WHERE event_id = '" + id + "'"));
            // Each table has a sink of its own, flushed on its own schedule.
            String attempts = "SELECT status, card_brand, card_country FROM paypulse.payment_attempts FINAL WHERE event_id = '"
                    + id + "'";
            Eventually.until("the charge reaches payment_attempts (log: " + log + ")", Duration.ofSeconds(60),
                    () -> !query(clickHousePort, attempts).isEmpty());
            assertEquals("approved\tvisa\tBR\n", query(clickHousePort, attempts));
            assertTrue(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + flinkUiPort + "/jobs/overview")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("\"state\":\"RUNNING\""), "the Flink UI shows the job");

            run.destroy(); // SIGTERM
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "run exits after SIGTERM");
            assertEquals(0, run.exitValue(), Files.readString(log));
            assertTrue(refused(kafkaPort) && refused(clickHousePort) && refused(bridgePort) && refused(flinkUiPort),
                    "every part stopped");
            assertFalse(Files.readString(log).contains(secret), "the generated secret is never printed");
            // The terminal gets the paypulse: lines; paypulse's own key=value log goes to the data folder.
            String console = Files.readString(log);
            assertTrue(console.contains("paypulse: paypulse's own log: " + data.resolve("paypulse.log")), console);
            assertFalse(console.contains("event=kafka_started") || console.contains("event=bridge_started"), console);
            String ownLog = Files.readString(data.resolve("paypulse.log"));
            assertTrue(ownLog.contains("level=INFO logger=LocalKafka event=kafka_started"), ownLog);
            assertTrue(ownLog.contains("level=INFO logger=IngestBridge event=bridge_started"), ownLog);
            assertFalse(ownLog.contains(secret), "nor logged");
        } finally {
            run.destroyForcibly();
        }
    }

    @Test
    void runSimulateShowsAnIncidentOpenAndResolveThenSaysWhereTheDataIs(@TempDir Path dir) throws Exception {
        int kafkaPort = FreePorts.pick();
        int clickHousePort = FreePorts.pick();
        int bridgePort = FreePorts.pick();
        int flinkUiPort = FreePorts.pick();
        Path data = dir.resolve("data");
        Path log = dir.resolve("run-simulate.log");
        // The README's command, with ports of its own and an exit once the built-in scenario has played out.
        Process run = paypulse(List.of("run", "--simulate", "--exit-after-scenario", "--data-dir", data.toString(),
                "--kafka-port", Integer.toString(kafkaPort), "--clickhouse-port", Integer.toString(clickHousePort),
                "--bridge-port", Integer.toString(bridgePort), "--flink-ui-port", Integer.toString(flinkUiPort)), Map.of(), log);
        try {
            // A guard against a hang only, far above the README's five minutes: how long it takes depends on the machine.
            assertTrue(run.waitFor(15, TimeUnit.MINUTES), "run --simulate finishes: " + Files.readString(log));
            assertEquals(0, run.exitValue(), Files.readString(log));
            String output = Files.readString(log);
            // Metrics flowing, an incident that opens and then resolves, and the summary.
            assertTrue(output.contains("ClickHouse: minutes of metrics"), output);
            int opened = output.indexOf(">>> INCIDENT OPENED: Visa declines in BR at ");
            int resolved = output.indexOf(">>> INCIDENT RESOLVED: ");
            assertTrue(opened > 0 && resolved > opened, output);
            assertTrue(output.indexOf("---- simulation 'quickstart' played out ----") > resolved, output);
            java.util.regex.Matcher traffic = java.util.regex.Pattern.compile(
                    "traffic +([0-9,]+) events .*?: ([0-9,]+) delivered, 0 lost; ").matcher(output);
            assertTrue(traffic.find(), output);
            assertEquals(traffic.group(1), traffic.group(2), "every event delivered: " + traffic.group());
            assertTrue(output.contains("  flink UI   http://localhost:" + flinkUiPort), output);
            assertTrue(output.contains("curl http://127.0.0.1:" + clickHousePort + "/ --data-binary \"SELECT opened_at, status,"
                    + " summary FROM paypulse.incidents"), output);
            assertTrue(refused(kafkaPort) && refused(clickHousePort) && refused(bridgePort) && refused(flinkUiPort),
                    "every part stopped");
            String secret = Files.readString(data.resolve("simulation").resolve("webhook-secret")).strip();
            assertFalse(output.contains(secret), "the generated secret is never printed");
        } finally {
            run.destroyForcibly();
        }
    }

    @Test
    void simulateRejectsABadScenarioInOneLineNamingTheFileAndField(@TempDir Path dir) throws Exception {
        Path scenario = dir.resolve("typo.json");
        Files.writeString(scenario, "{\"duration\": \"1h\", \"incidents\": [{\"type\": \"decline_spik\", \"start\": \"1m\","
                + " \"duration\": \"5m\"}]}");
        Path secret = dir.resolve("webhook-secret");
        Files.writeString(secret, "\n  whsec_x  \n");
        Run run = runInProcess("simulate", "--scenario", scenario.toString(), "--secret-file", secret.toString());
        assertEquals(1, run.exit());
        assertEquals("paypulse simulate: scenario " + scenario + ": incidents[0].type: unknown incident type 'decline_spik';"
                + " use one of decline_spike, latency_spike, silence, payout_delay", run.err().strip());
    }

    @Test
    void simulateTakesItsSecretFromAFileAndSaysWhatIsWrongWithOneWithoutShowingIt(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("no-such-secret");
        Run run = runInProcess("simulate", "--secret-file", missing.toString());
        assertEquals(1, run.exit());
        assertEquals("paypulse simulate: --secret-file " + missing + " cannot be read (NoSuchFileException): point it at a file"
                + " holding the endpoint's whsec_ secret, such as .paypulse-data/webhook-secret", run.err().strip());

        Path blank = dir.resolve("blank-secret");
        Files.writeString(blank, " \n\n");
        run = runInProcess("simulate", "--secret-file", blank.toString());
        assertEquals(1, run.exit());
        assertEquals("paypulse simulate: --secret-file " + blank + " is empty: write the endpoint's whsec_ secret on its first line",
                run.err().strip());

        run = runInProcess("simulate", "--secret", "whsec_must_not_show");
        assertEquals(1, run.exit());
        assertFalse(run.err().contains("whsec_must_not_show"), run.err());
        assertEquals("paypulse simulate: --secret is gone, because a command line is visible to every user of the machine:"
                + " put the secret in a file and pass --secret-file FILE, or set STRIPE_WEBHOOK_SECRET", run.err().strip());

        run = runInProcess("simulate", "--secret-file", "whsec_must_not_show_either");
        assertEquals(1, run.exit());
        assertFalse(run.err().contains("whsec_must_not_show_either"), run.err());

        assertEquals("whsec_from_file", SimulateCommand.readSecret(Files.writeString(dir.resolve("s"), "\nwhsec_from_file\nignored\n")));
    }

    @Test
    void benchBridgeMeasuresBothServersInAlternatingRoundsAndFindsEveryAcceptedWebhookOnKafka(@TempDir Path dir)
            throws Exception {
        Path log = dir.resolve("bench.log");
        Process bench = paypulse(List.of("bench", "bridge", "--concurrency", "4", "--duration-seconds", "2", "--rounds", "2",
                "--warmup-seconds", "1"), Map.of(), log);
        assertTrue(bench.waitFor(3, TimeUnit.MINUTES), "bench bridge did not finish");
        String out = Files.readString(log);
        assertEquals(0, bench.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertEquals(2, lines.stream().filter(l -> l.matches("paypulse: round [12] of 2: 1\\.0 s each \\.\\.\\.")).count(), out);
        assertEquals(1, lines.stream().filter(l -> l.matches("ratio \\(bridge accepted/s / no-work 200/s\\): \\d+\\.\\d\\d "
                + "\\(rounds: \\d+\\.\\d\\d \\d+\\.\\d\\d\\)")).count(), out);
        assertEquals(1, lines.stream().filter(l -> l.matches("rounds, answers/s: no-work \\d+\\.\\dk \\d+\\.\\dk; "
                + "bridge \\d+\\.\\dk \\d+\\.\\dk")).count(), out);
        assertEquals(List.of("no-work server", "bridge"), lines.stream().filter(l -> l.contains(" ok/s ") && l.endsWith(" failed 0"))
                .map(l -> l.substring(0, l.indexOf("  ")).strip()).toList(), out);
        String kafka = lines.stream().filter(l -> l.startsWith("kafka: ")).findFirst().orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("kafka: (\\d+) records on stripe\\.events, (\\d+) webhooks answered 200: match").matcher(kafka);
        assertTrue(m.matches(), kafka);
        assertEquals(m.group(1), m.group(2));
        assertTrue(Long.parseLong(m.group(1)) > 0, kafka);
    }

    @Test
    void everyCommandsHelpListsItsEnvironmentVariables() {
        for (String[] command : new String[][]{{"bridge", "BRIDGE_PORT", "KAFKA_BOOTSTRAP_SERVERS", "BRIDGE_KAFKA_ACK_TIMEOUT_MS"},
                {"migrate", "CLICKHOUSE_URL", "CLICKHOUSE_DATABASE"}, {"run", "PAYPULSE_DATA_DIR", "BRIDGE_PORT"},
                {"job", "KAFKA_BOOTSTRAP_SERVERS", "CLICKHOUSE_URL", "PAYPULSE_"},
                {"simulate", "SIMULATOR_URL", "STRIPE_WEBHOOK_SECRET", "SIMULATOR_SCENARIO", "SIMULATOR_RATE", "SIMULATOR_SPEED_UP",
                        "SIMULATOR_DURATION", "SIMULATOR_SEED", "SIMULATOR_CONCURRENCY"}}) {
            Run help = runInProcess(command[0], "--help");
            assertEquals(0, help.exit());
            for (int i = 1; i < command.length; i++) {
                assertTrue(help.out().contains(command[i]), command[0] + " --help names " + command[i]);
            }
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run runInProcess(String... args) {
        CommandLine cli = PaypulseCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /**
     * {@link #runInProcess} with {@code System.err} captured as well: the commands' progress lines ({@code Console})
     * go there rather than to picocli's error writer. Both end up in {@link Run#err()}.
     */
    private static Run runCapturingConsole(String... args) {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(console, true, StandardCharsets.UTF_8));
        Run run;
        try {
            run = runInProcess(args);
        } finally {
            System.err.flush();
            System.setErr(original);
        }
        return new Run(run.exit(), run.out(), console.toString(StandardCharsets.UTF_8) + run.err());
    }

    /** The lines a command printed for a person ({@code paypulse: ...}), without any log lines around them. */
    private static List<String> progressLines(String err) {
        return err.lines().filter(l -> l.startsWith("paypulse:")).toList();
    }

    private static Process paypulse(List<String> args, Map<String, String> env, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PaypulseCommand.class.getName()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("STRIPE_") || k.startsWith("KAFKA_") || k.startsWith("CLICKHOUSE_")
                || k.startsWith("BRIDGE_") || k.startsWith("PAYPULSE_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    private String query(int clickHousePort, String sql) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + clickHousePort + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(sql + " FORMAT TSV")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private String event(String id) {
        return StripeEventSamples.chargeSucceeded(id, "ch_" + id.substring(4), now(), "visa", "BR", 1999, "brl");
    }

    private HttpResponse<String> post(int port, String payload, String signature) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/stripe"))
                .header("Stripe-Signature", signature).POST(HttpRequest.BodyPublishers.ofString(payload)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int status(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private String metrics(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static boolean refused(int port) throws IOException {
        try (Socket probe = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    static {
        // Topics exist before a bridge starts in the shared broker's tests, as `bridge` would create them anyway.
        TopicProvisioner.provision(SharedInfra.kafka().bootstrapServers(), TopicSpecs.load().all(), Duration.ofSeconds(60));
    }
}
