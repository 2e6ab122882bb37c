package io.paypulse.infra.internal;

import io.paypulse.infra.LocalInfraException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The ClickHouse engine as a shared library (chDB's {@code libchdb.so}), fetched once with the npm client into a
 * per-user cache outside the repository, so that machines without a ClickHouse binary still get a real server.
 */
public final class ChdbLibrary {

    public static final String NPM_PACKAGE = "@chdb/lib-linux-x64-gnu";
    public static final String VERSION = "26.7.3-stable.1";
    public static final String CACHE_DIR_ENV = "PAYPULSE_CACHE_DIR";

    private static final Logger LOG = LoggerFactory.getLogger(ChdbLibrary.class);
    private static final String LIBRARY_FILE = "libchdb.so";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(20);

    private ChdbLibrary() {
    }

    /** {@code $PAYPULSE_CACHE_DIR}, else {@code ${XDG_CACHE_HOME:-~/.cache}/paypulse}. */
    public static Path cacheRoot() {
        String override = System.getenv(CACHE_DIR_ENV);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("paypulse");
    }

    /** The library's path, fetching it first if this machine does not have it yet. */
    public static synchronized Path ensure() {
        Path versionDir = cacheRoot().resolve("chdb").resolve(VERSION);
        Path library = versionDir.resolve(LIBRARY_FILE);
        if (Files.isRegularFile(library)) {
            return library;
        }
        try {
            Files.createDirectories(versionDir.getParent());
            // Another JVM (a parallel module build) may be fetching too: one fetches, the others wait and reuse it.
            try (FileChannel lockFile = FileChannel.open(versionDir.getParent().resolve(".fetch-" + VERSION + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                if (!Files.isRegularFile(library)) {
                    fetch(versionDir);
                }
            }
        } catch (IOException e) {
            throw new LocalInfraException("cannot prepare the chDB cache in " + versionDir.getParent() + ": " + e
                    + ". Set " + CACHE_DIR_ENV + " to a writable folder, or set CLICKHOUSE_URL to an existing server.", e);
        }
        return library;
    }

    private static void fetch(Path versionDir) throws IOException {
        Path parent = versionDir.getParent();
        removeLeftovers(parent);
        String spec = NPM_PACKAGE + "@" + VERSION;
        System.err.println("paypulse: fetching ClickHouse engine (chDB " + VERSION + ", ~180 MB) into " + versionDir
                + " once");
        long started = System.nanoTime();
        // Unpacked next to the target and moved in one step, so an interrupted or concurrent fetch never
        // leaves a half-written library where ensure() looks for it.
        Path work = Files.createTempDirectory(parent, ".fetch-");
        try {
            Path npmLog = work.resolve("npm.log");
            run(List.of("npm", "pack", spec), work, npmLog,
                    "npm is needed once to fetch the ClickHouse engine (" + spec + ") and was not found on PATH. "
                            + "Install Node.js with npm (Debian: apt-get install npm), "
                            + "or set CLICKHOUSE_URL to an existing ClickHouse server.");
            Path tarball;
            try (DirectoryStream<Path> tgz = Files.newDirectoryStream(work, "*.tgz")) {
                Iterator<Path> found = tgz.iterator();
                tarball = found.hasNext() ? found.next() : null;
            }
            if (tarball == null) {
                throw new LocalInfraException("npm pack " + spec + " produced no tarball; see " + npmLog);
            }
            run(List.of("tar", "-xzf", tarball.getFileName().toString(), "package/" + LIBRARY_FILE), work,
                    work.resolve("tar.log"), "tar is needed to unpack " + tarball.getFileName() + " and was not found");
            Path unpacked = work.resolve("package");
            if (!Files.isRegularFile(unpacked.resolve(LIBRARY_FILE))) {
                throw new LocalInfraException(tarball + " holds no package/" + LIBRARY_FILE);
            }
            Files.move(unpacked, versionDir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            DataDirs.delete(work);
        }
        LOG.info("event=chdb_fetched version={} dir={} duration_s={}", VERSION, versionDir,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }

    private static void run(List<String> command, Path dir, Path log, String whenMissing) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new LocalInfraException(whenMissing + " (" + e.getMessage() + ")", e);
        }
        try {
            process.getOutputStream().close();
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new LocalInfraException(String.join(" ", command) + " did not finish within "
                        + COMMAND_TIMEOUT.toMinutes() + " min. " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LocalInfraException("interrupted while running " + String.join(" ", command), e);
        }
        if (process.exitValue() != 0) {
            throw new LocalInfraException(String.join(" ", command) + " failed with code " + process.exitValue()
                    + ". Check that npm can reach its registry (npm config get registry), or set CLICKHOUSE_URL to "
                    + "an existing ClickHouse server. Output:" + System.lineSeparator() + Files.readString(log));
        }
    }

    // Fetches that were killed half-way leave their work dirs behind; under the lock none of them is active.
    private static void removeLeftovers(Path parent) throws IOException {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(parent, ".fetch-*")) {
            for (Path dir : stale) {
                if (Files.isDirectory(dir)) {
                    DataDirs.delete(dir);
                }
            }
        }
    }
}
