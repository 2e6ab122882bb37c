package io.paypulse.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PipelineMetricTest {

    @Test
    void roundTripsThroughTheRecordJson() {
        PipelineMetric metric = new PipelineMetric(1700000000123L, PipelineMetric.SOURCE_BRIDGE, "bridge-a",
                PipelineMetric.BRIDGE_REJECTED, PipelineMetric.label("reason", "signature_mismatch"), 3, "counter");

        String json = new String(metric.toJson(), StandardCharsets.UTF_8);

        assertEquals("{\"ts\":1700000000123,\"source\":\"bridge\",\"instance\":\"bridge-a\",\"metric\":"
                + "\"bridge_rejected_total\",\"label\":\"reason=signature_mismatch\",\"value\":3.0,\"kind\":\"counter\"}", json);
        assertEquals(metric, PipelineMetric.fromJson(metric.toJson()));
    }

    @Test
    void integralValuesAndEmptyLabelsAreRead() {
        PipelineMetric metric = PipelineMetric.fromJson(("{\"ts\":5,\"source\":\"job\",\"instance\":\"tm-1\",\"metric\":"
                + "\"job_kafka_lag_records\",\"label\":\"\",\"value\":42,\"kind\":\"gauge\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(new PipelineMetric(5, "job", "tm-1", PipelineMetric.JOB_KAFKA_LAG, "", 42.0, "gauge"), metric);
    }

    @Test
    void brokenRecordsSayWhatIsWrong() {
        assertMessage("not JSON", "{");
        assertMessage("not a JSON object", "[1]");
        assertMessage("\"ts\" must be epoch milliseconds", "{\"ts\":\"now\"}");
        assertMessage("source must be one of", "{\"ts\":1,\"source\":\"cli\",\"instance\":\"i\",\"metric\":\"m\","
                + "\"label\":\"\",\"value\":1,\"kind\":\"counter\"}");
        assertMessage("label 'reason' must be key=value", "{\"ts\":1,\"source\":\"job\",\"instance\":\"i\",\"metric\":\"m\","
                + "\"label\":\"reason\",\"value\":1,\"kind\":\"counter\"}");
        assertMessage("\"kind\" must be a string", "{\"ts\":1,\"source\":\"job\",\"instance\":\"i\",\"metric\":\"m\","
                + "\"label\":\"\",\"value\":1}");
    }

    private static void assertMessage(String expected, String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PipelineMetric.fromJson(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
