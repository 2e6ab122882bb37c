package io.paypulse.infra;

import io.paypulse.infra.internal.ChildProcess;
import io.paypulse.infra.internal.DataDirs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The life of a local server in a child process, shared by {@link LocalKafka} and {@link LocalClickHouse}: it can be
 * stopped and started again on the same ports and data, and closing it deletes data it was not given.
 *
 * @param <S> the concrete server, returned by {@link #start()} and {@link #restart()}
 */
public abstract class LocalServer<S extends LocalServer<S>> implements AutoCloseable {

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String kind;
    private final boolean temporaryDataDir;
    private final Duration startTimeout;
    private final Duration stopTimeout;
    protected final Path dataDir;
    protected final Path logFile;
    private ChildProcess process;
    private boolean closed;

    LocalServer(String kind, Path requestedDataDir, Path requestedLogFile, Duration startTimeout, Duration stopTimeout) {
        this.kind = kind;
        this.temporaryDataDir = requestedDataDir == null;
        this.dataDir = temporaryDataDir ? DataDirs.createTemp("paypulse-" + kind + "-") : DataDirs.create(requestedDataDir);
        this.logFile = requestedLogFile != null ? requestedLogFile.toAbsolutePath() : dataDir.resolve(kind + ".log");
        this.startTimeout = startTimeout;
        this.stopTimeout = stopTimeout;
    }

    /** Where clients reach it, for messages and logs; the same across restarts. */
    protected abstract String address();

    /** Fails with a message that says what to do if a port it needs is taken. */
    protected abstract void requirePortsFree();

    /** The child process to run, not yet started. */
    protected abstract ChildProcess launch();

    /** True once the server answers a real request. */
    protected abstract boolean answers() throws Exception;

    /** Extra key=value pairs for the start log line. */
    protected String startDetails() {
        return "";
    }

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** What it is and where it listens, for messages: {@code kafka at 127.0.0.1:9092}. */
    public String describe() {
        return kind + " at " + address();
    }

    /**
     * The exit code of a process that was started and has exited without {@link #stop()} (crashed, killed, out of
     * memory); empty while it runs, before it starts and after a stop. {@link ServerSupervisor} restarts on it.
     */
    public synchronized OptionalInt unexpectedExit() {
        return process != null && !process.isAlive() ? OptionalInt.of(process.exitCode()) : OptionalInt.empty();
    }

    /** Kills the running server (SIGKILL), as a crash or the kernel's OOM killer would. For tests. */
    public synchronized void kill() {
        signal("KILL");
    }

    /**
     * Freezes the running server (SIGSTOP): its connections stay open and nothing answers, as in a long GC pause
     * or a frozen VM. For tests; {@link #thaw()} lets it go on.
     */
    public synchronized void freeze() {
        signal("STOP");
    }

    /** Lets a {@link #freeze() frozen} server go on (SIGCONT). */
    public synchronized void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        if (!isRunning()) {
            throw new IllegalStateException(describe() + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new LocalInfraException("kill -" + name + " " + process.pid() + " failed with exit " + kill.exitValue());
            }
        } catch (IOException e) {
            throw new LocalInfraException("could not run kill -" + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalInfraException("interrupted sending SIG" + name + " to " + kind, e);
        }
    }

    /**
     * CPU time the server's process has used so far, where the platform reports it; empty while it
     * is not running. Benchmarks use it to show what the server costs next to the JVM under test.
     */
    public synchronized Optional<Duration> cpuTime() {
        if (!isRunning()) {
            return Optional.empty();
        }
        return ProcessHandle.of(process.pid()).flatMap(h -> h.info().totalCpuDuration());
    }

    /**
     * Starts the server and returns once it answers. Does nothing if it is running already.
     *
     * @throws LocalInfraException if a port is taken, the process exits, or it does not answer in time; the data dir
     *                             is then kept, since the message points to the log in it
     */
    public synchronized S start() {
        if (closed) {
            throw new IllegalStateException(getClass().getSimpleName() + " at " + address() + " is closed");
        }
        if (isRunning()) {
            return self();
        }
        requirePortsFree();
        process = launch();
        long started = System.nanoTime();
        long pid = process.start();
        try {
            process.awaitReady(startTimeout, this::answers);
        } catch (RuntimeException e) {
            stop();
            DataDirs.keepAfterExit(dataDir);
            throw e;
        }
        log.info("event={}_started address={} pid={} startup_ms={}{} data_dir={} log={}", kind, address(), pid,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), startDetails(), dataDir, logFile);
        return self();
    }

    /** Stops the server (SIGTERM, forced after the stop timeout) and keeps its ports and data for {@link #start()}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        long pid = process.isAlive() ? process.pid() : -1;
        process.stop(stopTimeout);
        process = null;
        log.info("event={}_stopped address={} pid={}", kind, address(), pid);
    }

    public synchronized S restart() {
        stop();
        return start();
    }

    /** Stops the server and deletes the data dir if it was a temporary one. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        if (temporaryDataDir) {
            DataDirs.delete(dataDir);
        }
    }
}
