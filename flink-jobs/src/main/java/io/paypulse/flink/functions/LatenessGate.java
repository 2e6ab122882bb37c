package io.paypulse.flink.functions;

import io.paypulse.flink.model.LateEvent;
import io.paypulse.flink.model.ParsedEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Decides once, for all metric windows, whether an event can still be counted: it passes events
 * whose one-minute window is open or within the allowed lateness, and routes the rest to
 * {@link JobState#TOO_LATE_EVENTS} and a {@link LateEvent} row. The test is the window operator's
 * own ({@code window end - 1 + lateness <= watermark}); downstream watermarks never run ahead of this
 * one, so a window never drops what passed here.
 */
public class LatenessGate extends ProcessFunction<ParsedEvent, ParsedEvent> {

    private static final long serialVersionUID = 1L;

    private final long windowMillis;
    private final long allowedLatenessMillis;
    private transient Counter tooLate;

    public LatenessGate(Duration windowSize, Duration allowedLateness) {
        this.windowMillis = windowSize.toMillis();
        this.allowedLatenessMillis = allowedLateness.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        tooLate = getRuntimeContext().getMetricGroup().counter(JobMetrics.EVENTS_TOO_LATE);
    }

    @Override
    public void processElement(ParsedEvent event, Context ctx, Collector<ParsedEvent> out) {
        long timestamp = event.createdMillis();
        long windowStart = TimeWindow.getWindowStartWithOffset(timestamp, 0, windowMillis);
        long windowEnd = windowStart + windowMillis;
        long watermark = ctx.timerService().currentWatermark();
        if (windowEnd - 1 + allowedLatenessMillis > watermark) {
            out.collect(event);
            return;
        }
        tooLate.inc();
        ctx.output(JobState.TOO_LATE_EVENTS, event);
        ctx.output(JobState.LATE_EVENT_ROWS, new LateEvent(event.eventId(), event.type(), event.row().created(),
                event.row().receivedAtMillis(), windowStart / 1000, windowEnd / 1000, watermark,
                LateEvent.REASON_BEYOND_ALLOWED_LATENESS));
    }
}
