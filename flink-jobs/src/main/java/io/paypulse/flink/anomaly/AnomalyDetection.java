package io.paypulse.flink.anomaly;

import io.paypulse.detect.DetectorConfig;
import io.paypulse.flink.JobOutputs;
import io.paypulse.flink.config.AlertingConfig;
import io.paypulse.flink.model.StripeEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The anomaly detection part of the payment health job: series from the metric windows, one detector
 * per series, the endpoint watch, incidents, and PagerDuty.
 *
 * <pre>
 *   decline rates ─┐                                   ┌─▶ anomalies (ClickHouse)
 *   latency ───────┼─▶ series ─▶ detector per series ─┤
 *   settlement ────┘                                   ├─▶ incidents per family ─▶ PagerDuty ─▶ alerts (ClickHouse)
 *   received events ─▶ arrivals per second ─▶ endpoint watch (processing time) ─┘
 * </pre>
 */
public final class AnomalyDetection {

    private AnomalyDetection() {
    }

    /**
     * @param anomalies rows of {@code anomalies}
     * @param alerts    rows of {@code alerts}: every PagerDuty request and its answer
     */
    public record Outputs(DataStream<AnomalyRow> anomalies, DataStream<AlertRecord> alerts) {
    }

    /**
     * Wires detection onto the job's metric windows, and the endpoint watch onto {@code received}: every
     * event that reached the job, duplicates included (an outage is about webhooks arriving at all).
     */
    public static Outputs build(JobOutputs metrics, DataStream<StripeEvent> received, AlertingConfig config) {
        DetectorConfig detectors = config.detectorConfig();

        DataStream<SeriesPoint> points = metrics.declineRates()
                .flatMap((w, out) -> SeriesPoints.of(w).forEach(out::collect), Types.POJO(SeriesPoint.class))
                .uid("series-decline-rates").name("Series: decline rates")
                .union(metrics.webhookLatency()
                                .flatMap((w, out) -> SeriesPoints.of(w).forEach(out::collect), Types.POJO(SeriesPoint.class))
                                .uid("series-webhook-latency").name("Series: webhook latency and volume"),
                        metrics.settlementTimes()
                                .flatMap((w, out) -> SeriesPoints.of(w).forEach(out::collect), Types.POJO(SeriesPoint.class))
                                .uid("series-settlement").name("Series: settlement"));

        DataStream<SeriesVerdict> verdicts = points
                .keyBy(SeriesPoint::seriesId, Types.STRING)
                .process(new SeriesDetectorFunction(detectors), Types.POJO(SeriesVerdict.class))
                .uid("detectors").name("Detector per series");

        DataStream<SeriesVerdict> endpoint = received
                .flatMap(new ArrivalCounter<StripeEvent>(), Types.LONG)
                .uid("arrival-counter").name("Count arrivals")
                .keyBy(n -> EndpointWatch.KEY, Types.STRING)
                .process(new EndpointWatch(detectors, config.endpointBucket().toMillis()), Types.POJO(SeriesVerdict.class))
                .uid("endpoint-watch").name("Endpoint watch (processing time)");

        SingleOutputStreamOperator<AnomalyRow> anomalies = verdicts.union(endpoint)
                .keyBy(v -> v.point().family(), Types.STRING)
                .process(new IncidentTrackerFunction(config.resolveAfterWindows(), config.cooldown().toSeconds(),
                        config.endpointBucket().toSeconds(), config.resolveHold().toSeconds()), Types.POJO(AnomalyRow.class))
                .uid("incidents").name("Incidents per family");

        DataStream<AlertRecord> alerts = anomalies.getSideOutput(IncidentTrackerFunction.ALERTS)
                .keyBy(a -> PagerDutyDelivery.KEY, Types.STRING)
                .process(new PagerDutyDelivery(config.pagerDutyEnv(), config.dashboardUrl(), true), Types.POJO(AlertRecord.class))
                .setParallelism(1)
                .uid("pagerduty").name("PagerDuty Events API v2");
        return new Outputs(anomalies, alerts);
    }
}
