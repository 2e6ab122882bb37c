package io.paypulse.flink.health;

import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.model.DlqEventRow;
import io.paypulse.schemas.PipelineMetric;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.time.Instant;
import java.util.List;

/**
 * The pipeline health part of the job: the bridge's dead-letter topic into {@code dlq_events}, and the
 * counter snapshots on {@code paypulse.metrics} (the bridge's, and the job's own from
 * {@link io.paypulse.flink.health.PipelineMetricsReporter}) into {@code pipeline_metrics}. Both are
 * copies without state beyond the Kafka offsets; the rows' keys make replays harmless.
 *
 * @param dlqEvents       {@code dlq_events}: one row per DLQ record
 * @param pipelineMetrics {@code pipeline_metrics}: one row per snapshot, metric and label
 */
public record PipelineHealth(DataStream<DlqEventRow> dlqEvents, DataStream<PipelineMetric> pipelineMetrics) {

    /** The ClickHouse table of {@link #pipelineMetrics}. */
    public static final String METRICS_TABLE = "pipeline_metrics";

    /** Column names of {@code pipeline_metrics}, in the order of {@link #metricColumnValues}. */
    public static final List<String> METRICS_COLUMNS =
            List.of("ts", "source", "instance", "metric", "label", "value", "kind");

    /** Reads both topics of {@code config} from Kafka. */
    public static PipelineHealth fromKafka(StreamExecutionEnvironment env, JobConfig config) {
        return from(env, config, dlqSource(config), metricsSource(config));
    }

    /** Reads the given sources: tests pass bounded variants of {@link #sourceBuilder}. */
    public static PipelineHealth from(StreamExecutionEnvironment env, JobConfig config, KafkaSource<DlqEventRow> dlq,
                                      KafkaSource<PipelineMetric> metrics) {
        DataStream<DlqEventRow> dlqEvents = env.fromSource(dlq, WatermarkStrategy.noWatermarks(), "Kafka " + config.dlqTopic())
                .uid("kafka-dlq-events");
        DataStream<PipelineMetric> pipelineMetrics = env
                .fromSource(metrics, WatermarkStrategy.noWatermarks(), "Kafka " + config.metricsTopic())
                .uid("kafka-pipeline-metrics");
        return new PipelineHealth(dlqEvents, pipelineMetrics);
    }

    /** The dead-letter topic, from the job group's committed offsets, or the earliest record for a new group. */
    public static KafkaSource<DlqEventRow> dlqSource(JobConfig config) {
        return sourceBuilder(config, config.dlqTopic(), new DlqRecordDeserializer()).build();
    }

    /** The metrics topic, from the job group's committed offsets, or the earliest record for a new group. */
    public static KafkaSource<PipelineMetric> metricsSource(JobConfig config) {
        return sourceBuilder(config, config.metricsTopic(), new PipelineMetricDeserializer()).build();
    }

    /**
     * A source of {@code topic} in the job's consumer group: offsets are committed per topic and partition,
     * so the three sources of the job share the group without stepping on each other. Every source of the
     * job is built here, with the Kafka client properties of {@code KAFKA_CLIENT_CONFIG} (TLS, SASL).
     */
    @SuppressWarnings("deprecation") // the connector's committedOffsets still takes Kafka's deprecated enum
    public static <T> KafkaSourceBuilder<T> sourceBuilder(JobConfig config, String topic,
                                                          KafkaRecordDeserializationSchema<T> deserializer) {
        // The file's properties first, so the settings below, which the job relies on, win.
        return KafkaSource.<T>builder()
                .setProperties(config.kafkaClientPropertiesCopy())
                .setBootstrapServers(config.kafkaBootstrapServers())
                .setTopics(topic)
                .setGroupId(config.consumerGroupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(deserializer);
    }

    /** Values for {@link #METRICS_COLUMNS}. */
    public static Object[] metricColumnValues(PipelineMetric m) {
        return new Object[] {Instant.ofEpochMilli(m.tsMillis()), m.source(), m.instance(), m.metric(), m.label(), m.value(),
                m.kind()};
    }
}
