package io.paypulse.infra;

import io.paypulse.infra.internal.ChdbLibrary;
import io.paypulse.infra.internal.ChdbServerMain;
import io.paypulse.infra.internal.ChildProcess;
import io.paypulse.infra.internal.DataDirs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real ClickHouse server answering on its HTTP interface, for tests and {@code paypulse run}: the {@code clickhouse}
 * binary if one is on PATH, otherwise the ClickHouse engine library (chDB), fetched once and served from a child JVM.
 */
public final class LocalClickHouse extends LocalServer<LocalClickHouse> {

    private static final Logger LOG = LoggerFactory.getLogger(LocalClickHouse.class);
    private static final int MIN_BINARY_MAJOR = 24;

    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private String engine;

    private LocalClickHouse(Builder b) {
        super("clickhouse", b.dataDir, b.logFile, b.startTimeout, b.stopTimeout);
        this.httpPort = b.httpPort == 0 ? FreePorts.pick() : b.httpPort;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:<port>}, user {@code default} without password; the same across restarts. */
    public String httpUrl() {
        return "http://" + FreePorts.HOST + ":" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    @Override
    protected String address() {
        return httpUrl();
    }

    @Override
    protected void requirePortsFree() {
        if (!FreePorts.isFree(httpPort)) {
            throw new LocalInfraException("ClickHouse cannot start: its HTTP port " + FreePorts.HOST + ":" + httpPort
                    + " is already in use by another process. Stop that process, set CLICKHOUSE_URL to use the server "
                    + "that is already there, or pick another port: ./paypulse run --clickhouse-port <port> "
                    + "(in tests, LocalClickHouse.builder().httpPort(0) picks a free one).");
        }
    }

    /**
     * The {@code clickhouse} binary if one is on PATH, otherwise the chDB library, fetched first if this machine has
     * not cached it yet (the fetch is not counted in the start timeout).
     */
    @Override
    protected ChildProcess launch() {
        Path enginePath = DataDirs.create(dataDir.resolve("clickhouse"));
        return binaryOnPath().map(binary -> serverBinary(binary, enginePath)).orElseGet(() -> chdb(enginePath));
    }

    @Override
    protected boolean answers() throws Exception {
        return "1".equals(selectOne(http));
    }

    @Override
    protected String startDetails() {
        return " engine=" + engine;
    }

    private ChildProcess serverBinary(Path binary, Path enginePath) {
        List<String> command = List.of(binary.toString(), "server", "--config-file=" + writeServerConfig(enginePath));
        engine = "clickhouse-server";
        // Without its watchdog the server is one process, so SIGTERM reaches the server itself.
        return new ChildProcess("ClickHouse server " + httpUrl(), command, dataDir,
                Map.of("CLICKHOUSE_WATCHDOG_ENABLE", "0"), logFile);
    }

    private ChildProcess chdb(Path enginePath) {
        Path library = ChdbLibrary.ensure();
        engine = "chdb-" + ChdbLibrary.VERSION;
        List<String> command = ChildProcess.javaCommand(dataDir.resolve("java.args"),
                List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"),
                ChdbServerMain.class, List.of(library.toString(), Integer.toString(httpPort), enginePath.toString()));
        return new ChildProcess("ClickHouse (chDB) " + httpUrl(), command, dataDir, chdbEnvironment(), logFile);
    }

    private String selectOne(HttpClient http) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(httpUrl() + "/?query=SELECT%201"))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + ": " + response.body().strip());
        }
        return response.body().strip();
    }

    private static Optional<Path> binaryOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "clickhouse"))
                .filter(Files::isExecutable)
                .findFirst()
                .filter(LocalClickHouse::isModern);
    }

    // Debian's clickhouse package is ClickHouse 18.16, which clickhouse-jdbc 0.9 cannot talk to ("Unknown setting
    // async_insert"); such a binary is passed over in favour of the engine library.
    private static boolean isModern(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            Matcher version = Pattern.compile("version (\\d+)\\.").matcher(output);
            boolean modern = version.find() && Integer.parseInt(version.group(1)) >= MIN_BINARY_MAJOR;
            if (!modern) {
                LOG.warn("event=clickhouse_binary_skipped path={} reason=older_than_{} version_output={}", binary,
                        MIN_BINARY_MAJOR, output.strip().lines().findFirst().orElse(""));
            }
            return modern;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // The engine replaces the JVM's signal handlers (SIGSEGV among them, which the JVM relies on); with the JDK's
    // libjsig preloaded the JVM keeps its handlers and chains to the engine's. Without it, that JVM crashes.
    private static Map<String, String> chdbEnvironment() {
        Path jsig = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        if (!Files.isRegularFile(jsig)) {
            throw new LocalInfraException("the JDK at " + System.getProperty("java.home") + " has no lib/libjsig.so, "
                    + "which the chDB child JVM needs for signal chaining. Run with a full JDK 17+, install a "
                    + "clickhouse binary on PATH, or set CLICKHOUSE_URL to an existing ClickHouse server.");
        }
        String preload = System.getenv("LD_PRELOAD");
        return Map.of("LD_PRELOAD", preload == null || preload.isBlank() ? jsig.toString() : jsig + ":" + preload);
    }

    private Path writeServerConfig(Path enginePath) {
        // Only the HTTP port is configured, so no other protocol (TCP 9000, MySQL, interserver) binds anything.
        String xml = """
                <clickhouse>
                  <logger><level>information</level><console>1</console></logger>
                  <http_port>%d</http_port>
                  <listen_host>%s</listen_host>
                  <path>%s/</path>
                  <tmp_path>%s/tmp/</tmp_path>
                  <user_files_path>%s/user_files/</user_files_path>
                  <format_schema_path>%s/format_schemas/</format_schema_path>
                  <mark_cache_size>268435456</mark_cache_size>
                  <users>
                    <default>
                      <password></password>
                      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
                      <profile>default</profile>
                      <quota>default</quota>
                      <access_management>1</access_management>
                    </default>
                  </users>
                  <profiles><default/></profiles>
                  <quotas><default/></quotas>
                </clickhouse>
                """.formatted(httpPort, FreePorts.HOST, xml(enginePath), xml(enginePath), xml(enginePath), xml(enginePath));
        Path file = dataDir.resolve("config.xml");
        try {
            Files.writeString(file, xml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    private static String xml(Path path) {
        return path.toString().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Options for a {@link LocalClickHouse}; every one has a default that suits a test. */
    public static final class Builder {
        private int httpPort;
        private Path dataDir;
        private Path logFile;
        private Duration startTimeout = Duration.ofSeconds(120);
        private Duration stopTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** HTTP port; 0 (the default) picks a free one. {@code paypulse run} uses 8123. */
        public Builder httpPort(int httpPort) {
            if (httpPort < 0 || httpPort > 65535) {
                throw new IllegalArgumentException("httpPort must be 0 (pick a free one) or 1-65535, was " + httpPort);
            }
            this.httpPort = httpPort;
            return this;
        }

        /** Where the server keeps its tables; null (the default) is a temporary folder deleted on close. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Where the server's own output goes; by default {@code clickhouse.log} inside the data dir. */
        public Builder logFile(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        /** How long to wait for {@code SELECT 1} once the process runs; a first-time engine fetch is not counted. */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = LocalKafka.Builder.checkPositive(startTimeout, "startTimeout");
            return this;
        }

        public Builder stopTimeout(Duration stopTimeout) {
            this.stopTimeout = LocalKafka.Builder.checkPositive(stopTimeout, "stopTimeout");
            return this;
        }

        /** Picks a free port if asked and creates the data dir; the server starts with {@link LocalClickHouse#start()}. */
        public LocalClickHouse build() {
            if (dataDir != null && Files.isRegularFile(dataDir)) {
                throw new IllegalArgumentException("dataDir " + dataDir + " is a file; give a folder, or null for a "
                        + "temporary one");
            }
            return new LocalClickHouse(this);
        }
    }
}
