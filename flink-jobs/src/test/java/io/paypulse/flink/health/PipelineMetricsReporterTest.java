package io.paypulse.flink.health;

import io.paypulse.flink.functions.JobMetrics;
import io.paypulse.schemas.PipelineMetric;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineMetricsReporterTest {

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());

    @Test
    void snapshotSumsSubtasksPicksTheEventsSourceAndKeepsCountsOfRemovedTasks() {
        PipelineMetricsReporter reporter = open();
        SimpleCounter lateA = new SimpleCounter();
        SimpleCounter lateB = new SimpleCounter();
        SimpleCounter retries = new SimpleCounter();
        SimpleCounter eventsIn = new SimpleCounter();
        SimpleCounter dlqIn = new SimpleCounter();
        reporter.notifyOfAddedMetric(lateA, JobMetrics.EVENTS_TOO_LATE, operator("Route events too late for their window"));
        reporter.notifyOfAddedMetric(lateB, JobMetrics.EVENTS_TOO_LATE, operator("Route events too late for their window"));
        reporter.notifyOfAddedMetric(retries, "clickhouseRetries", operator("ClickHouse stripe_events: Writer"));
        reporter.notifyOfAddedMetric(eventsIn, "numRecordsIn", operator("Source: Kafka stripe.events"));
        reporter.notifyOfAddedMetric(dlqIn, "numRecordsIn", operator("Source: Kafka stripe.events.dlq"));
        reporter.notifyOfAddedMetric((Gauge<Long>) () -> 40L, "pendingRecords", operator("Kafka stripe.events"));
        reporter.notifyOfAddedMetric((Gauge<Long>) () -> 2L, "pendingRecords", operator("Kafka stripe.events"));
        reporter.notifyOfAddedMetric(new SimpleCounter(), "numRecordsOut", operator("Kafka stripe.events"));
        lateA.inc(2);
        lateB.inc(1);
        retries.inc(4);
        eventsIn.inc(10);
        dlqIn.inc(99);

        assertEquals(List.of("job_kafka_lag_records||42.0|gauge", "job_late_events_total||3.0|counter",
                        "job_records_in_total||10.0|counter", "job_sink_retries_total|table=stripe_events|4.0|counter"),
                rows(reporter.snapshot(1000)));

        // A restarted task: its predecessor's count stays in the total, the successor's adds to it.
        reporter.notifyOfRemovedMetric(lateA, JobMetrics.EVENTS_TOO_LATE, operator("x"));
        SimpleCounter lateAfterRestart = new SimpleCounter();
        lateAfterRestart.inc();
        reporter.notifyOfAddedMetric(lateAfterRestart, JobMetrics.EVENTS_TOO_LATE, operator("x"));
        assertTrue(rows(reporter.snapshot(2000)).contains("job_late_events_total||4.0|counter"));
    }

    @Test
    void whatTheWindowsDropAsLateIsExportedAsOneTotal() {
        PipelineMetricsReporter reporter = open();
        SimpleCounter declines = new SimpleCounter();
        SimpleCounter latency = new SimpleCounter();
        reporter.notifyOfAddedMetric(declines, "numLateRecordsDropped", operator("Decline rates per minute"));
        reporter.notifyOfAddedMetric(latency, "numLateRecordsDropped", operator("Webhook latency per minute"));
        assertEquals(List.of("job_window_dropped_total||0.0|counter"), rows(reporter.snapshot(1000)));

        declines.inc(6);
        latency.inc(2);
        assertEquals(List.of("job_window_dropped_total||8.0|counter"), rows(reporter.snapshot(2000)));
    }

    @Test
    void eventsOfTheOtherStripeModeAreExported() {
        PipelineMetricsReporter reporter = open();
        SimpleCounter otherMode = new SimpleCounter();
        otherMode.inc(7);
        reporter.notifyOfAddedMetric(otherMode, JobMetrics.EVENTS_OTHER_MODE, operator("Count live-mode events"));
        assertTrue(rows(reporter.snapshot(1000)).contains("job_other_mode_total||7.0|counter"),
                rows(reporter.snapshot(1000)).toString());
    }

    @Test
    void reportSendsOneRecordPerRowKeyedByInstance() {
        PipelineMetricsReporter reporter = open();
        SimpleCounter malformed = new SimpleCounter();
        malformed.inc(5);
        reporter.notifyOfAddedMetric(malformed, JobMetrics.EVENTS_MALFORMED, operator("Source: Kafka stripe.events"));

        reporter.report();

        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertEquals(1, sent.size());
        assertEquals("metrics-topic", sent.get(0).topic());
        assertEquals("tm-1", new String(sent.get(0).key(), StandardCharsets.UTF_8));
        PipelineMetric row = PipelineMetric.fromJson(sent.get(0).value());
        assertEquals("job|tm-1|job_malformed_total||5.0|counter", row.source() + "|" + row.instance() + "|" + row.metric()
                + "|" + row.label() + "|" + row.value() + "|" + row.kind());
    }

    @Test
    void kafkaPropertiesUnderItsPrefixReachTheProducerAndCannotOverrideItsOwnSettings() {
        List<Properties> given = new ArrayList<>();
        PipelineMetricsReporter reporter = new PipelineMetricsReporter(props -> {
            given.add(props);
            return producer;
        });
        MetricConfig config = new MetricConfig();
        config.setProperty(PipelineMetricsReporter.BOOTSTRAP_SERVERS, "kafka:9092");
        config.setProperty(PipelineMetricsReporter.INSTANCE, "tm-1");
        config.setProperty("kafka.security.protocol", "SASL_SSL");
        config.setProperty("kafka.sasl.mechanism", "PLAIN");
        config.setProperty("kafka.max.block.ms", "60000");
        reporter.open(config);

        Properties props = given.get(0);
        assertEquals("SASL_SSL", props.getProperty("security.protocol"));
        assertEquals("PLAIN", props.getProperty("sasl.mechanism"));
        assertEquals("kafka:9092", props.getProperty("bootstrap.servers"));
        // A snapshot must never hold a Flink thread: the reporter's own bound wins.
        assertEquals("2000", props.getProperty("max.block.ms"));
        assertFalse(props.containsKey("kafka.security.protocol"));
    }

    @Test
    void withoutKafkaTheReporterSaysWhatToSet() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PipelineMetricsReporter(props -> producer).open(new MetricConfig()));
        assertTrue(e.getMessage().contains("bootstrap-servers"), e.getMessage());
    }

    private PipelineMetricsReporter open() {
        PipelineMetricsReporter reporter = new PipelineMetricsReporter(props -> producer);
        MetricConfig config = new MetricConfig();
        config.setProperty(PipelineMetricsReporter.BOOTSTRAP_SERVERS, "kafka:9092");
        config.setProperty(PipelineMetricsReporter.TOPIC, "metrics-topic");
        config.setProperty(PipelineMetricsReporter.INSTANCE, "tm-1");
        reporter.open(config);
        return reporter;
    }

    private static List<String> rows(List<PipelineMetric> snapshot) {
        return snapshot.stream().map(m -> m.metric() + "|" + m.label() + "|" + m.value() + "|" + m.kind()).toList();
    }

    private static MetricGroup operator(String name) {
        return new UnregisteredMetricsGroup() {
            @Override
            public Map<String, String> getAllVariables() {
                return Map.of("<operator_name>", name);
            }
        };
    }
}
