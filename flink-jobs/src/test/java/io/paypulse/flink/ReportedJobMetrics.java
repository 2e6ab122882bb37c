package io.paypulse.flink;

import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;

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

    /** How often the JobManager restarted {@code job} ({@code numRestarts}). */
    static long restarts(InMemoryReporter reporter, JobID job) {
        Object value = reporter.findMetric(job, "numRestarts")
                .map(metric -> ((Gauge<?>) metric).getValue())
                .orElseThrow(() -> new AssertionError("no numRestarts metric for job " + job));
        return ((Number) value).longValue();
    }
}
