package io.paypulse.flink.health;

import io.paypulse.schemas.PipelineMetric;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@code paypulse.metrics} record into a {@link PipelineMetric}. A record that is not one is
 * counted in {@value #METRICS_MALFORMED} and skipped: a monitoring sample is not worth stopping the job.
 */
public class PipelineMetricDeserializer implements KafkaRecordDeserializationSchema<PipelineMetric> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PipelineMetricDeserializer.class);

    /** Records of the metrics topic that are not a {@link PipelineMetric}. */
    public static final String METRICS_MALFORMED = "paypulse_metrics_malformed";

    private transient Counter malformed;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        malformed = context.getMetricGroup().counter(METRICS_MALFORMED);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<PipelineMetric> out) {
        PipelineMetric metric;
        try {
            metric = PipelineMetric.fromJson(record.value());
        } catch (IllegalArgumentException e) {
            if (malformed != null) {
                malformed.inc();
            }
            LOG.warn("event=metric_record_skipped topic={} partition={} offset={} reason=\"{}\"", record.topic(),
                    record.partition(), record.offset(), e.getMessage().replace('"', '\''));
            return;
        }
        out.collect(metric);
    }

    @Override
    public TypeInformation<PipelineMetric> getProducedType() {
        return Types.POJO(PipelineMetric.class);
    }
}
