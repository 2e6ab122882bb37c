package io.paypulse.infra.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A local server's process ignores a terminal's Ctrl-C (SIGINT) and still stops when paypulse stops it. */
class ChildProcessInterruptTest {

    @Test
    void aChildIgnoresSigintButStopsOnStop(@TempDir Path dir) throws Exception {
        ChildProcess child = new ChildProcess("sleeper", List.of("sleep", "600"), dir, Map.of(), dir.resolve("sleep.log"));
        long pid = child.start();
        try {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid)).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, kill.exitValue(), "the signal was delivered to pid " + pid);
            // A plain `sleep` dies of SIGINT at once: wait up to a second for an exit that must not come.
            ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
            assertThrows(TimeoutException.class, () -> handle.onExit().get(1, TimeUnit.SECONDS), "SIGINT stopped it");
            assertTrue(child.isAlive(), "SIGINT did not stop it");
            assertEquals(pid, child.pid(), "exec kept the pid, so stop() signals the server itself");
        } finally {
            child.stop(Duration.ofSeconds(10));
        }
        assertFalse(child.isAlive(), "stop() still stops it");
    }
}
