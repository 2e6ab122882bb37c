package io.paypulse.flink;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The MiniCluster the job's and the sink's ITs run on: one TaskManager with two slots, whose metrics an
 * {@link InMemoryReporter} keeps for the test to read; and the wait for a bounded job on it to end.
 */
public final class JobCluster {

    private JobCluster() {
    }

    /** The cluster, for a {@code @RegisterExtension} field, reporting to {@code metrics}. */
    public static MiniClusterExtension reportingTo(InMemoryReporter metrics) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .setConfiguration(metrics.addToConfiguration(new Configuration()))
                .build());
    }

    /**
     * Throws if {@code job} has ended while a test waits for {@code what}: with its failure if it failed, else saying
     * it ended first. For the conditions of {@code Eventually.until}, which ends the wait at the first throw.
     */
    static void failIfEnded(JobClient job, String what) throws Exception {
        if (job.getJobExecutionResult().isDone()) {
            job.getJobExecutionResult().get();
            throw new AssertionError("the job ended before " + what);
        }
    }

    /**
     * Waits for {@code job} to end; one still running after {@code deadline} is cancelled and fails the
     * test. With the production restart strategy a job that fails on a record restarts forever, so
     * without a deadline such a test would never end.
     */
    static void awaitEnd(JobClient job, Duration deadline) throws Exception {
        try {
            job.getJobExecutionResult().get(deadline.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            job.cancel();
            throw new AssertionError("the job did not finish within " + deadline, e);
        }
    }
}
