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
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Notices a webhook outage: the whole endpoint falling silent. Then no event arrives, the watermark
 * stops, and no event-time timer can fire, so this watch runs on processing time. It counts the
 * webhooks that reach the job per bucket (one minute by default) and feeds the counts to a volume
 * detector, whose learned, seasonal baseline decides whether zero (or very few) is unusual: a quiet
 * night of a small shop is not an outage.
 *
 * <p>Input: counts from {@link ArrivalCounter}, keyed by one constant. A bucket that starts more than
 * two buckets behind the clock (the job itself was down, and Kafka kept the webhooks) is skipped, not
 * judged as silence.
 */
public final class EndpointWatch extends KeyedProcessFunction<String, Long, SeriesVerdict> {

    private static final long serialVersionUID = 1L;
    public static final String KEY = "endpoint";

    private final DetectorConfig config;
    private final long bucketMillis;

    private transient ValueState<byte[]> detector;
    private transient ValueState<Long> count;
    private transient ValueState<Long> bucketStart;

    public EndpointWatch(DetectorConfig config, long bucketMillis) {
        if (bucketMillis < 1000 || bucketMillis % 1000 != 0) {
            throw new IllegalArgumentException("the endpoint watch's bucket must be whole seconds, got " + bucketMillis + " ms");
        }
        this.config = config;
        this.bucketMillis = bucketMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        detector = getRuntimeContext().getState(new ValueStateDescriptor<>("detector", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        count = getRuntimeContext().getState(new ValueStateDescriptor<>("bucket-count", Types.LONG));
        bucketStart = getRuntimeContext().getState(new ValueStateDescriptor<>("bucket-start", Types.LONG));
    }

    @Override
    public void processElement(Long arrivals, Context ctx, Collector<SeriesVerdict> out) throws Exception {
        if (bucketStart.value() == null) {
            long start = floor(ctx.timerService().currentProcessingTime());
            bucketStart.update(start);
            ctx.timerService().registerProcessingTimeTimer(start + bucketMillis);
        }
        count.update((count.value() == null ? 0 : count.value()) + arrivals);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SeriesVerdict> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        long start = timestamp - bucketMillis;
        long arrivals = count.value() == null ? 0 : count.value();
        if (now - timestamp <= bucketMillis) {
            Detector d = detector.value() == null ? Detectors.create(Kind.VOLUME, config)
                    : DetectorState.fromBytes(detector.value());
            SeriesPoint point = SeriesPoints.arrivals(start / 1000, arrivals);
            Verdict v = d.observe(new Observation(point.windowStart(), point.value(), point.count()));
            detector.update(DetectorState.toBytes(d));
            out.collect(new SeriesVerdict(point, v.expected(), v.score(), v.anomalous(), v.direction().name()));
        }
        // else: the job was not running when this bucket ended; its count says nothing about Stripe
        count.update(0L);
        long next = Math.max(timestamp, floor(now)) ;
        bucketStart.update(next);
        ctx.timerService().registerProcessingTimeTimer(next + bucketMillis);
    }

    private long floor(long millis) {
        return millis - Math.floorMod(millis, bucketMillis);
    }
}
