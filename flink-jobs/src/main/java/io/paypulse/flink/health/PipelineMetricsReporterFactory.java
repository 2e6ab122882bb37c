package io.paypulse.flink.health;

import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Properties;

/**
 * Creates the {@link PipelineMetricsReporter}: set
 * {@code metrics.reporter.paypulse.factory.class: io.paypulse.flink.health.PipelineMetricsReporterFactory}.
 */
public final class PipelineMetricsReporterFactory implements MetricReporterFactory {

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new PipelineMetricsReporter();
    }
}
