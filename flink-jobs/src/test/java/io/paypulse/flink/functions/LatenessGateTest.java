package io.paypulse.flink.functions;

import io.paypulse.flink.TestEvents;
import io.paypulse.flink.model.LateEvent;
import io.paypulse.flink.model.ParsedEvent;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.paypulse.flink.TestEvents.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LatenessGateTest {

    @Test
    void passesEventsWithinTheLatenessAndRoutesLaterOnes() throws Exception {
        try (OneInputStreamOperatorTestHarness<ParsedEvent, ParsedEvent> harness = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new LatenessGate(Duration.ofMinutes(1), Duration.ofMinutes(5))))) {
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
}
