package io.paypulse.cli;

import io.paypulse.infra.LocalInfraException;
import io.paypulse.infra.LocalKafka;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code run} does when its supervisor restarts or gives up on the local Kafka or ClickHouse. */
class RunSupervisorConsoleTest {

    @Test
    void exitCodesOfKilledProcessesNameTheSignal() {
        assertEquals("killed by SIGKILL, exit code 137", RunCommand.SupervisorConsole.exitText(137));
        assertEquals("killed by SIGTERM, exit code 143", RunCommand.SupervisorConsole.exitText(143));
        assertEquals("killed by signal 7, exit code 135", RunCommand.SupervisorConsole.exitText(135));
        assertEquals("exit code 1", RunCommand.SupervisorConsole.exitText(1));
        assertEquals("exit code 0", RunCommand.SupervisorConsole.exitText(0));
    }

    @Test
    void aRestartLeavesRunRunningAndGivingUpStopsItWithTheReason() throws Exception {
        ShutdownSignal signal = new ShutdownSignal();
        AtomicBoolean givenUp = new AtomicBoolean();
        RunCommand.SupervisorConsole console = new RunCommand.SupervisorConsole(signal, givenUp);
        try (LocalKafka kafka = LocalKafka.builder().port(19_999).build()) {
            console.restarting(kafka, 137);
            console.restarted(kafka, Duration.ofSeconds(3));
            assertNull(signal.await(Duration.ofMillis(1)), "a restart does not stop run");
            assertFalse(givenUp.get());

            console.gaveUp(kafka, 4, new LocalInfraException("Kafka cannot start: its listener port is already in use"));

            assertTrue(givenUp.get(), "run exits 1");
            String reason = signal.await(Duration.ofMillis(1));
            assertEquals("kafka at 127.0.0.1:19999 keeps failing", reason);
            assertEquals("kafka at 127.0.0.1:19999 keeps failing: stopping", ShutdownSignal.stoppingLine(reason));
        }
    }

    @Test
    void aSignalThatCameFirstIsWhatStopsRun() throws Exception {
        ShutdownSignal signal = new ShutdownSignal();
        signal.trigger("SIGTERM");
        signal.trigger("kafka at 127.0.0.1:9092 keeps failing");

        assertEquals("SIGTERM", signal.await());
        assertEquals("SIGTERM received: stopping", ShutdownSignal.stoppingLine("SIGTERM"));
    }
}
