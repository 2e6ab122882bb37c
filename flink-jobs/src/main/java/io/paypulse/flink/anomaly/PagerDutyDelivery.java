package io.paypulse.flink.anomaly;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paypulse.alert.AlertEvent;
import io.paypulse.alert.DeliveryAttempt;
import io.paypulse.alert.DeliveryResult;
import io.paypulse.alert.EventAction;
import io.paypulse.alert.PagerDutyClient;
import io.paypulse.alert.PagerDutyConfig;
import io.paypulse.alert.Severity;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends each alert to PagerDuty (Events API v2) and emits one {@code alerts} row per request with
 * PagerDuty's answer, or one row when nothing was sent (no routing key, or suppressed).
 *
 * <p>The send blocks this operator while {@link PagerDutyClient} retries (429, 5xx, network errors,
 * with backoff and within PagerDuty's rate limit): alerts are few, and holding the alert path back is
 * the backpressure. Delivery is at least once: after a restart, alerts emitted since the last
 * checkpoint are sent again with the same dedup key, which PagerDuty folds into the same incident.
 * Resolved incidents are not paged again, since the tracker's state says they are resolved.
 */
public final class PagerDutyDelivery extends ProcessFunction<AlertRequest, AlertRecord> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PagerDutyDelivery.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SOURCE = "paypulse";

    /** The PagerDuty variables only: no other part of the environment is shipped with the job graph. */
    private final Map<String, String> pagerDutyEnv;
    private final String grafanaUrl;

    private transient PagerDutyClient client;
    private transient Counter delivered;
    private transient Counter undelivered;

    public PagerDutyDelivery(Map<String, String> pagerDutyEnv, String grafanaUrl) {
        this.pagerDutyEnv = new LinkedHashMap<>(pagerDutyEnv);
        this.grafanaUrl = grafanaUrl == null || grafanaUrl.isBlank() ? null : grafanaUrl.strip();
    }

    @Override
    public void open(OpenContext openContext) {
        PagerDutyConfig config = PagerDutyConfig.fromEnv(pagerDutyEnv);
        client = new PagerDutyClient(config);
        delivered = getRuntimeContext().getMetricGroup().counter(AnomalyMetrics.ALERTS_DELIVERED);
        undelivered = getRuntimeContext().getMetricGroup().counter(AnomalyMetrics.ALERTS_UNDELIVERED);
        LOG.info("event=pagerduty_ready config={}", config);
    }

    @Override
    public void processElement(AlertRequest alert, Context ctx, Collector<AlertRecord> out) throws Exception {
        if (AlertRequest.SUPPRESSED.equals(alert.action())) {
            LOG.info("event=alert_suppressed dedup_key={} summary=\"{}\"", alert.dedupKey(), alert.summary());
            out.collect(record(alert, 0, System.currentTimeMillis(), AlertRequest.SUPPRESSED, 0, "", ""));
            return;
        }
        DeliveryResult result = client.send(event(alert));
        if (result.attempts().isEmpty()) {
            // the client has logged it (no routing key); it is recorded here
            out.collect(record(alert, 0, System.currentTimeMillis(), result.status(), 0, "", ""));
            return;
        }
        if (result.delivered()) {
            delivered.inc();
        } else {
            undelivered.inc();
            LOG.error("event=alert_undelivered status={} action={} dedup_key={} attempts={}", result.status(),
                    alert.action(), alert.dedupKey(), result.attempts().size());
        }
        for (DeliveryAttempt a : result.attempts()) {
            out.collect(record(alert, a.attempt(), a.sentAt().toEpochMilli(), result.status(), a.httpStatus(),
                    a.responseBody() == null ? "" : a.responseBody(), a.error() == null ? "" : a.error()));
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }

    AlertEvent event(AlertRequest alert) throws Exception {
        Instant at = Instant.ofEpochMilli(alert.timestampMillis());
        if (AlertRequest.RESOLVE.equals(alert.action())) {
            return AlertEvent.resolve(alert.dedupKey(), at);
        }
        Map<String, Object> details = JSON.readValue(alert.customDetailsJson(), new TypeReference<LinkedHashMap<String, Object>>() { });
        return new AlertEvent(EventAction.TRIGGER, alert.dedupKey(), alert.summary(), SOURCE,
                Severity.valueOf(alert.severity().toUpperCase(Locale.ROOT)), at, alert.component(), alert.group(),
                alert.eventClass(), details, grafanaUrl);
    }

    private static AlertRecord record(AlertRequest alert, int attempt, long sentAt, String status, int httpStatus,
                                      String response, String error) {
        return new AlertRecord(alert.dedupKey(), alert.incidentId(), alert.action(), attempt, sentAt, status,
                httpStatus, response, error, alert.severity(), alert.summary());
    }
}
