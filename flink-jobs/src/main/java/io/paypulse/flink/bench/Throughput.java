package io.paypulse.flink.bench;

/**
 * One timed run of a job over the whole benchmark topic.
 *
 * @param job    what ran, e.g. {@code full job}
 * @param events records the job read from the topic
 * @param nanos  from submitting the job to the job being FINISHED
 * @param cpuNanos CPU time this JVM (the MiniCluster) used meanwhile, on all cores; unlike
 *               {@code nanos}, it hardly moves when other processes compete for the cores
 */
public record Throughput(String job, long events, long nanos, long cpuNanos) {

    public double seconds() {
        return nanos / 1e9;
    }

    public double eventsPerSecond() {
        return events / seconds();
    }

    /** CPU microseconds this JVM spent per event. */
    public double cpuMicrosPerEvent() {
        return cpuNanos / 1e3 / events;
    }
}
