package io.paypulse.flink.anomaly;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Counts the records passing each parallel instance and emits the count about five times a second, so the
 * {@link EndpointWatch} (a single key) receives a few numbers per second instead of every
 * event. A count not yet emitted when the instance restarts is lost; the watch only needs to know
 * that webhooks keep coming.
 */
public final class ArrivalCounter<T> implements FlatMapFunction<T, Long> {

    private static final long serialVersionUID = 1L;
    private static final long EMIT_EVERY_MS = 200;

    private transient long pending;
    private transient long lastEmit;

    @Override
    public void flatMap(T value, Collector<Long> out) {
        pending++;
        long now = System.currentTimeMillis();
        if (now - lastEmit >= EMIT_EVERY_MS) {
            out.collect(pending);
            pending = 0;
            lastEmit = now;
        }
    }
}
