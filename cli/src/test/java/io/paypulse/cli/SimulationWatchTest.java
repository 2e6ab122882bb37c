package io.paypulse.cli;

import io.paypulse.infra.FreePorts;
import io.paypulse.schemas.ClickHouseConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulationWatchTest {

    @Test
    void aClickHouseThatIsNotThereIsOneLineThatSaysWhatToDoWithoutThePassword() {
        String url = "http://127.0.0.1:" + FreePorts.pick();
        String password = "pw-" + UUID.randomUUID();
        SimulationWatch watch = new SimulationWatch(new ClickHouseConfig(url, "default", password, "paypulse"), 0);

        IOException e = assertThrows(IOException.class, watch::poll);

        String message = e.getMessage();
        assertTrue(message.startsWith("ClickHouse at " + url + " is not reachable: "), message);
        assertTrue(message.endsWith("; start it or set CLICKHOUSE_URL"), message);
        assertFalse(message.contains(password), message);
        assertFalse(message.contains("\n"), message);
    }

    @Test
    void aFailureMessageFitsOnTheStatusLine() {
        assertEquals("Code: 60. DB::Exception: Unknown table expression identifier 'paypulse.decline_rates'",
                SimulationWatch.oneLine(" Code: 60. DB::Exception:\nUnknown table expression identifier\t'paypulse.decline_rates'\n"));
        String longer = SimulationWatch.oneLine("x".repeat(1_000));
        assertEquals("x".repeat(300) + "...", longer);
    }
}
