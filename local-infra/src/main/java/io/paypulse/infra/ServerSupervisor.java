package io.paypulse.infra;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the local servers of a long-running command up, as a process supervisor would: a server whose process exits
 * without having been stopped (a crash, {@code kill -9}, the OOM killer) is started again on the same ports and data,
 * so clients that retry (the bridge's producer, the job's Kafka source and ClickHouse sinks) carry on where they were.
 * A server that exits (or fails to start again) more than {@code maxRestarts} times within {@code window} is given
 * up on: restarting it once more would only hide the problem in its log.
 */
public final class ServerSupervisor implements AutoCloseable {

    /** What the supervisor saw; called on its own thread. */
    public interface Listener {

        /** {@code server} exited with {@code exitCode} without being stopped, and is being started again. */
        void restarting(LocalServer<?> server, int exitCode);

        /** {@code server} answers again, {@code took} after its exit was seen. */
        void restarted(LocalServer<?> server, Duration took);

        /**
         * {@code server} is given up on and stays down: it exited, or failed to start again, {@code failures} times
         * within the window; {@code cause} is the last start's error, or null if it was an exit. Nothing further is
         * called for it.
         */
        void gaveUp(LocalServer<?> server, int failures, Exception cause);
    }

    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(1);
    public static final int DEFAULT_MAX_RESTARTS = 3;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(ServerSupervisor.class);

    private final Listener listener;
    private final Duration checkInterval;
    private final int maxRestarts;
    private final Duration window;
    private final List<Watched> watched = new ArrayList<>();
    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "paypulse-server-supervisor");
        thread.setDaemon(true);
        return thread;
    });
    private boolean started;
    private volatile boolean closed;

    /** With the defaults: checked every second, given up on at a 4th failure within 10 minutes. */
    public ServerSupervisor(Listener listener) {
        this(listener, DEFAULT_CHECK_INTERVAL, DEFAULT_MAX_RESTARTS, DEFAULT_WINDOW);
    }

    public ServerSupervisor(Listener listener, Duration checkInterval, int maxRestarts, Duration window) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.checkInterval = Objects.requireNonNull(checkInterval, "checkInterval");
        this.window = Objects.requireNonNull(window, "window");
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("checkInterval must be positive, got " + checkInterval);
        }
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must not be negative, got " + maxRestarts);
        }
        this.maxRestarts = maxRestarts;
    }

    /** Watches {@code server}, which should be running. */
    public synchronized ServerSupervisor watch(LocalServer<?> server) {
        if (closed) {
            throw new IllegalStateException("the supervisor is closed");
        }
        watched.add(new Watched(Objects.requireNonNull(server, "server")));
        return this;
    }

    /** Starts checking the watched servers every {@code checkInterval}, on a daemon thread. */
    public synchronized ServerSupervisor start() {
        if (closed) {
            throw new IllegalStateException("the supervisor is closed");
        }
        if (!started) {
            started = true;
            checks.scheduleWithFixedDelay(this::checkLogged, checkInterval.toMillis(), checkInterval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Stops watching (and restarting); call it before stopping the servers on purpose. */
    @Override
    public void close() {
        closed = true;
        // Interrupts a restart in progress, which then gives up quietly: the caller is about to stop the servers.
        checks.shutdownNow();
        try {
            checks.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // A scheduled task that throws is never run again: log it, and check again next time.
    private void checkLogged() {
        try {
            checkOnce();
        } catch (RuntimeException e) {
            LOG.error("event=local_server_check_failed error=\"{}\"", e.toString(), e);
        }
    }

    /** One pass over the watched servers, restarting any that exited; the scheduled work, and the tests'. */
    void checkOnce() {
        List<Watched> now;
        synchronized (this) {
            now = List.copyOf(watched);
        }
        for (Watched w : now) {
            if (closed) {
                return;
            }
            w.check();
        }
    }

    private final class Watched {

        private final LocalServer<?> server;
        // When each exit, and each failed start, was seen: more than maxRestarts within the window and it is given up.
        private final Deque<Long> failures = new ArrayDeque<>();
        private long downSince;
        private boolean down;
        private boolean givenUp;

        Watched(LocalServer<?> server) {
            this.server = server;
        }

        void check() {
            if (givenUp) {
                return;
            }
            if (!down) {
                OptionalInt exitCode = server.unexpectedExit();
                if (exitCode.isEmpty()) {
                    return;
                }
                down = true;
                downSince = System.nanoTime();
                LOG.warn("event=local_server_exited server=\"{}\" exit_code={} log={}",
                        server.describe(), exitCode.getAsInt(), server.logFile());
                if (failed() > maxRestarts) {
                    giveUp(null);
                    return;
                }
                listener.restarting(server, exitCode.getAsInt());
            }
            try {
                server.restart();
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("event=local_server_restart_failed server=\"{}\" error=\"{}\"", server.describe(), e.getMessage());
                if (failed() > maxRestarts) {
                    giveUp(e);
                }
                return;
            }
            down = false;
            listener.restarted(server, Duration.ofNanos(System.nanoTime() - downSince));
        }

        /** Records a failure now and returns how many fell within the window. */
        private int failed() {
            long now = System.nanoTime();
            failures.addLast(now);
            while (now - failures.getFirst() > window.toNanos()) {
                failures.removeFirst();
            }
            return failures.size();
        }

        private void giveUp(Exception cause) {
            givenUp = true;
            if (closed) {
                return;
            }
            LOG.error("event=local_server_given_up server=\"{}\" failures_in_window={} window={} log={}",
                    server.describe(), failures.size(), window, server.logFile());
            listener.gaveUp(server, failures.size(), cause);
        }
    }
}
