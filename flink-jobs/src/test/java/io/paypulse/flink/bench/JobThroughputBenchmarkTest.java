package io.paypulse.flink.bench;

import io.paypulse.alert.PagerDutyConfig;
import io.paypulse.flink.config.AlertingConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class JobThroughputBenchmarkTest {

    @Test
    void theBenchNeverPagesEvenWhereARoutingKeyIsSetButKeepsTheOtherAlertingSettings() {
        Map<String, String> production = Map.of(
                PagerDutyConfig.ENV_ROUTING_KEY, "0123456789abcdef0123456789abcdef",
                PagerDutyConfig.ENV_EVENTS_URL, "https://events.pagerduty.example/v2/enqueue",
                AlertingConfig.ENV_DETECTOR_WARMUP_WINDOWS, "7");

        AlertingConfig bench = JobThroughputBenchmark.benchAlerting(production);

        assertEquals(Map.of(), bench.pagerDutyEnv());
        assertNull(PagerDutyConfig.fromEnv(bench.pagerDutyEnv()).routingKey());
        assertEquals(7, bench.detectorConfig().warmupWindows());
        // The same environment, unfiltered, would page: the filter is what keeps the bench quiet.
        assertEquals("0123456789abcdef0123456789abcdef",
                PagerDutyConfig.fromEnv(AlertingConfig.fromEnv(production).pagerDutyEnv()).routingKey());
    }
}
