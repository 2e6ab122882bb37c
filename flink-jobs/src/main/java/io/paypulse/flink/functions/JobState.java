package io.paypulse.flink.functions;

import io.paypulse.flink.model.LateEvent;
import io.paypulse.flink.model.ParsedEvent;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

/**
 * Every state descriptor and side-output tag of the payment health job, in one place: their names are
 * part of savepoints, so they must not drift apart between operators or be renamed by accident.
 */
public final class JobState {

    /** Events whose window had already been closed for good, on their way to payment attempts. */
    public static final OutputTag<ParsedEvent> TOO_LATE_EVENTS =
            new OutputTag<>("too-late-events", Types.POJO(ParsedEvent.class));

    /** The {@code late_events} rows of those events. */
    public static final OutputTag<LateEvent> LATE_EVENT_ROWS =
            new OutputTag<>("late-event-rows", Types.POJO(LateEvent.class));

    /** Name of the per-event-id "seen" flag of the deduplicator. */
    public static final String SEEN_EVENT = "seen-event";

    private JobState() {
    }

    /**
     * The deduplicator's flag, expiring {@code retention} after the first delivery (processing time,
     * which is the clock Stripe's retry schedule runs on). Expired flags are removed in the background
     * as records touch the state: each access checks the next few flags of the heap state map, so one
     * sweep of the map takes at most {@code retention / 4} of traffic and a flag outlives its retention
     * by at most that much. Checking 10 flags on every access and every record instead took ~6% of
     * the job's CPU for no gain in correctness (docs/benchmarks.md).
     */
    public static ValueStateDescriptor<Boolean> seenEvent(Duration retention) {
        ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>(SEEN_EVENT, Types.BOOLEAN);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(retention)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupIncrementally(4, false)
                .cleanupInRocksdbCompactFilter(1000)
                .build());
        return descriptor;
    }
}
