package io.paypulse.flink.functions;

import io.paypulse.flink.model.LateEvent;
import io.paypulse.flink.model.ParsedEvent;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

import java.time.Duration;
import java.util.List;

/**
 * Decides once, for all metric windows, whether an event can still be counted: it passes events
 * whose one-minute window is open or within the allowed lateness, and routes the rest to
 * {@link JobState#TOO_LATE_EVENTS} and a {@link LateEvent} row. The test is the window operator's
 * own ({@code window end - 1 + lateness <= watermark}); downstream watermarks never run ahead of this
 * one, so a window never drops what passed here.
 *
 * <p>Flink does not checkpoint watermarks: after a restore every operator starts again from none, so
 * the events replayed from the checkpoint would all pass as on time until the sources' watermarks
 * arrive. An event for a window the windows had already completed and purged would then open a fresh
 * copy of it, whose row (version = its count, 1) loses to the stored one in ClickHouse: the event counted
 * nowhere, and not in {@code late_events} either. So the gate keeps the watermark it had at each
 * checkpoint, and judges by the later of that and the current one. The windows purge a window only once
 * their watermark, never ahead of the gate's, has passed its lateness, so nothing that passes the gate
 * after a restore finds its window purged.
 *
 * <p>The gate does not pass the sources' idleness on: what follows it is always active. A window operator
 * ignores an idle input and takes its watermark from the others. Every gate sees the same watermarks, since
 * it reads every source subtask, but each in its own thread: when all sources had been idle and one wakes with
 * a burst, one gate could carry the burst's watermark to a window operator while another, still idle there,
 * had yet to send it the partials of the burst's earlier minutes. Those partials then arrived behind the
 * window operator's watermark and were dropped as late, counted nowhere, not even in {@code late_events}.
 * With every gate active downstream, a window operator's watermark is the least of the gates' and so never
 * ahead of the watermark by which a gate passed an event. Idleness still does its work upstream, where a
 * quiet partition or source subtask stops holding back the gates' watermark.
 */
public final class LatenessGate extends AbstractStreamOperator<ParsedEvent>
        implements OneInputStreamOperator<ParsedEvent, ParsedEvent> {

    private static final long serialVersionUID = 1L;

    private final long windowMillis;
    private final long allowedLatenessMillis;
    /** The watermark at the last checkpoint: every subtask's, so a rescaled job restores it too. */
    private transient ListState<Long> checkpointedWatermark;
    private transient long watermark = Long.MIN_VALUE;
    private transient Counter tooLate;

    public LatenessGate(Duration windowSize, Duration allowedLateness) {
        this.windowMillis = windowSize.toMillis();
        this.allowedLatenessMillis = allowedLateness.toMillis();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointedWatermark = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("watermark-at-checkpoint", Types.LONG));
        // The subtasks read the same sources but interleave them each in its own order, so their watermarks at
        // the barrier may differ. The least of them is never ahead of any window's, whatever the parallelism was.
        long restored = Long.MAX_VALUE;
        for (Long w : checkpointedWatermark.get()) {
            restored = Math.min(restored, w);
        }
        watermark = restored == Long.MAX_VALUE ? Long.MIN_VALUE : restored;
    }

    @Override
    public void open() throws Exception {
        super.open();
        tooLate = getMetricGroup().counter(JobMetrics.EVENTS_TOO_LATE);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        checkpointedWatermark.update(List.of(watermark));
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        // The end of input (a bounded source, or `flink stop --drain`) is not a time to judge a restored job by:
        // restored from such a savepoint, the gate would route every event to late_events.
        if (mark.getTimestamp() != Long.MAX_VALUE) {
            watermark = Math.max(watermark, mark.getTimestamp());
        }
        super.processWatermark(mark);
    }

    /** Not passed on: see the class comment. The gate's own watermark is the sources' combined one either way. */
    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
    }

    @Override
    public void processElement(StreamRecord<ParsedEvent> element) {
        ParsedEvent event = element.getValue();
        long timestamp = event.createdMillis();
        long windowStart = TimeWindow.getWindowStartWithOffset(timestamp, 0, windowMillis);
        long windowEnd = windowStart + windowMillis;
        if (windowEnd - 1 + allowedLatenessMillis > watermark) {
            output.collect(element);
            return;
        }
        tooLate.inc();
        output.collect(JobState.TOO_LATE_EVENTS, element);
        output.collect(JobState.LATE_EVENT_ROWS, new StreamRecord<>(new LateEvent(event.eventId(), event.type(),
                event.row().created(), event.row().receivedAtMillis(), windowStart / 1000, windowEnd / 1000, watermark,
                LateEvent.REASON_BEYOND_ALLOWED_LATENESS), element.getTimestamp()));
    }
}
