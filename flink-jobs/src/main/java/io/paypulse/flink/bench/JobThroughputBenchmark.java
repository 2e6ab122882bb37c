package io.paypulse.flink.bench;

import com.sun.management.OperatingSystemMXBean;
import io.paypulse.flink.PaymentHealthJob;
import io.paypulse.flink.PaymentHealthRunner;
import io.paypulse.flink.config.AlertingConfig;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.model.StripeEvent;
import io.paypulse.flink.model.StripeEventRow;
import io.paypulse.schemas.ClickHouseConfig;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Measures the payment health job on this machine: the full job (Kafka, {@link PaymentHealthJob#build},
 * ClickHouse sinks), a parse-only job (the same Kafka source and deserializer, and a streaming parse
 * of every body, into a discarding sink) and a read-only job (the source alone), each reading a pre-filled topic from the earliest to the latest offset, one after the other
 * on one in-process MiniCluster. Each is timed from submission to FINISHED, so the full job's figure
 * includes the last inserts into ClickHouse.
 */
public final class JobThroughputBenchmark implements AutoCloseable {

    private static final long PROGRESS_EVERY_MS = 2_000;

    private final Settings settings;
    private final Configuration conf;
    private final MiniCluster cluster;
    private final Consumer<String> progress;
    private final boolean ownsCluster;

    /**
     * @param job                kafka servers, topic, consumer group and every job setting; the topic must be
     *                           otherwise idle, and its records are all read
     * @param clickHouse         a migrated database of its own, which the full job fills
     * @param parallelism        of every operator, and slots of the MiniCluster
     * @param checkpointInterval as in production when set; {@code null} runs without checkpoints
     * @param checkpointDir      where checkpoints go when {@code checkpointInterval} is set
     * @param timeout            a job still running after this long is cancelled and the run fails
     */
    public record Settings(JobConfig job, ClickHouseConfig clickHouse, int parallelism, Duration checkpointInterval,
                           Path checkpointDir, Duration timeout) {

        public Settings {
            Objects.requireNonNull(job, "job");
            Objects.requireNonNull(clickHouse, "clickHouse");
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
            }
            if (checkpointInterval != null && (checkpointInterval.isNegative() || checkpointInterval.isZero())) {
                throw new IllegalArgumentException("checkpointInterval must be positive, or null for no checkpoints");
            }
            if (checkpointInterval != null && checkpointDir == null) {
                throw new IllegalArgumentException("checkpointInterval is set, so checkpointDir must name a directory");
            }
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    private JobThroughputBenchmark(Settings settings, Configuration conf, MiniCluster cluster,
                                   Consumer<String> progress, boolean ownsCluster) {
        this.settings = settings;
        this.conf = conf;
        this.cluster = cluster;
        this.progress = progress;
        this.ownsCluster = ownsCluster;
    }

    /** Starts the MiniCluster; {@code progress} receives a line every few seconds while a job runs. */
    public static JobThroughputBenchmark start(Settings settings, Consumer<String> progress) throws Exception {
        Configuration conf = flinkConfiguration(settings);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(settings.parallelism())
                .build());
        cluster.start();
        return new JobThroughputBenchmark(settings, conf, cluster, progress, true);
    }

    /**
     * The same jobs on the same MiniCluster (so in the same JVM, with the code the JIT has compiled so far),
     * over another topic and database: runs over a warm-up topic first make the measured runs show the job at
     * steady state rather than the JIT compiling it. Closing the result leaves the cluster running.
     */
    public JobThroughputBenchmark over(JobConfig job, ClickHouseConfig clickHouse) {
        Settings other = new Settings(job, clickHouse, settings.parallelism(), settings.checkpointInterval(),
                settings.checkpointDir(), settings.timeout());
        return new JobThroughputBenchmark(other, conf, cluster, progress, false);
    }

    /**
     * Production's Flink settings, except: checkpoints only when asked for (a bounded run flushes every
     * sink at the end of its input anyway), and no restarts, so a failure ends the run instead of
     * looking like a slow one.
     */
    static Configuration flinkConfiguration(Settings settings) {
        Configuration conf = PaymentHealthRunner.flinkConfiguration(settings.job());
        if (settings.checkpointInterval() == null) {
            conf.removeConfig(CheckpointingOptions.CHECKPOINTING_INTERVAL);
        } else {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, settings.checkpointInterval());
            conf.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, settings.checkpointInterval().dividedBy(2));
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, settings.checkpointDir().toUri().toString());
        }
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        // Any free port: a `paypulse run` on this machine already has 8081.
        conf.set(RestOptions.BIND_PORT, "0");
        return conf;
    }

    /**
     * Runs production's job definition ({@link PaymentHealthRunner#define}) over the topic; the caller
     * then checks what landed with {@link LandedRows}.
     */
    public Throughput fullJob(long expectedEvents) throws Exception {
        StreamExecutionEnvironment env = environment();
        PaymentHealthRunner.define(env, settings.job(), benchAlerting(System.getenv()), settings.clickHouse(),
                boundedSource());
        return run("full job", env, expectedEvents);
    }

    /**
     * The alerting settings of {@code env} without its {@code PAGERDUTY_*} variables: the bench's synthetic traffic
     * makes the detectors fire, and a bench run on a machine set up for production must not page anyone. Alerts
     * are still computed, recorded and logged, so the bench measures the whole job.
     */
    static AlertingConfig benchAlerting(Map<String, String> env) {
        Map<String, String> withoutPaging = new HashMap<>(env);
        withoutPaging.keySet().removeIf(name -> name.startsWith("PAGERDUTY_"));
        return AlertingConfig.fromEnv(withoutPaging);
    }

    /**
     * The parse-only job: the job's source (deserializer, event time and watermarks included) and a
     * parse of every body, each token read with Jackson's streaming parser as the job's reader does,
     * into a sink that drops everything. This is the least any job that uses the events' contents
     * must do.
     */
    public Throughput parseOnly(long expectedEvents) throws Exception {
        StreamExecutionEnvironment env = environment();
        PaymentHealthJob.kafkaEvents(env, boundedSource(), settings.job())
                .map(new BodyTokens(), Types.INT).uid("parse-bodies").name("Parse bodies")
                .sinkTo(new DiscardingSink<>()).uid("discard").name("Discard");
        return run("parse-only job", env, expectedEvents);
    }

    /**
     * The store-only job: the parse-only job's parse of every body, and every delivery stored as it came
     * into {@code database}'s {@code stripe_events} through the job's own ClickHouse sink (the same batches,
     * the same RowBinary insert). No deduplication, redaction, attempts, windows or detection: the least a
     * job that keeps one row per event in {@code stripe_events} must do, so its events/s bound the full
     * job's from above on the same machine.
     */
    public Throughput storeOnly(ClickHouseConfig database, long expectedEvents) throws Exception {
        StreamExecutionEnvironment env = environment();
        PaymentHealthJob.sinkRawEvents(PaymentHealthJob.kafkaEvents(env, boundedSource(), settings.job())
                .map(new StoredAsReceived(), Types.POJO(StripeEventRow.class)).uid("store-as-received")
                .name("Parse bodies, rows as received"), database, settings.job());
        return run("store-only job", env, expectedEvents);
    }

    /**
     * The read-only job: the job's source alone (envelope headers into events, event time and
     * watermarks), into a sink that drops everything. Bodies are not parsed.
     */
    public Throughput readOnly(long expectedEvents) throws Exception {
        StreamExecutionEnvironment env = environment();
        PaymentHealthJob.kafkaEvents(env, boundedSource(), settings.job())
                .sinkTo(new DiscardingSink<>()).uid("discard").name("Discard");
        return run("read-only job", env, expectedEvents);
    }

    @Override
    public void close() throws Exception {
        if (ownsCluster) {
            cluster.close();
        }
    }

    private StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        env.setParallelism(settings.parallelism());
        return env;
    }

    /** Production's source, up to the offsets the topic has when the job starts, counting what it reads. */
    private KafkaSource<StripeEvent> boundedSource() {
        return PaymentHealthJob.kafkaSourceBuilder(settings.job())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(new ReadCounter())
                .build();
    }

    private Throughput run(String name, StreamExecutionEnvironment env, long expectedEvents) throws Exception {
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("paypulse bench: " + name);
        JobGraph jobGraph = graph.getJobGraph();
        ReadCounter.reset();
        long cpuBefore = processCpuNanos();
        long started = System.nanoTime();
        JobID id = cluster.submitJob(jobGraph).get().getJobID();
        CompletableFuture<JobResult> result = cluster.requestJobResult(id);
        // Taken when the result arrives, not when this thread next looks.
        CompletableFuture<Long> finishedAt = result.thenApply(r -> System.nanoTime());
        long deadline = started + settings.timeout().toNanos();
        long lastRead = 0;
        long lastAt = started;
        while (true) {
            try {
                finishedAt.get(PROGRESS_EVERY_MS, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException stillRunning) {
                long now = System.nanoTime();
                long read = ReadCounter.read();
                progress.accept(String.format("%s: %,d of %,d events read, %,.0f/s now, %.0f s", name, read,
                        expectedEvents, (read - lastRead) / ((now - lastAt) / 1e9), (now - started) / 1e9));
                lastRead = read;
                lastAt = now;
                if (now > deadline) {
                    cluster.cancelJob(id).get();
                    throw new IllegalStateException(name + " did not finish within " + settings.timeout()
                            + ": it read " + read + " of " + expectedEvents + " events; cancelled");
                }
            }
        }
        JobResult done = result.get();
        if (!done.isSuccess()) {
            Throwable cause = done.getSerializedThrowable()
                    .map(t -> t.deserializeError(getClass().getClassLoader()))
                    .orElse(null);
            throw new IllegalStateException(name + " failed: " + rootMessage(cause), cause);
        }
        return new Throughput(name, ReadCounter.read(), finishedAt.get() - started, processCpuNanos() - cpuBefore);
    }

    private static long processCpuNanos() {
        return ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class).getProcessCpuTime();
    }

    private static String rootMessage(Throwable t) {
        if (t == null) {
            return "no cause reported";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
