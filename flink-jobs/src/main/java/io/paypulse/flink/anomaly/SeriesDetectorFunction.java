package io.paypulse.flink.anomaly;

import io.paypulse.detect.Detector;
import io.paypulse.detect.DetectorConfig;
import io.paypulse.detect.Detectors;
import io.paypulse.detect.Kind;
import io.paypulse.detect.Observation;
import io.paypulse.detect.Verdict;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Runs one detector per series (keyed by {@link SeriesPoint#seriesId()}) over the series' windows in
 * order, and emits a verdict for every window.
 *
 * <p>Only the first firing of a window is judged: window streams repeat a window for each late event,
 * and a baseline must see every window once, in order.
 *
 * <p>Volume series also get the windows in which nothing happened: an event-time timer at the end of
 * the next window feeds the detector a zero when that window brought no row, so a series that falls
 * silent is noticed as soon as the watermark passes, without waiting for its next event. Zero-filling
 * stops once the baseline no longer expects traffic, or after a day. (When the whole endpoint falls
 * silent the watermark stops too; {@link EndpointWatch} covers that on processing time.)
 */
public final class SeriesDetectorFunction extends KeyedProcessFunction<String, SeriesPoint, SeriesVerdict> {

    private static final long serialVersionUID = 1L;
    static final long WINDOW_SECONDS = 60;
    /** Zero windows fed after a volume series' last row, at most. */
    static final int MAX_SILENT_WINDOWS = 24 * 60;
    /** A silent series whose baseline expects fewer events per window than this is no longer filled. */
    static final double MIN_EXPECTED_TO_FILL = 0.05;

    private final DetectorConfig config;

    private transient ValueState<byte[]> detector;
    private transient ValueState<SeriesPoint> last;
    private transient ValueState<Integer> silentWindows;
    private transient Counter refiresIgnored;
    private transient Counter anomalousWindows;

    public SeriesDetectorFunction(DetectorConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        detector = getRuntimeContext().getState(new ValueStateDescriptor<>("detector", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        last = getRuntimeContext().getState(new ValueStateDescriptor<>("last-window", Types.POJO(SeriesPoint.class)));
        silentWindows = getRuntimeContext().getState(new ValueStateDescriptor<>("silent-windows", Types.INT));
        refiresIgnored = getRuntimeContext().getMetricGroup().counter(AnomalyMetrics.WINDOW_REFIRES_IGNORED);
        anomalousWindows = getRuntimeContext().getMetricGroup().counter(AnomalyMetrics.ANOMALOUS_WINDOWS);
    }

    @Override
    public void processElement(SeriesPoint point, Context ctx, Collector<SeriesVerdict> out) throws Exception {
        SeriesPoint previous = last.value();
        if (previous != null && point.windowStart() <= previous.windowStart()) {
            refiresIgnored.inc();
            return;
        }
        Detector d = detector(point);
        boolean volume = Kind.VOLUME.name().equals(point.kind());
        if (volume && previous != null) {
            int filled = 0;
            for (long w = previous.windowStart() + WINDOW_SECONDS; w < point.windowStart() && filled < MAX_SILENT_WINDOWS;
                 w += WINDOW_SECONDS, filled++) {
                judge(d, previous.at(w, 0, 0), out);
            }
        }
        judge(d, point, out);
        detector.update(DetectorState.toBytes(d));
        last.update(point);
        if (volume) {
            silentWindows.update(0);
            ctx.timerService().registerEventTimeTimer(endOfNextWindow(point.windowStart()));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SeriesVerdict> out) throws Exception {
        SeriesPoint previous = last.value();
        if (previous == null || endOfNextWindow(previous.windowStart()) != timestamp) {
            return; // a row came in time; its own timer is the live one
        }
        if (ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            return; // the end of a bounded input, not a silence
        }
        Detector d = DetectorState.fromBytes(detector.value());
        SeriesPoint silent = previous.at(previous.windowStart() + WINDOW_SECONDS, 0, 0);
        Verdict verdict = judge(d, silent, out);
        detector.update(DetectorState.toBytes(d));
        last.update(silent);
        int silentSoFar = silentWindows.value() == null ? 1 : silentWindows.value() + 1;
        silentWindows.update(silentSoFar);
        if (silentSoFar < MAX_SILENT_WINDOWS && verdict.expected() >= MIN_EXPECTED_TO_FILL) {
            ctx.timerService().registerEventTimeTimer(endOfNextWindow(silent.windowStart()));
        }
    }

    /** The last instant of the window after {@code windowStart}'s: when that window fires, if it has a row. */
    static long endOfNextWindow(long windowStart) {
        return (windowStart + 2 * WINDOW_SECONDS) * 1000 - 1;
    }

    private Detector detector(SeriesPoint point) throws Exception {
        byte[] bytes = detector.value();
        return bytes == null ? Detectors.create(Kind.valueOf(point.kind()), config) : DetectorState.fromBytes(bytes);
    }

    private Verdict judge(Detector d, SeriesPoint point, Collector<SeriesVerdict> out) {
        Verdict v = d.observe(new Observation(point.windowStart(), point.value(), point.count()));
        if (v.anomalous()) {
            anomalousWindows.inc();
        }
        out.collect(new SeriesVerdict(point, v.value(), v.count(), v.expected(), v.score(), v.anomalous(),
                v.direction().name()));
        return v;
    }
}
