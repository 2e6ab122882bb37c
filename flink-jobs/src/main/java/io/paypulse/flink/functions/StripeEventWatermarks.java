package io.paypulse.flink.functions;

import io.paypulse.flink.model.StripeEvent;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

import java.time.Duration;

/**
 * Bounded out-of-orderness watermarks over Stripe's {@code created}, emitted as soon as an event
 * moves the maximum forward rather than only on the periodic tick. {@code created} has one-second
 * resolution, so that is at most one watermark per second of event time, and the watermark, and with
 * it which event counts as late, depends only on the order of the events, not on timing.
 */
public final class StripeEventWatermarks implements WatermarkGenerator<StripeEvent> {

    private final long outOfOrdernessMillis;
    private long maxTimestamp;

    public StripeEventWatermarks(Duration outOfOrderness) {
        this.outOfOrdernessMillis = outOfOrderness.toMillis();
        // So that the first watermark computed below does not underflow.
        this.maxTimestamp = Long.MIN_VALUE + outOfOrdernessMillis + 1;
    }

    @Override
    public void onEvent(StripeEvent event, long eventTimestamp, WatermarkOutput output) {
        if (eventTimestamp > maxTimestamp) {
            maxTimestamp = eventTimestamp;
            output.emitWatermark(current());
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        output.emitWatermark(current());
    }

    private Watermark current() {
        return new Watermark(maxTimestamp - outOfOrdernessMillis - 1);
    }
}
