package io.paypulse.cli;

import io.paypulse.infra.FreePorts;
import io.paypulse.schemas.ClickHouseConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    @Test
    void anOpenIncidentIsReportedByItsPageAndWaitsForItAFewPolls() {
        PrintStream err = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Map<String, SimulationWatch.IncidentRow> seen = new HashMap<>();
            Map<String, Integer> waiting = new HashMap<>();
            SimulationWatch.IncidentRow worst = new SimulationWatch.IncidentRow("inc_1", "open", "Card declines at 15%",
                    "decline_rate", 1_700_000_040L, 0, false);
            SimulationWatch.IncidentRow paged = new SimulationWatch.IncidentRow("inc_1", "open", "Visa declines in BR at 44%",
                    "decline_rate", 1_700_000_040L, 0, true);
            SimulationRun.reportIncidents(snapshot(worst), seen, waiting);
            assertEquals("", out.toString(StandardCharsets.UTF_8), "its page is not in ClickHouse yet");
            SimulationRun.reportIncidents(snapshot(paged), seen, waiting);
            SimulationRun.reportIncidents(snapshot(paged), seen, waiting);
            assertEquals(List.of("paypulse: >>> INCIDENT OPENED: Visa declines in BR at 44%",
                            "paypulse:     incident inc_1 (decline_rate), from the window of 22:14 UTC; PagerDuty dedup key paypulse-inc_1"),
                    out.toString(StandardCharsets.UTF_8).lines().toList());

            // Never paged (suppressed): reported by its worst anomaly on the third poll.
            out.reset();
            SimulationWatch.IncidentRow quiet = new SimulationWatch.IncidentRow("inc_2", "open", "Webhook latency p99 at 9 s",
                    "webhook_latency_p99", 1_700_000_100L, 0, false);
            for (int poll = 1; poll <= SimulationRun.POLLS_BEFORE_UNPAGED_REPORT; poll++) {
                assertEquals("", out.toString(StandardCharsets.UTF_8), "poll " + poll);
                SimulationRun.reportIncidents(snapshot(quiet), seen, waiting);
            }
            assertEquals("paypulse: >>> INCIDENT OPENED: Webhook latency p99 at 9 s",
                    out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow());
        } finally {
            System.setErr(err);
        }
    }

    private static SimulationWatch.Snapshot snapshot(SimulationWatch.IncidentRow... incidents) {
        return new SimulationWatch.Snapshot(1, 0, 0, 0, List.of(incidents));
    }
}
