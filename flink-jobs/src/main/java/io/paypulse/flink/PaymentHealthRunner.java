package io.paypulse.flink;

import io.paypulse.flink.anomaly.AnomalyDetection;
import io.paypulse.flink.config.AlertingConfig;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.health.PipelineHealth;
import io.paypulse.flink.health.PipelineMetricsReporter;
import io.paypulse.flink.health.PipelineMetricsReporterFactory;
import io.paypulse.flink.model.StripeEvent;
import io.paypulse.schemas.ClickHouseConfig;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpec;
import io.paypulse.schemas.TopicSpecs;
import io.paypulse.schemas.Topics;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the payment health job the way production does: exactly-once checkpoints, a restart strategy,
 * Kafka in, ClickHouse out. The same definition serves a Flink cluster ({@link PaymentHealthJob#main})
 * and the local MiniCluster of {@code paypulse run} and {@code paypulse job}.
 */
public final class PaymentHealthRunner {

    public static final String JOB_NAME = "paypulse payment health";
    /** Name of the job's metric reporter in the Flink configuration: {@code metrics.reporter.paypulse.*}. */
    public static final String REPORTER_NAME = "paypulse";
    private static final Logger LOG = LoggerFactory.getLogger(PaymentHealthRunner.class);
    /** How Flink names a job's checkpoint folder: its job id, 32 hex digits. */
    private static final Pattern FLINK_JOB_ID = Pattern.compile("[0-9a-f]{32}");

    private PaymentHealthRunner() {
    }

    /**
     * Checkpointing and restart settings. A ClickHouse outage blocks the sinks, and so checkpoints, for as
     * long as it lasts: a few failed checkpoints are tolerated before the job restarts (from the last
     * completed checkpoint), and restarts back off exponentially instead of giving up.
     */
    public static Configuration flinkConfiguration(JobConfig job) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, job.checkpointInterval());
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, job.checkpointInterval().dividedBy(2));
        conf.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, Duration.ofMinutes(10));
        conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofMinutes(1));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, Integer.MAX_VALUE);
        // Chained operators hand records on without a deep copy. Safe here because every record type
        // that flows between operators is an immutable Java record and no function mutates its input;
        // the copies took ~5% of the job's CPU (docs/benchmarks.md).
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        if (job.reportsOwnMetrics()) {
            reporterOptions(job).forEach(conf::setString);
        }
        return conf;
    }

    /**
     * The {@link PipelineMetricsReporter}'s options, {@code metrics.reporter.paypulse.*}: the job's own counters
     * to the metrics topic every {@link JobConfig#metricsInterval}. A MiniCluster takes them from
     * {@link #flinkConfiguration}; a Flink cluster reads reporters from its own configuration only (README,
     * "On a Flink cluster").
     */
    public static Map<String, String> reporterOptions(JobConfig job) {
        String prefix = "metrics.reporter." + REPORTER_NAME + ".";
        Map<String, String> options = new LinkedHashMap<>();
        options.put(prefix + "factory.class", PipelineMetricsReporterFactory.class.getName());
        options.put(prefix + "interval", job.metricsInterval().toMillis() + " ms");
        options.put(prefix + PipelineMetricsReporter.BOOTSTRAP_SERVERS, job.kafkaBootstrapServers());
        options.put(prefix + PipelineMetricsReporter.TOPIC, job.metricsTopic());
        options.put(prefix + PipelineMetricsReporter.EVENTS_TOPIC, job.topic());
        job.kafkaClientProperties().forEach((name, value) ->
                options.put(prefix + PipelineMetricsReporter.KAFKA_PROPERTY_PREFIX + name, value));
        return options;
    }

    /**
     * Adds sources, topology and sinks to {@code env}: the payment health job on the events topic, and the
     * pipeline health copies of the dead-letter and metrics topics ({@link PipelineHealth}).
     */
    public static JobOutputs define(StreamExecutionEnvironment env, JobConfig job, AlertingConfig alerting,
                                    ClickHouseConfig clickHouse) {
        JobOutputs outputs = define(env, job, alerting, clickHouse, PaymentHealthJob.kafkaSource(job));
        PaymentHealthJob.sinkToClickHouse(PipelineHealth.fromKafka(env, job), clickHouse, job);
        return outputs;
    }

    /**
     * As {@link #define(StreamExecutionEnvironment, JobConfig, AlertingConfig, ClickHouseConfig)}, with the alerting
     * settings of the process's environment, reading {@code source}:
     * tests pass a bounded variant of {@link PaymentHealthJob#kafkaSourceBuilder}.
     */
    public static JobOutputs define(StreamExecutionEnvironment env, JobConfig job, ClickHouseConfig clickHouse,
                                    KafkaSource<StripeEvent> source) {
        return define(env, job, AlertingConfig.fromEnv(System.getenv()), clickHouse, source);
    }

    /**
     * The whole job: metrics, anomaly detection and paging, every output into its ClickHouse table,
     * reading {@code source}.
     */
    public static JobOutputs define(StreamExecutionEnvironment env, JobConfig job, AlertingConfig alerting,
                                    ClickHouseConfig clickHouse, KafkaSource<StripeEvent> source) {
        DataStream<StripeEvent> events = PaymentHealthJob.kafkaEvents(env, source, job);
        JobOutputs outputs = PaymentHealthJob.buildOnEventTime(events, job);
        PaymentHealthJob.sinkToClickHouse(outputs, clickHouse, job);
        PaymentHealthJob.sinkToClickHouse(AnomalyDetection.build(outputs, events, alerting), clickHouse, job);
        LOG.info("event=job_defined alerting=\"{}\"", alerting);
        return outputs;
    }

    /**
     * Starts the job on an in-process MiniCluster with the Flink web UI on {@code webUiPort} (0 = none),
     * keeping checkpoints under {@code checkpointDir}, and returns once it is submitted. It resumes from
     * the newest checkpoint there: Kafka offsets alone would lose the windows that were still open.
     */
    public static JobClient startLocal(JobConfig job, ClickHouseConfig clickHouse, int webUiPort, Path checkpointDir)
            throws Exception {
        return startLocal(job, AlertingConfig.fromEnv(System.getenv()), clickHouse, webUiPort, checkpointDir);
    }

    /** As {@link #startLocal(JobConfig, ClickHouseConfig, int, Path)}, with the given alerting settings. */
    public static JobClient startLocal(JobConfig job, AlertingConfig alerting, ClickHouseConfig clickHouse, int webUiPort,
                                       Path checkpointDir) throws Exception {
        Configuration conf = flinkConfiguration(job);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        Optional<Path> latest = latestCheckpoint(checkpointDir);
        if (latest.isPresent()) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, latest.get().toUri().toString());
            LOG.info("event=job_resuming checkpoint={}", latest.get());
            List<Path> removed = pruneOlderJobs(checkpointDir, latest.get());
            if (!removed.isEmpty()) {
                LOG.info("event=old_checkpoints_removed jobs={} kept={}", removed.size(), latest.get().getParent());
            }
        }
        StreamExecutionEnvironment env;
        if (webUiPort > 0) {
            conf.set(RestOptions.PORT, webUiPort);
            conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        } else {
            env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        }
        env.setParallelism(Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())));
        checkKafka(job);
        define(env, job, alerting, clickHouse);
        return env.executeAsync(JOB_NAME);
    }

    /**
     * Before the job starts, locally or submitted to a cluster: Kafka answers, the events topic exists, and the
     * dead-letter and metrics topics are created if Kafka has not got them yet (the bridge creates them too; the
     * job should not depend on whether a bridge ever ran). Started without them, the job would restart forever, logging
     * a stack trace every few seconds; this says what is wrong once. The events topic is not created here:
     * a mistyped {@code PAYPULSE_EVENTS_TOPIC} would then read an empty topic without a word.
     */
    static void checkKafka(JobConfig job) {
        checkKafka(job, TopicProvisioner.DEFAULT_TIMEOUT);
    }

    /** As {@link #checkKafka(JobConfig)}, giving up on an unreachable Kafka after {@code timeout}. */
    static void checkKafka(JobConfig job, Duration timeout) {
        TopicSpecs specs = TopicSpecs.load();
        List<TopicSpec> wanted = List.of(renamed(specs.get(Topics.STRIPE_EVENTS_DLQ), job.dlqTopic()),
                renamed(specs.get(Topics.PAYPULSE_METRICS), job.metricsTopic()));
        Properties client = job.kafkaClientPropertiesCopy();
        TopicProvisioner.withCluster(job.kafkaBootstrapServers(), client.isEmpty() ? null : client,
                timeout, kafka -> {
                    kafka.provision(wanted);
                    kafka.requireExisting(job.topic(), "start `./paypulse bridge` once (it creates the topics), or set "
                            + JobConfig.ENV_TOPIC + " to the topic the bridge writes");
                    return null;
                });
    }

    private static TopicSpec renamed(TopicSpec spec, String name) {
        return new TopicSpec(name, spec.description(), spec.partitions(), spec.replicationFactor(), spec.config());
    }

    /** The newest completed checkpoint ({@code <job id>/chk-<n>} with its {@code _metadata}) under {@code dir}. */
    static Optional<Path> latestCheckpoint(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.find(dir, 3, (path, attrs) -> attrs.isRegularFile()
                && path.getFileName().toString().equals("_metadata")
                && path.getParent().getFileName().toString().startsWith("chk-"))) {
            return files.max(Comparator.comparing(PaymentHealthRunner::modified)).map(Path::getParent);
        }
    }

    /**
     * Deletes the checkpoint folders of earlier runs ({@code <job id>/} under {@code dir}) last written before the
     * job that holds {@code resumeFrom}: each run retains its last checkpoint when it stops, and a local stack that
     * is restarted now and then would otherwise keep a full copy of the state per run. The folder resumed from is
     * kept, as is anything newer and anything not named like a Flink job id. Returns the folders removed; one
     * that cannot be deleted is logged and left.
     */
    static List<Path> pruneOlderJobs(Path dir, Path resumeFrom) throws IOException {
        Path keep = resumeFrom.getParent();
        FileTime kept = newestWrite(keep);
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> jobs = Files.list(dir)) {
            for (Path job : jobs.filter(Files::isDirectory).toList()) {
                if (job.equals(keep) || !FLINK_JOB_ID.matcher(job.getFileName().toString()).matches()
                        || newestWrite(job).compareTo(kept) >= 0) {
                    continue;
                }
                try {
                    deleteTree(job);
                    removed.add(job);
                } catch (IOException e) {
                    LOG.warn("event=old_checkpoint_not_removed dir={} error=\"{}\"", job, e.toString());
                }
            }
        }
        return removed;
    }

    private static FileTime newestWrite(Path tree) throws IOException {
        try (Stream<Path> files = Files.walk(tree)) {
            return files.map(PaymentHealthRunner::modified).max(Comparator.naturalOrder()).orElse(FileTime.fromMillis(0));
        }
    }

    private static void deleteTree(Path tree) throws IOException {
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static FileTime modified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
