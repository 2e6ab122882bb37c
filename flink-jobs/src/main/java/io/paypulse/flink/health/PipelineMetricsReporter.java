package io.paypulse.flink.health;

import io.paypulse.flink.functions.JobMetrics;
import io.paypulse.schemas.PipelineMetric;
import io.paypulse.schemas.Topics;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.Scheduled;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Flink metric reporter that sends the job's pipeline health counters to {@code paypulse.metrics}, where
 * the job itself picks them up into {@code pipeline_metrics}: records read from and lag behind the events
 * topic, malformed and too-late events, and ClickHouse insert retries per table. Each report is one
 * snapshot of the whole process (a TaskManager, or the MiniCluster), summed over subtasks.
 *
 * <p>Counters stay cumulative for the life of the process: when a task goes away (a restart, a
 * cancelled job) its last count is kept and its successor's counts add to it. A gauge is what its live
 * tasks report now. Sending never blocks Flink: records go to a producer buffer and a failed send is
 * logged and dropped, since the next snapshot carries the same cumulative values.
 *
 * <p>Configured like any reporter ({@link PipelineMetricsReporterFactory}); options under
 * {@code metrics.reporter.<name>.}: {@value #BOOTSTRAP_SERVERS} (required), {@value #TOPIC}
 * ({@code paypulse.metrics}), {@value #EVENTS_TOPIC} ({@code stripe.events}), {@value #INSTANCE}
 * ({@code $HOSTNAME-<pid>}, or {@code localhost-<pid>} where HOSTNAME is not set, as the bridge names itself),
 * {@value #KAFKA_PROPERTY_PREFIX}{@code <producer property>} for a secured cluster (TLS, SASL), plus Flink's own
 * {@code interval}.
 */
public final class PipelineMetricsReporter implements MetricReporter, Scheduled {

    public static final String BOOTSTRAP_SERVERS = "bootstrap-servers";
    public static final String TOPIC = "topic";
    public static final String EVENTS_TOPIC = "events-topic";
    public static final String INSTANCE = "instance";
    /**
     * Prefix of Kafka producer properties (TLS, SASL) the reporter passes on, e.g.
     * {@code metrics.reporter.paypulse.kafka.security.protocol: SASL_SSL}.
     */
    public static final String KAFKA_PROPERTY_PREFIX = "kafka.";

    /** The ClickHouse sink's retry counter (io.paypulse.flink.sink.internal.ClickHouseSinkMetrics). */
    static final String SINK_RETRIES = "clickhouseRetries";
    private static final String PENDING_RECORDS = "pendingRecords";
    private static final String RECORDS_IN = "numRecordsIn";
    /** Flink's window operators' count of elements dropped as later than the allowed lateness. */
    private static final String WINDOW_DROPPED = "numLateRecordsDropped";
    private static final String OPERATOR_NAME = "<operator_name>";
    // The job names each sink "ClickHouse <table>"; Flink calls its writer "ClickHouse <table>: Writer".
    private static final Pattern SINK_TABLE = Pattern.compile("ClickHouse ([A-Za-z0-9_]+).*");
    // Flink cuts operator names in metric scopes to this length.
    private static final int OPERATOR_NAME_LIMIT = 80;
    private static final Logger LOG = LoggerFactory.getLogger(PipelineMetricsReporter.class);

    /** Which row of the snapshot a Flink metric feeds. */
    record Series(String metric, String label, String kind) implements Comparable<Series> {
        @Override
        public int compareTo(Series other) {
            return (metric + "|" + label).compareTo(other.metric + "|" + other.label);
        }
    }

    private final Map<Metric, Series> live = new ConcurrentHashMap<>();
    private final Map<Series, Double> retired = new ConcurrentHashMap<>();
    private final AtomicLong failedSends = new AtomicLong();
    private final Function<Properties, Producer<byte[], byte[]>> producerFactory;
    private Producer<byte[], byte[]> producer;
    private String topic;
    private String eventsSource;
    private String instance;
    private byte[] key;
    private boolean closed;

    public PipelineMetricsReporter() {
        this(props -> new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    PipelineMetricsReporter(Function<Properties, Producer<byte[], byte[]>> producerFactory) {
        this.producerFactory = producerFactory;
    }

    @Override
    public void open(MetricConfig config) {
        String servers = config.getString(BOOTSTRAP_SERVERS, "");
        if (servers.isBlank()) {
            throw new IllegalArgumentException("the paypulse metric reporter needs metrics.reporter.<name>."
                    + BOOTSTRAP_SERVERS + ": set it to the Kafka cluster of paypulse.metrics, e.g. kafka:9092");
        }
        topic = config.getString(TOPIC, Topics.PAYPULSE_METRICS);
        eventsSource = "Kafka " + config.getString(EVENTS_TOPIC, Topics.STRIPE_EVENTS);
        instance = config.getString(INSTANCE, "");
        if (instance.isBlank()) {
            instance = System.getenv().getOrDefault("HOSTNAME", "localhost") + "-" + ProcessHandle.current().pid();
        }
        key = instance.getBytes(StandardCharsets.UTF_8);
        Properties props = new Properties();
        for (String name : config.stringPropertyNames()) {
            if (name.startsWith(KAFKA_PROPERTY_PREFIX)) {
                props.put(name.substring(KAFKA_PROPERTY_PREFIX.length()), config.getProperty(name));
            }
        }
        // Set after the pass-through properties: these are the reporter's own behaviour.
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "paypulse-job-metrics-" + instance);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "50");
        // A snapshot that cannot go out soon is worth nothing: the next one replaces it.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        producer = producerFactory.apply(props);
        LOG.info("event=pipeline_metrics_reporter_started topic={} instance={} events_source=\"{}\"", topic, instance,
                eventsSource);
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        Series series = classify(metric, name, group.getAllVariables().getOrDefault(OPERATOR_NAME, ""));
        if (series != null) {
            live.put(metric, series);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        Series series = live.remove(metric);
        if (series != null && metric instanceof Counter counter) {
            retired.merge(series, (double) counter.getCount(), Double::sum);
        }
    }

    /** The snapshot row a metric feeds, or null for the metrics the dashboard does not use. */
    Series classify(Metric metric, String name, String operatorName) {
        if (metric instanceof Counter) {
            if (name.equals(JobMetrics.EVENTS_TOO_LATE)) {
                return new Series(PipelineMetric.JOB_LATE_EVENTS, "", PipelineMetric.KIND_COUNTER);
            }
            if (name.equals(JobMetrics.EVENTS_MALFORMED)) {
                return new Series(PipelineMetric.JOB_MALFORMED, "", PipelineMetric.KIND_COUNTER);
            }
            if (name.equals(JobMetrics.EVENTS_OTHER_MODE)) {
                return new Series(PipelineMetric.JOB_OTHER_MODE, "", PipelineMetric.KIND_COUNTER);
            }
            if (name.equals(SINK_RETRIES)) {
                Matcher table = SINK_TABLE.matcher(operatorName);
                return new Series(PipelineMetric.JOB_SINK_RETRIES,
                        PipelineMetric.label("table", table.matches() ? table.group(1) : "unknown"), PipelineMetric.KIND_COUNTER);
            }
            if (name.equals(WINDOW_DROPPED)) {
                return new Series(PipelineMetric.JOB_WINDOW_DROPPED, "", PipelineMetric.KIND_COUNTER);
            }
            if (name.equals(RECORDS_IN) && isEventsSource(operatorName)) {
                return new Series(PipelineMetric.JOB_RECORDS_IN, "", PipelineMetric.KIND_COUNTER);
            }
        } else if (metric instanceof Gauge && name.equals(PENDING_RECORDS) && isEventsSource(operatorName)) {
            return new Series(PipelineMetric.JOB_KAFKA_LAG, "", PipelineMetric.KIND_GAUGE);
        }
        return null;
    }

    private boolean isEventsSource(String operatorName) {
        String name = operatorName.startsWith("Source: ") ? operatorName.substring("Source: ".length()) : operatorName;
        return name.equals(eventsSource)
                || (operatorName.length() >= OPERATOR_NAME_LIMIT && eventsSource.startsWith(name));
    }

    /** The rows of a snapshot taken at {@code tsMillis}: every series seen so far, in a stable order. */
    List<PipelineMetric> snapshot(long tsMillis) {
        Map<Series, Double> values = new TreeMap<>(retired);
        for (Map.Entry<Metric, Series> entry : live.entrySet()) {
            Double value = valueOf(entry.getKey());
            if (value != null) {
                values.merge(entry.getValue(), value, Double::sum);
            }
        }
        List<PipelineMetric> rows = new ArrayList<>(values.size());
        for (Map.Entry<Series, Double> entry : values.entrySet()) {
            Series s = entry.getKey();
            rows.add(new PipelineMetric(tsMillis, PipelineMetric.SOURCE_JOB, instance, s.metric(), s.label(),
                    entry.getValue(), s.kind()));
        }
        return rows;
    }

    private static Double valueOf(Metric metric) {
        if (metric instanceof Counter counter) {
            return (double) counter.getCount();
        }
        if (metric instanceof Gauge<?> gauge) {
            Object value = gauge.getValue();
            if (value instanceof Number number && Double.isFinite(number.doubleValue())) {
                return number.doubleValue();
            }
        }
        return null;
    }

    // Flink's reporter thread and the registry's shutdown may call report() and close() at the same time.
    @Override
    public synchronized void report() {
        if (closed) {
            return;
        }
        List<PipelineMetric> rows = snapshot(System.currentTimeMillis());
        for (PipelineMetric row : rows) {
            try {
                producer.send(new ProducerRecord<>(topic, key, row.toJson()), (metadata, error) -> {
                    if (error != null) {
                        logFailure(error);
                    }
                });
            } catch (RuntimeException e) {
                // send() throws when it cannot even queue the record (no metadata within max.block.ms).
                logFailure(e);
                return;
            }
        }
    }

    private void logFailure(Throwable error) {
        long failed = failedSends.incrementAndGet();
        // The first failure and then every hundredth: an outage must not flood the log.
        if (failed == 1 || failed % 100 == 0) {
            LOG.warn("event=pipeline_metrics_not_sent topic={} failed_sends={} error={}", topic, failed,
                    error.getClass().getSimpleName());
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null && !closed) {
            // The last values, as far as the tasks still registered them, then whatever is buffered.
            report();
            closed = true;
            producer.close(Duration.ofSeconds(5));
        }
    }
}
