package io.paypulse.infra;

import io.paypulse.infra.internal.ChildProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The supervisor's decisions, one {@code checkOnce()} at a time, on a real child process ({@code sleep}) killed with
 * SIGKILL. {@code LocalKafkaITCase} does the same with a real broker and its data.
 */
class ServerSupervisorTest {

    @TempDir
    Path dir;

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private SleepServer server;

    private final ServerSupervisor.Listener listener = new ServerSupervisor.Listener() {
        @Override
        public void restarting(LocalServer<?> s, int exitCode) {
            seen.add("restarting " + s.describe() + " exit=" + exitCode);
        }

        @Override
        public void restarted(LocalServer<?> s, Duration took) {
            seen.add("restarted " + s.describe());
        }

        @Override
        public void gaveUp(LocalServer<?> s, int failures, Exception cause) {
            seen.add("gave up " + s.describe() + " failures=" + failures
                    + (cause == null ? "" : " cause=" + cause.getMessage()));
        }
    };

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aKilledServerIsStartedAgainAndAStoppedOneIsLeftAlone() throws Exception {
        server = new SleepServer(dir).start();
        ServerSupervisor supervisor = new ServerSupervisor(listener, Duration.ofSeconds(1), 3, Duration.ofMinutes(10))
                .watch(server);

        supervisor.checkOnce();
        assertEquals(List.of(), seen, "a running server is left alone");

        long pid = server.pid();
        killAndAwaitExit();
        supervisor.checkOnce();

        assertEquals(List.of("restarting sleep at nowhere exit=137", "restarted sleep at nowhere"), seen);
        assertTrue(server.isRunning());
        assertNotEquals(pid, server.pid(), "a new process");

        server.stop();
        supervisor.checkOnce();
        assertEquals(2, seen.size(), "a server stopped on purpose is not started again: " + seen);
        assertFalse(server.isRunning());
    }

    @Test
    void aServerThatKeepsExitingIsGivenUpOn() throws Exception {
        server = new SleepServer(dir).start();
        ServerSupervisor supervisor = new ServerSupervisor(listener, Duration.ofSeconds(1), 2, Duration.ofMinutes(10))
                .watch(server);

        for (int i = 0; i < 3; i++) {
            killAndAwaitExit();
            supervisor.checkOnce();
        }
        supervisor.checkOnce();

        assertEquals(List.of(
                "restarting sleep at nowhere exit=137", "restarted sleep at nowhere",
                "restarting sleep at nowhere exit=137", "restarted sleep at nowhere",
                "gave up sleep at nowhere failures=3"), seen);
        assertFalse(server.isRunning(), "given up: left down");
    }

    @Test
    void exitsOutsideTheWindowDoNotCount() throws Exception {
        server = new SleepServer(dir).start();
        ServerSupervisor supervisor = new ServerSupervisor(listener, Duration.ofSeconds(1), 1, Duration.ofNanos(1))
                .watch(server);

        for (int i = 0; i < 3; i++) {
            killAndAwaitExit();
            supervisor.checkOnce();
        }

        assertEquals(6, seen.size(), "each exit is the only one in its window, so each is restarted: " + seen);
        assertTrue(seen.stream().noneMatch(line -> line.startsWith("gave up")), seen.toString());
        assertTrue(server.isRunning());
    }

    @Test
    void aFailedStartIsRetriedAndCountsTowardsGivingUp() throws Exception {
        server = new SleepServer(dir).start();
        ServerSupervisor supervisor = new ServerSupervisor(listener, Duration.ofSeconds(1), 3, Duration.ofMinutes(10))
                .watch(server);

        server.portTaken = true;
        killAndAwaitExit();
        supervisor.checkOnce();
        assertEquals(List.of("restarting sleep at nowhere exit=137"), seen, "the start failed: no restarted yet");
        assertFalse(server.isRunning());

        server.portTaken = false;
        supervisor.checkOnce();
        assertEquals(List.of("restarting sleep at nowhere exit=137", "restarted sleep at nowhere"), seen,
                "the next check starts it");
        assertTrue(server.isRunning());

        server.portTaken = true;
        killAndAwaitExit();
        supervisor.checkOnce();

        assertEquals("gave up sleep at nowhere failures=4 cause=port 1 is taken", seen.get(seen.size() - 1),
                "an exit and a failed start before, an exit and a failed start now: " + seen);
        assertFalse(server.isRunning());
    }

    private void killAndAwaitExit() throws Exception {
        server.kill();
        Eventually.until("the killed process has exited", Duration.ofSeconds(10), () -> !server.isRunning());
    }

    /** A "server" that is a {@code sleep} process: it answers as soon as it runs. */
    private static final class SleepServer extends LocalServer<SleepServer> {

        private final Path workDir;
        volatile boolean portTaken;
        private ChildProcess last;

        SleepServer(Path dir) {
            super("sleep", dir.resolve("data"), dir.resolve("sleep.log"), Duration.ofSeconds(10), Duration.ofSeconds(5));
            this.workDir = dir;
        }

        long pid() {
            return last.pid();
        }

        @Override
        protected String address() {
            return "nowhere";
        }

        @Override
        protected void requirePortsFree() {
            if (portTaken) {
                throw new LocalInfraException("port 1 is taken");
            }
        }

        @Override
        protected ChildProcess launch() {
            last = new ChildProcess("sleep", List.of("sleep", "600"), workDir, Map.of(), logFile);
            return last;
        }

        @Override
        protected boolean answers() {
            return true;
        }
    }
}
