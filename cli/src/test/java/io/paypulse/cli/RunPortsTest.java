package io.paypulse.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code run} checks its ports before it starts anything or empties a simulation's data. */
class RunPortsTest {

    @Test
    void aTakenPortStopsRunBeforeTheSimulationDataIsEmptied(@TempDir Path data) throws Exception {
        // The data of a `run --simulate` that is still serving from this folder.
        Path simulation = Files.createDirectories(data.resolve("simulation"));
        Files.writeString(simulation.resolve(".paypulse-simulation"), "made by ./paypulse run --simulate\n");
        Path kafkaLog = Files.writeString(Files.createDirectories(simulation.resolve("kafka")).resolve("00.log"), "records");
        try (ServerSocket kafka = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             ServerSocket ui = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            StringWriter err = new StringWriter();
            var cli = PaypulseCommand.commandLine();
            cli.setErr(new PrintWriter(err, true));
            cli.setOut(new PrintWriter(new StringWriter(), true));
            int exit = cli.execute("run", "--simulate", "--data-dir", data.toString(),
                    "--kafka-port", Integer.toString(kafka.getLocalPort()), "--clickhouse-port", "0", "--bridge-port", "0",
                    "--flink-ui-port", Integer.toString(ui.getLocalPort()));

            assertEquals(1, exit);
            assertEquals("paypulse run: cannot start: port Kafka's " + kafka.getLocalPort() + " (--kafka-port), the Flink web"
                    + " UI's " + ui.getLocalPort() + " (--flink-ui-port, 0 for no web UI) are already in use (another"
                    + " ./paypulse run?). Stop that process, or give run other ports with the flags named; nothing was"
                    + " started or removed.", err.toString().strip());
        }
        assertTrue(Files.exists(kafkaLog), "the running simulation's data is untouched");
    }
}
