package io.paypulse.flink;

import io.paypulse.infra.Eventually;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A finished job's metrics as a MiniCluster's {@link InMemoryReporter} (with retained metrics) kept them. */
final class ReportedJobMetrics {

    private ReportedJobMetrics() {
    }

    /** The counter {@code name} summed over every operator and subtask of {@code job} that registered it. */
    static long counter(InMemoryReporter reporter, JobID job, String name) {
        long sum = 0;
        for (var group : reporter.getMetricsByGroup().entrySet()) {
            if (!job.toString().equals(group.getKey().getAllVariables().get("<job_id>"))) {
                continue;
            }
            if (group.getValue().get(name) instanceof Counter counter) {
                sum += counter.getCount();
            }
        }
        return sum;
    }

    /** Records the Kafka sources of {@code job} have read so far, over all subtasks ({@code numRecordsIn}). */
    private static long kafkaRecordsRead(InMemoryReporter reporter, JobID job) {
        Map<String, Long> bySubtask = new HashMap<>();
        for (var group : reporter.getMetricsByGroup().entrySet()) {
            Map<String, String> variables = group.getKey().getAllVariables();
            if (job.toString().equals(variables.get("<job_id>"))
                    && String.valueOf(variables.get("<operator_name>")).startsWith("Source: Kafka")
                    && group.getValue().get("numRecordsIn") instanceof Counter counter) {
                // The same counter may be reachable through more than one group of the subtask.
                bySubtask.merge(variables.get("<operator_name>") + "#" + variables.get("<subtask_index>"),
                        counter.getCount(), Math::max);
            }
        }
        return bySubtask.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Waits until the Kafka sources of {@code job} have read {@code records} records. A job that ends meanwhile ends
     * the wait with its failure.
     */
    static void awaitKafkaRecordsRead(InMemoryReporter reporter, JobClient job, long records, Duration deadline)
            throws Exception {
        Eventually.until("the job has read " + records + " records from Kafka", deadline, () -> {
            JobCluster.failIfEnded(job, "it had read " + records + " records from Kafka");
            return kafkaRecordsRead(reporter, job.getJobID()) >= records;
        });
    }

    /** Checkpoints of {@code job} completed so far ({@code numberOfCompletedCheckpoints}); 0 before the first report. */
    static long completedCheckpoints(InMemoryReporter reporter, JobID job) {
        return reporter.findMetric(job, "numberOfCompletedCheckpoints")
                .map(metric -> ((Number) ((Gauge<?>) metric).getValue()).longValue())
                .orElse(0L);
    }

    /** How often the JobManager restarted {@code job} ({@code numRestarts}). */
    static long restarts(InMemoryReporter reporter, JobID job) {
        Object value = reporter.findMetric(job, "numRestarts")
                .map(metric -> ((Gauge<?>) metric).getValue())
                .orElseThrow(() -> new AssertionError("no numRestarts metric for job " + job));
        return ((Number) value).longValue();
    }
}
