package io.paypulse.infra.internal;

import io.paypulse.infra.LocalInfraException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One local server process whose output goes to a log file: started, polled until ready with a deadline,
 * stopped with SIGTERM then SIGKILL, and never left running after this JVM exits.
 */
public final class ChildProcess {

    /** System property that tells a child JVM which process it must not outlive; see {@link ParentWatch}. */
    static final String PARENT_PID_PROPERTY = "paypulse.parent.pid";

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final Duration EXIT_HOOK_GRACE = Duration.ofSeconds(10);
    private static final int TAIL_LINES = 20;
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean EXIT_HOOK = new AtomicBoolean();

    /** A readiness check; an exception counts as "not ready yet" and is reported if the deadline passes. */
    @FunctionalInterface
    public interface Probe {
        boolean ready() throws Exception;
    }

    private final String name;
    private final List<String> command;
    private final Path workDir;
    private final Map<String, String> environment;
    private final Path logFile;
    private Process process;

    public ChildProcess(String name, List<String> command, Path workDir, Map<String, String> environment, Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.workDir = workDir;
        this.environment = Map.copyOf(environment);
        this.logFile = logFile;
    }

    /**
     * The command that runs {@code mainClass} in a new JVM on this JVM's class path. The class path goes into an
     * argument file because a long one (IDE runs) can exceed the kernel's limit for a single argument.
     */
    public static List<String> javaCommand(Path argFile, List<String> jvmOptions, Class<?> mainClass, List<String> args) {
        // Absolute, because the child runs in its data dir and an IDE may pass relative entries.
        String classPath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        try {
            Files.writeString(argFile, "-cp \"" + classPath.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + argFile, e);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("@" + argFile);
        cmd.add("-D" + PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
        cmd.addAll(jvmOptions);
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        return cmd;
    }

    private static final Path SHELL = Path.of("/bin/sh");

    /**
     * {@code command}, started so that it ignores SIGINT. A Ctrl-C in a terminal goes to the whole foreground
     * process group, these children included; they are to stop when paypulse stops them, in order, after the job
     * and the bridge, not at the same moment. An ignored signal stays ignored across {@code exec}, and neither the
     * JVM nor Python installs a handler for an interrupt that is ignored at start. SIGTERM and SIGKILL, which
     * {@link #stop} sends, are unaffected.
     */
    static List<String> ignoringTerminalInterrupt(List<String> command) {
        if (!Files.isExecutable(SHELL)) {
            return command;
        }
        List<String> launch = new ArrayList<>(List.of(SHELL.toString(), "-c", "trap '' INT; exec \"$0\" \"$@\""));
        launch.addAll(command);
        return launch;
    }

    /** Starts the process, appending its stdout and stderr to the log file. */
    public synchronized long start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running, pid " + process.pid());
        }
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            Files.writeString(logFile, "---- " + Instant.now() + " paypulse starts " + name + ": "
                            + String.join(" ", command) + System.lineSeparator(),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(ignoringTerminalInterrupt(command))
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(environment);
            installExitHook();
            process = builder.start();
        } catch (IOException e) {
            throw new LocalInfraException(name + " could not be launched (" + e.getMessage() + "). Command: "
                    + String.join(" ", command), e);
        }
        // The servers read nothing; end-of-input keeps any stdin reader from waiting on us.
        closeQuietly(process);
        LIVE.add(process);
        return process.pid();
    }

    /**
     * Polls {@code probe} until it answers true. Fails fast if the process exits, and fails at the deadline,
     * both with the end of the log in the message; the process is left for the caller to {@link #stop}.
     */
    public void awaitReady(Duration timeout, Probe probe) {
        Process p = current();
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastProbeFailure = null;
        while (true) {
            if (!p.isAlive()) {
                throw failure(name + " exited with code " + p.exitValue() + " before it was ready", lastProbeFailure);
            }
            try {
                if (probe.ready()) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("interrupted while waiting for " + name, e);
            } catch (Exception e) {
                lastProbeFailure = e;
            }
            if (System.nanoTime() - deadline > 0) {
                throw failure(name + " was not ready within " + timeout.toSeconds() + " s", lastProbeFailure);
            }
            try {
                p.waitFor(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("interrupted while waiting for " + name, e);
            }
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return current().pid();
    }

    /** The exit code of the exited process (128 + N when signal N killed it). */
    public synchronized int exitCode() {
        return current().exitValue();
    }

    /** Sends SIGTERM so the server can flush and close cleanly; kills it (and its children) after {@code timeout}. */
    public synchronized void stop(Duration timeout) {
        Process p = process;
        if (p == null) {
            return;
        }
        List<ProcessHandle> descendants = p.descendants().collect(Collectors.toList());
        p.destroy();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("event=child_kill name={} pid={} reason=no_exit_after_sigterm timeout_s={}",
                        name, p.pid(), timeout.toSeconds());
                descendants.forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            LIVE.remove(p);
            process = null;
        }
    }

    public Path logFile() {
        return logFile;
    }

    /** The last lines of the log, each prefixed so they stand out inside an exception message. */
    public String logTail() {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            int size = (int) Math.min(file.length(), 64 * 1024);
            byte[] bytes = new byte[size];
            file.seek(file.length() - size);
            file.readFully(bytes);
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\\R");
            return Arrays.stream(lines, Math.max(0, lines.length - TAIL_LINES), lines.length)
                    .map(line -> "  | " + line)
                    .collect(Collectors.joining(System.lineSeparator()));
        } catch (IOException e) {
            return "  | (log not readable: " + e.getMessage() + ")";
        }
    }

    private LocalInfraException failure(String what, Exception cause) {
        String lastError = cause == null ? "" : " Last readiness error: " + cause + ".";
        return new LocalInfraException(what + "." + lastError + " Log: " + logFile.toAbsolutePath()
                + System.lineSeparator() + "Last lines of the log:" + System.lineSeparator() + logTail(), cause);
    }

    private synchronized Process current() {
        if (process == null) {
            throw new IllegalStateException(name + " is not started");
        }
        return process;
    }

    private static void closeQuietly(Process p) {
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // Nothing was written to it; a failed close changes nothing for the child.
        }
    }

    // Tests that fail or forget close() must not leave servers holding ports, nor temporary data behind. One hook
    // for both, because data can only be deleted once its server has stopped writing.
    static void installExitHook() {
        if (EXIT_HOOK.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopAllAtExit();
                DataDirs.deleteTemporaryAtExit();
            }, "paypulse-local-infra-exit"));
        }
    }

    // SIGTERM all at once so they shut down in parallel, then force whatever is left.
    private static void stopAllAtExit() {
        List<Process> all = List.copyOf(LIVE);
        List<List<ProcessHandle>> descendants = all.stream()
                .map(p -> p.descendants().collect(Collectors.toList())).collect(Collectors.toList());
        all.forEach(Process::destroy);
        long deadline = System.nanoTime() + EXIT_HOOK_GRACE.toNanos();
        for (int i = 0; i < all.size(); i++) {
            Process p = all.get(i);
            try {
                p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            descendants.get(i).stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
