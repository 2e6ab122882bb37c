package io.paypulse.flink.functions;

import io.paypulse.flink.TestEvents;
import io.paypulse.flink.model.LateEvent;
import io.paypulse.flink.model.ParsedEvent;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.paypulse.flink.TestEvents.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LatenessGateTest {

    @Test
    void passesEventsWithinTheLatenessAndRoutesLaterOnes() throws Exception {
        try (OneInputStreamOperatorTestHarness<ParsedEvent, ParsedEvent> harness = gate()) {
            harness.open();
            ParsedEvent onTime = TestEvents.parsed(TestEvents.succeeded("on_time", T0 + 30, "visa", "US", "usd"));
            ParsedEvent lateButAllowed = TestEvents.parsed(TestEvents.succeeded("late_ok", T0 + 31, "visa", "US", "usd"));
            ParsedEvent tooLate = TestEvents.parsed(TestEvents.failed("too_late", T0 + 32, "visa", "US", "usd", "card_declined", "05"));

            harness.processElement(new StreamRecord<>(onTime, onTime.createdMillis()));
            // The window [T0, T0+60) closed; its lateness runs until T0+60+5min-1ms.
            harness.processWatermark(new Watermark((T0 + 60) * 1000 + 5 * 60_000 - 2));
            harness.processElement(new StreamRecord<>(lateButAllowed, lateButAllowed.createdMillis()));
            long watermark = (T0 + 60) * 1000 + 5 * 60_000 - 1;
            harness.processWatermark(new Watermark(watermark));
            harness.processElement(new StreamRecord<>(tooLate, tooLate.createdMillis()));

            assertEquals(List.of(onTime, lateButAllowed), harness.extractOutputValues());
            assertEquals(List.of(tooLate),
                    harness.getSideOutput(JobState.TOO_LATE_EVENTS).stream().map(StreamRecord::getValue).toList());
            assertEquals(List.of(new LateEvent("evt_too_late", "charge.failed", T0 + 32, (T0 + 32) * 1000 + 300,
                            T0, T0 + 60, watermark, LateEvent.REASON_BEYOND_ALLOWED_LATENESS)),
                    harness.getSideOutput(JobState.LATE_EVENT_ROWS).stream().map(StreamRecord::getValue).toList());
        }
    }

    /**
     * An idle input of a window operator does not hold its watermark back. Passed on, the sources' idleness let
     * one gate's watermark run ahead of another's partials there, and the window operator dropped them as late.
     */
    @Test
    void keepsWhatFollowsActiveWhenTheSourcesGoIdle() throws Exception {
        try (OneInputStreamOperatorTestHarness<ParsedEvent, ParsedEvent> harness = gate()) {
            harness.open();
            ParsedEvent burst = TestEvents.parsed(TestEvents.succeeded("burst", T0 + 30, "visa", "US", "usd"));
            harness.processWatermark(new Watermark(T0 * 1000));
            harness.processWatermarkStatus(WatermarkStatus.IDLE);
            // A source wakes: its first event comes before the status that says it is active again.
            harness.processElement(new StreamRecord<>(burst, burst.createdMillis()));
            harness.processWatermarkStatus(WatermarkStatus.ACTIVE);
            harness.processWatermark(new Watermark((T0 + 180) * 1000 - 1));

            assertEquals(List.of(new Watermark(T0 * 1000), new StreamRecord<>(burst, burst.createdMillis()),
                    new Watermark((T0 + 180) * 1000 - 1)), List.copyOf(harness.getOutput()));
        }
    }

    /**
     * Watermarks are not checkpointed: without the gate's own, every replayed event passed until the sources'
     * watermarks came back, and one for a purged window was then counted nowhere.
     */
    @Test
    void afterARestoreEventsAreJudgedByTheWatermarkOfTheCheckpoint() throws Exception {
        long watermark = (T0 + 60) * 1000 + 5 * 60_000 - 1;
        OperatorSubtaskState checkpoint = snapshotAfter(watermark);
        try (OneInputStreamOperatorTestHarness<ParsedEvent, ParsedEvent> after = gate()) {
            after.initializeState(checkpoint);
            after.open();
            // No watermark yet after the restore.
            ParsedEvent tooLate = TestEvents.parsed(TestEvents.failed("too_late", T0 + 32, "visa", "US", "usd", "card_declined", "05"));
            ParsedEvent nextMinute = TestEvents.parsed(TestEvents.succeeded("next", T0 + 61, "visa", "US", "usd"));
            after.processElement(new StreamRecord<>(tooLate, tooLate.createdMillis()));
            after.processElement(new StreamRecord<>(nextMinute, nextMinute.createdMillis()));

            assertEquals(List.of(nextMinute), after.extractOutputValues());
            assertEquals(List.of(new LateEvent("evt_too_late", "charge.failed", T0 + 32, (T0 + 32) * 1000 + 300,
                            T0, T0 + 60, watermark, LateEvent.REASON_BEYOND_ALLOWED_LATENESS)),
                    after.getSideOutput(JobState.LATE_EVENT_ROWS).stream().map(StreamRecord::getValue).toList());
        }
    }

    @Test
    void aRescaledGateTakesTheLeastWatermarkOfTheCheckpointsSubtasks() throws Exception {
        long first = (T0 + 60) * 1000 + 5 * 60_000 - 1;
        long second = first + 60_000;
        OperatorSubtaskState one = snapshotAfter(first);
        OperatorSubtaskState two = snapshotAfter(second);
        OperatorSubtaskState both = AbstractStreamOperatorTestHarness.repartitionOperatorState(
                AbstractStreamOperatorTestHarness.repackageState(one, two), 128, 2, 1, 0);
        assertRestoredGateRoutes(both, TestEvents.parsed(TestEvents.succeeded("purged", T0 + 10, "visa", "US", "usd")),
                TestEvents.parsed(TestEvents.succeeded("open", T0 + 70, "visa", "US", "usd")));
    }

    @Test
    void theEndOfInputIsNotAWatermarkToRestoreWith() throws Exception {
        long watermark = (T0 + 60) * 1000 + 5 * 60_000 - 1;
        // Then the end of input, as `flink stop --drain` or the end of a bounded source sends it.
        OperatorSubtaskState drained = snapshotAfter(watermark, Long.MAX_VALUE);
        assertRestoredGateRoutes(drained, TestEvents.parsed(TestEvents.succeeded("too_late", T0 + 10, "visa", "US", "usd")),
                TestEvents.parsed(TestEvents.succeeded("recent", T0 + 3_600, "visa", "US", "usd")));
    }

    /** A gate restored from {@code checkpoint}, before any watermark, routes {@code tooLate} away and passes {@code onTime}. */
    private static void assertRestoredGateRoutes(OperatorSubtaskState checkpoint, ParsedEvent tooLate, ParsedEvent onTime)
            throws Exception {
        try (OneInputStreamOperatorTestHarness<ParsedEvent, ParsedEvent> after = gate()) {
            after.initializeState(checkpoint);
            after.open();
            after.processElement(new StreamRecord<>(tooLate, tooLate.createdMillis()));
            after.processElement(new StreamRecord<>(onTime, onTime.createdMillis()));

            assertEquals(List.of(onTime), after.extractOutputValues());
            assertEquals(List.of(tooLate),
                    after.getSideOutput(JobState.TOO_LATE_EVENTS).stream().map(StreamRecord::getValue).toList());
        }
    }

    /** A checkpoint of a gate that has seen these watermarks and no event. */
    private static OperatorSubtaskState snapshotAfter(long... watermarks) throws Exception {
        try (OneInputStreamOperatorTestHarness<ParsedEvent, ParsedEvent> harness = gate()) {
            harness.open();
            for (long watermark : watermarks) {
                harness.processWatermark(new Watermark(watermark));
            }
            return harness.snapshot(1, 1);
        }
    }

    private static OneInputStreamOperatorTestHarness<ParsedEvent, ParsedEvent> gate() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new LatenessGate(Duration.ofMinutes(1), Duration.ofMinutes(5)));
    }
}
