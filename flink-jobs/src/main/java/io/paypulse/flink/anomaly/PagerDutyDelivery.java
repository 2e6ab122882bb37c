package io.paypulse.flink.anomaly;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paypulse.alert.AlertEvent;
import io.paypulse.alert.AttemptOutcome;
import io.paypulse.alert.DeliveryAttempt;
import io.paypulse.alert.DeliveryResult;
import io.paypulse.alert.EventAction;
import io.paypulse.alert.PagerDutyClient;
import io.paypulse.alert.PagerDutyConfig;
import io.paypulse.alert.Severity;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends each alert to PagerDuty (Events API v2) through a durable outbox, and emits one {@code alerts}
 * row per request with PagerDuty's answer, or one row when nothing was sent (no routing key, or
 * suppressed).
 *
 * <p>An alert stays in the outbox, which is keyed state and so part of every checkpoint, until
 * PagerDuty accepts it (2xx) or refuses it for good (400 and other 4xx). A 429, 408, 5xx or network
 * error schedules the next request on a processing-time timer (the server's {@code Retry-After}, or
 * backoff up to {@code PAGERDUTY_MAX_BACKOFF_MS}) instead of sleeping, so a PagerDuty outage holds
 * this operator for at most one request at a time, never the checkpoints or the metrics behind it,
 * and a page is not dropped however long the outage lasts, across restarts too. Alerts leave in the
 * order they came: a resolve never overtakes its trigger. After {@code PAGERDUTY_MAX_ATTEMPTS}
 * requests an alert is reported as undelivered (ERROR log, {@link AnomalyMetrics#ALERTS_UNDELIVERED})
 * and still retried.
 *
 * <p>Retries and rate-limit waits run on processing-time timers, which Flink does not fire once the
 * input has ended: stop the job with a savepoint ({@code flink stop}), not with {@code --drain}, or
 * alerts still waiting in the outbox stay in the savepoint instead of being sent.
 *
 * <p>Delivery is at least once: after a restart, alerts emitted since the last checkpoint are sent
 * again with the same dedup key, which PagerDuty folds into the same open incident. A repeated trigger
 * would page again only if its incident had been resolved in the meantime (PagerDuty opens a resolved
 * dedup key anew), so a resolve waits until a checkpoint taken after its trigger's delivery has
 * completed: a restore then always starts from a state in which that trigger was already delivered, and
 * only the harmless resolve can be repeated. A resolve waits behind nothing else: alerts of other
 * incidents pass it. Input is keyed by the constant {@link #KEY} and runs with parallelism 1: one outbox,
 * one rate limit per routing key.
 */
public final class PagerDutyDelivery extends KeyedProcessFunction<String, AlertRequest, AlertRecord>
        implements CheckpointedFunction, CheckpointListener {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PagerDutyDelivery.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SOURCE = "paypulse";
    /** The one key of the outbox. */
    public static final String KEY = "pagerduty";
    /**
     * Requests per turn of the operator: a backlog is sent in turns, so checkpoint barriers and the
     * records behind them pass in between.
     */
    static final int MAX_REQUESTS_PER_TURN = 20;
    /** How often a resolve waiting for its trigger's checkpoint looks again. */
    static final long COVERAGE_POLL_MILLIS = 1_000;
    /** Not yet assigned to a checkpoint: the trigger was delivered after the last snapshot. */
    private static final long NEXT_SNAPSHOT = Long.MAX_VALUE;

    /** The PagerDuty variables only: no other part of the environment is shipped with the job graph. */
    private final Map<String, String> pagerDutyEnv;
    private final String grafanaUrl;
    private final boolean resolveAfterCheckpoint;

    private transient PagerDutyClient client;
    /**
     * Dedup keys whose trigger PagerDuty accepted but no completed checkpoint has recorded yet, with the id
     * of the checkpoint whose snapshot recorded it ({@link #NEXT_SNAPSHOT} until one has). Not state: after a
     * restore, every delivery the restored state knows of was recorded by a completed checkpoint.
     */
    private transient Map<String, Long> uncheckpointedTriggers;
    /** The timer set is only the look-again of resolves that wait for a checkpoint: new alerts need not wait. */
    private transient boolean onlyResolvesWait;
    private transient ListState<AlertRequest> outbox;
    private transient ValueState<Integer> headAttempts;
    /** Which alert {@link #headAttempts} counts: the one whose request failed last (see {@link #identity}). */
    private transient ValueState<String> attemptsOf;
    private transient ValueState<Long> wakeUpAt;
    private transient Counter delivered;
    private transient Counter undelivered;
    private transient volatile int pending;

    /**
     * @param resolveAfterCheckpoint whether a resolve waits for a completed checkpoint after its trigger's
     *                               delivery (see above); true in the job, which always checkpoints
     */
    public PagerDutyDelivery(Map<String, String> pagerDutyEnv, String grafanaUrl, boolean resolveAfterCheckpoint) {
        this.pagerDutyEnv = new LinkedHashMap<>(pagerDutyEnv);
        this.grafanaUrl = grafanaUrl == null || grafanaUrl.isBlank() ? null : grafanaUrl.strip();
        this.resolveAfterCheckpoint = resolveAfterCheckpoint;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        uncheckpointedTriggers = new HashMap<>();
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        uncheckpointedTriggers.replaceAll((key, checkpoint) ->
                checkpoint == NEXT_SNAPSHOT ? context.getCheckpointId() : checkpoint);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        uncheckpointedTriggers.values().removeIf(checkpoint -> checkpoint <= checkpointId);
    }

    @Override
    public void open(OpenContext openContext) {
        PagerDutyConfig config = PagerDutyConfig.fromEnv(pagerDutyEnv);
        client = new PagerDutyClient(config);
        outbox = getRuntimeContext().getListState(new ListStateDescriptor<>("outbox", Types.POJO(AlertRequest.class)));
        headAttempts = getRuntimeContext().getState(new ValueStateDescriptor<>("head-attempts", Types.INT));
        attemptsOf = getRuntimeContext().getState(new ValueStateDescriptor<>("attempts-of", Types.STRING));
        if (uncheckpointedTriggers == null) {
            uncheckpointedTriggers = new HashMap<>();
        }
        wakeUpAt = getRuntimeContext().getState(new ValueStateDescriptor<>("wake-up-at", Types.LONG));
        delivered = getRuntimeContext().getMetricGroup().counter(AnomalyMetrics.ALERTS_DELIVERED);
        undelivered = getRuntimeContext().getMetricGroup().counter(AnomalyMetrics.ALERTS_UNDELIVERED);
        getRuntimeContext().getMetricGroup().gauge(AnomalyMetrics.ALERTS_PENDING, (Gauge<Integer>) () -> pending);
        LOG.info("event=pagerduty_ready config={}", config);
    }

    @Override
    public void processElement(AlertRequest alert, Context ctx, Collector<AlertRecord> out) throws Exception {
        if (AlertRequest.SUPPRESSED.equals(alert.action())) {
            LOG.info("event=alert_suppressed dedup_key={} summary=\"{}\"", alert.dedupKey(), alert.summary());
            // The decision's time is the window's, so a replay writes the same row again.
            out.collect(record(alert, 0, alert.timestampMillis(), AlertRequest.SUPPRESSED, 0, "", ""));
            return;
        }
        List<AlertRequest> queue = queue();
        queue.add(alert);
        if (wakeUpAt.value() == null || onlyResolvesWait) {
            send(queue, ctx.timerService(), out);
        } else {
            // A retry is scheduled: this alert waits behind it, in order.
            save(queue);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertRecord> out) throws Exception {
        Long due = wakeUpAt.value();
        if (due == null || due != timestamp) {
            return;
        }
        wakeUpAt.clear();
        send(queue(), ctx.timerService(), out);
    }

    /**
     * Sends from the head of the queue until it is empty, a request must wait, or the turn is used up. A
     * resolve whose trigger's delivery no completed checkpoint has recorded yet stays, with anything after it
     * for the same incident, and the rest passes it; the outbox then looks again every
     * {@value #COVERAGE_POLL_MILLIS} ms.
     */
    private void send(List<AlertRequest> queue, TimerService timers, Collector<AlertRecord> out) throws Exception {
        int requests = 0;
        int at = 0;
        Set<String> held = new HashSet<>();
        boolean waiting = false;
        while (at < queue.size()) {
            AlertRequest head = queue.get(at);
            if (held.contains(head.dedupKey())) {
                at++;
                continue;
            }
            if (AlertRequest.RESOLVE.equals(head.action()) && uncheckpointedTriggers.containsKey(head.dedupKey())) {
                held.add(head.dedupKey());
                at++;
                continue;
            }
            AlertEvent event = event(head);
            if (!client.config().enabled()) {
                // Logged by the client; recorded here with the window's time, so a replay converges.
                DeliveryResult r = client.send(event);
                out.collect(record(head, 0, head.timestampMillis(), r.status(), 0, "", ""));
                queue.remove(at);
                continue;
            }
            if (requests == MAX_REQUESTS_PER_TURN) {
                wakeUp(timers, timers.currentProcessingTime() + 1);
                waiting = true;
                break;
            }
            Duration limited = client.tryAcquirePermit();
            if (!limited.isZero()) {
                LOG.info("event=pagerduty_rate_limited wait_ms={} pending={} max_per_minute={}", limited.toMillis(),
                        queue.size(), client.config().maxEventsPerMinute());
                wakeUp(timers, timers.currentProcessingTime() + Math.max(1, limited.toMillis()));
                waiting = true;
                break;
            }
            String identity = identity(head);
            int attempt = (identity.equals(attemptsOf.value()) && headAttempts.value() != null ? headAttempts.value() : 0) + 1;
            AttemptOutcome outcome = client.attempt(event, attempt);
            requests++;
            DeliveryAttempt a = outcome.attempt();
            out.collect(record(head, attempt, a.sentAt().toEpochMilli(), outcome.status(), a.httpStatus(),
                    a.responseBody() == null ? "" : a.responseBody(), a.error() == null ? "" : a.error()));
            if (outcome.done()) {
                if (DeliveryResult.DELIVERED.equals(outcome.status())) {
                    delivered.inc();
                    if (resolveAfterCheckpoint && AlertRequest.TRIGGER.equals(head.action())) {
                        uncheckpointedTriggers.put(head.dedupKey(), NEXT_SNAPSHOT);
                    }
                } else if (attempt <= client.config().maxAttempts()) {
                    // Refused for good; one past the attempts was already counted when they ran out.
                    undelivered.inc();
                }
                queue.remove(at);
                headAttempts.clear();
                attemptsOf.clear();
                continue;
            }
            headAttempts.update(attempt);
            attemptsOf.update(identity);
            if (attempt == client.config().maxAttempts()) {
                undelivered.inc();
                LOG.error("event=alert_undelivered action={} dedup_key={} attempts={} last_status={} pending={}"
                                + " hint=\"PagerDuty has not accepted it yet; paypulse keeps retrying, at most every {} ms\"",
                        head.action(), head.dedupKey(), attempt, a.httpStatus(), queue.size(),
                        client.config().maxBackoff().toMillis());
            }
            wakeUp(timers, timers.currentProcessingTime() + Math.max(1, outcome.retryIn().toMillis()));
            waiting = true;
            break;
        }
        onlyResolvesWait = !waiting && !held.isEmpty();
        if (onlyResolvesWait) {
            wakeUp(timers, timers.currentProcessingTime() + COVERAGE_POLL_MILLIS);
        } else if (!waiting) {
            // Nothing is due: a look-again timer still registered finds nothing to do when it fires.
            wakeUpAt.clear();
        }
        save(queue);
    }

    /** Which alert a count of attempts belongs to: its incident, action and window. */
    private static String identity(AlertRequest alert) {
        return alert.dedupKey() + "|" + alert.action() + "|" + alert.timestampMillis();
    }

    private void wakeUp(TimerService timers, long at) throws Exception {
        wakeUpAt.update(at);
        timers.registerProcessingTimeTimer(at);
    }

    private List<AlertRequest> queue() throws Exception {
        List<AlertRequest> queue = new ArrayList<>();
        Iterable<AlertRequest> stored = outbox.get();
        if (stored != null) {
            stored.forEach(queue::add);
        }
        return queue;
    }

    private void save(List<AlertRequest> queue) throws Exception {
        if (queue.isEmpty()) {
            outbox.clear();
        } else {
            outbox.update(queue);
        }
        pending = queue.size();
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
