package io.paypulse.flink.functions;

import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Aggregates elements per tumbling event-time window and key inside each parallel instance,
 * before the shuffle to the window operator, and sends one partial accumulator per window and key
 * instead of every element: a charge is counted in eight dimension sets, and sending each of the
 * eight copies across the network to its window cost more than everything else the job does with
 * a charge. The window operator then merges the partials ({@link MergePartials}) exactly as it
 * would have added the elements, so the rows are the same.
 *
 * <p>When partials are sent:
 * <ul>
 *   <li>when the watermark passes a window's end: its partials go out before the watermark, so
 *       the window operator has them when it fires. A late element (within the allowed lateness,
 *       which {@link LatenessGate} checked upstream) goes out at the next watermark, and the window
 *       fires again with it, as it would have for the element itself;</li>
 *   <li>before every checkpoint barrier, all of them, open windows included. The operator keeps no
 *       state: what a checkpoint covers is in the window operator's state, and whatever comes after
 *       it is replayed from Kafka after a restore, so nothing is counted twice or lost;</li>
 *   <li>at the end of the input, all of them.</li>
 * </ul>
 * Each partial carries its window's last millisecond as its timestamp, so it lands in the same
 * window downstream.
 *
 * <p>The key here only groups within this instance, so it can be any value with {@code equals} and
 * {@code hashCode} (a record, say), and need not be the String the shuffle after it partitions by:
 * building that String for every element cost more than the grouping itself.
 *
 * @param <IN>  elements
 * @param <K>   what elements are grouped by within a window
 * @param <ACC> the aggregate's accumulator, which is also what this operator emits
 */
public final class LocalWindowAggregator<IN, K, ACC> extends AbstractStreamOperator<ACC>
        implements OneInputStreamOperator<IN, ACC> {

    private static final long serialVersionUID = 1L;

    private final KeySelector<IN, K> key;
    private final AggregateFunction<IN, ACC, ?> aggregate;
    private final long windowMillis;
    /** Partials by window start, then key; sorted by window so the watermark flushes a prefix. */
    private transient TreeMap<Long, Map<K, ACC>> partials;

    public LocalWindowAggregator(KeySelector<IN, K> key, AggregateFunction<IN, ACC, ?> aggregate,
                                 Duration windowSize) {
        this.key = key;
        this.aggregate = aggregate;
        this.windowMillis = windowSize.toMillis();
    }

    @Override
    public void open() throws Exception {
        super.open();
        partials = new TreeMap<>();
    }

    @Override
    public void processElement(StreamRecord<IN> element) throws Exception {
        IN value = element.getValue();
        long windowStart = TimeWindow.getWindowStartWithOffset(element.getTimestamp(), 0, windowMillis);
        Map<K, ACC> window = partials.computeIfAbsent(windowStart, w -> new HashMap<>());
        K k = key.getKey(value);
        ACC acc = window.get(k);
        window.put(k, aggregate.add(value, acc == null ? aggregate.createAccumulator() : acc));
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        Iterator<Map.Entry<Long, Map<K, ACC>>> windows = partials.entrySet().iterator();
        while (windows.hasNext()) {
            Map.Entry<Long, Map<K, ACC>> window = windows.next();
            long maxTimestamp = window.getKey() + windowMillis - 1;
            if (maxTimestamp > mark.getTimestamp()) {
                break;
            }
            emit(maxTimestamp, window.getValue());
            windows.remove();
        }
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flushAll();
    }

    @Override
    public void finish() throws Exception {
        flushAll();
        super.finish();
    }

    private void flushAll() {
        partials.forEach((windowStart, window) -> emit(windowStart + windowMillis - 1, window));
        partials.clear();
    }

    private void emit(long timestamp, Map<K, ACC> window) {
        StreamRecord<ACC> record = new StreamRecord<>(null, timestamp);
        for (ACC acc : window.values()) {
            output.collect(record.replace(acc));
        }
    }
}
