package io.paypulse.flink.anomaly;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps an {@link IncidentBook} per family (the key) and turns verdicts into anomaly rows (main
 * output) and alerts ({@link #ALERTS}).
 *
 * <p>Verdicts are taken window by window in event time: each is held until the watermark passes the
 * end of its window, and then all verdicts of that window go to the book together, ordered by series.
 * Detector subtasks run at their own pace, above all while the job catches up on a backlog, so in
 * arrival order a series judged by a fast subtask would be windows ahead of one judged by a slow
 * subtask, and the book would see members "gone" that are only behind. Taking whole windows in order
 * also makes the incidents, their ids and the page's wording the same on every replay, and lets the
 * page name the most specific series of its first window (Visa×BR, not "all").
 *
 * <p>A verdict for a window the watermark has already passed (a silent window filled in late) goes to
 * the book at once. The endpoint family runs on processing time, with a single series, and pages at once.
 */
public final class IncidentTrackerFunction extends KeyedProcessFunction<String, SeriesVerdict, AnomalyRow> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<AlertRequest> ALERTS = new OutputTag<>("alerts", Types.POJO(AlertRequest.class));

    /** A payout series that has not reported for a day counts as back to normal. */
    static final long SETTLEMENT_QUIET_SECONDS = 24 * 3600;

    private static final Comparator<SeriesVerdict> BY_SERIES = Comparator.comparing(v -> v.point().seriesId());

    private final int resolveAfter;
    private final long cooldownSeconds;
    private final long endpointBucketSeconds;
    private final long resolveHoldSeconds;

    private transient ValueState<byte[]> book;
    /** window start → the verdicts of that window, until the watermark passes its end. */
    private transient MapState<Long, List<SeriesVerdict>> waiting;
    private transient Counter opened;
    private transient Counter resolved;
    private transient Counter overCapacity;

    public IncidentTrackerFunction(int resolveAfter, long cooldownSeconds, long endpointBucketSeconds) {
        this(resolveAfter, cooldownSeconds, endpointBucketSeconds, 0);
    }

    /** @param resolveHoldSeconds how long a paged incident stays resolved before PagerDuty gets the resolve */
    public IncidentTrackerFunction(int resolveAfter, long cooldownSeconds, long endpointBucketSeconds,
                                   long resolveHoldSeconds) {
        this.resolveAfter = resolveAfter;
        this.cooldownSeconds = cooldownSeconds;
        this.endpointBucketSeconds = endpointBucketSeconds;
        this.resolveHoldSeconds = resolveHoldSeconds;
    }

    @Override
    public void open(OpenContext openContext) {
        book = getRuntimeContext().getState(new ValueStateDescriptor<>("incident-book", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("verdicts-by-window", Types.LONG,
                Types.LIST(Types.POJO(SeriesVerdict.class))));
        opened = getRuntimeContext().getMetricGroup().counter(AnomalyMetrics.INCIDENTS_OPENED);
        resolved = getRuntimeContext().getMetricGroup().counter(AnomalyMetrics.INCIDENTS_RESOLVED);
        overCapacity = getRuntimeContext().getMetricGroup().counter(AnomalyMetrics.INCIDENTS_OVER_CAPACITY);
    }

    @Override
    public void processElement(SeriesVerdict verdict, Context ctx, Collector<AnomalyRow> out) throws Exception {
        String family = ctx.getCurrentKey();
        long windowStart = verdict.point().windowStart();
        long windowEnd = windowEndMillis(windowStart);
        if (SeriesPoints.FAMILY_ENDPOINT.equals(family) || windowEnd <= ctx.timerService().currentWatermark()) {
            IncidentBook incidents = load(family);
            apply(incidents, List.of(verdict), ctx, out);
            book.update(toBytes(incidents));
            return;
        }
        List<SeriesVerdict> held = waiting.get(windowStart);
        if (held == null) {
            held = new ArrayList<>();
            ctx.timerService().registerEventTimeTimer(windowEnd);
        }
        held.add(verdict);
        waiting.put(windowStart, held);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AnomalyRow> out) throws Exception {
        List<Long> due = new ArrayList<>();
        for (Long windowStart : waiting.keys()) {
            if (windowEndMillis(windowStart) <= timestamp) {
                due.add(windowStart);
            }
        }
        due.sort(null);
        IncidentBook incidents = load(ctx.getCurrentKey());
        for (long windowStart : due) {
            List<SeriesVerdict> verdicts = new ArrayList<>(waiting.get(windowStart));
            verdicts.sort(BY_SERIES);
            apply(incidents, verdicts, ctx, out);
            waiting.remove(windowStart);
        }
        // Held resolves fall due with event time, also in a family with no new verdict (payouts
        // report a few times a day, a quiet account not at all).
        emit(incidents, incidents.advanceTo(timestamp / 1000), ctx);
        incidents.nextHeldResolveAt().ifPresent(at -> ctx.timerService().registerEventTimeTimer(at * 1000));
        book.update(toBytes(incidents));
    }

    /**
     * Feeds one window's verdicts to the book; then sends its alerts in order, each trigger as the
     * incident stands after the whole window (named by its most specific member).
     */
    private void apply(IncidentBook incidents, List<SeriesVerdict> verdicts, Context ctx,
                       Collector<AnomalyRow> out) {
        List<AlertRequest> alerts = new ArrayList<>();
        long untrackedBefore = incidents.overCapacity();
        for (SeriesVerdict verdict : verdicts) {
            IncidentBook.Changes changes = incidents.accept(verdict);
            changes.anomalies().forEach(out::collect);
            alerts.addAll(changes.alerts());
        }
        overCapacity.inc(incidents.overCapacity() - untrackedBefore);
        alerts.addAll(incidents.windowDone());
        emit(incidents, alerts, ctx);
    }

    private void emit(IncidentBook incidents, List<AlertRequest> alerts, Context ctx) {
        for (AlertRequest alert : alerts) {
            switch (alert.action()) {
                case AlertRequest.TRIGGER -> {
                    opened.inc();
                    ctx.output(ALERTS, incidents.currentTrigger(alert.incidentId(), alert.timestampMillis() / 1000)
                            .orElse(alert));
                }
                case AlertRequest.RESOLVE -> {
                    resolved.inc();
                    ctx.output(ALERTS, alert);
                }
                default -> ctx.output(ALERTS, alert);
            }
        }
    }

    /**
     * How long a member of {@code family} may go without a verdict before it counts as normal. Payouts
     * come a few times a day per currency and method: a late payout's series is not back to normal
     * because the next payout has not been created yet, only once payouts arrive on time again.
     */
    static long quietSeconds(String family, long windowSeconds, int resolveAfter) {
        long windows = resolveAfter * windowSeconds;
        return SeriesPoints.FAMILY_SETTLEMENT.equals(family) ? Math.max(windows, SETTLEMENT_QUIET_SECONDS) : windows;
    }

    private long quietSeconds(String family, long windowSeconds) {
        return quietSeconds(family, windowSeconds, resolveAfter);
    }

    /** The last millisecond of the one-minute window starting at {@code windowStart} (epoch seconds). */
    private static long windowEndMillis(long windowStart) {
        return (windowStart + SeriesDetectorFunction.WINDOW_SECONDS) * 1000 - 1;
    }

    private IncidentBook load(String family) throws IOException {
        byte[] bytes = book.value();
        long window = SeriesPoints.FAMILY_ENDPOINT.equals(family) ? endpointBucketSeconds
                : SeriesDetectorFunction.WINDOW_SECONDS;
        long quiet = quietSeconds(family, window);
        if (bytes == null) {
            return new IncidentBook(window, resolveAfter, cooldownSeconds, quiet).resolveHold(resolveHoldSeconds);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            // The settings in force, not those the book was checkpointed with.
            return ((IncidentBook) in.readObject()).configure(window, resolveAfter, cooldownSeconds, quiet,
                    resolveHoldSeconds);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("incident state of family " + family + " could not be read", e);
        }
    }

    private static byte[] toBytes(IncidentBook incidents) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(incidents);
        }
        return bytes.toByteArray();
    }
}
