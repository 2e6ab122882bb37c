package io.paypulse.flink.sink;

import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;

/** A sink counter as the MiniCluster's metric reporter sees it, summed over the writers of all subtasks. */
final class ReportedMetrics {

    private ReportedMetrics() {
    }

    static long counter(InMemoryReporter reporter, JobID job, String name) {
        long sum = 0;
        for (var entry : reporter.getMetricsByIdentifiers(job).entrySet()) {
            Metric metric = entry.getValue();
            if (entry.getKey().endsWith("." + name) && metric instanceof Counter counter) {
                sum += counter.getCount();
            }
        }
        return sum;
    }
}
