package io.paypulse.flink.functions;

import io.paypulse.flink.TestEvents;
import io.paypulse.flink.model.StripeEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventDeduplicatorTest {

    private static final Duration RETENTION = Duration.ofHours(72);

    private KeyedOneInputStreamOperatorTestHarness<String, StripeEvent, StripeEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EventDeduplicator(RETENTION)), StripeEvent::eventId, Types.STRING);
        harness.setStateTtlProcessingTime(0);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void firstDeliveryPassesAndRedeliveriesAreDropped() throws Exception {
        StripeEvent a = TestEvents.succeeded("a", TestEvents.T0, "visa", "US", "usd");
        StripeEvent b = TestEvents.failed("b", TestEvents.T0, "visa", "US", "usd", "card_declined", "05");

        harness.processElement(a, a.createdMillis());
        harness.processElement(a, a.createdMillis());
        harness.processElement(b, b.createdMillis());
        harness.setStateTtlProcessingTime(RETENTION.toMillis() - 1);
        harness.processElement(a, a.createdMillis());

        assertEquals(List.of(a, b), harness.extractOutputValues());
        assertEquals(2, harness.numKeyedStateEntries());
        // Expiry is state TTL, not a timer per event id.
        assertEquals(0, harness.numEventTimeTimers());
        assertEquals(0, harness.numProcessingTimeTimers());
    }

    @Test
    void flagsExpireAfterTheRetentionAndLeaveNoState() throws Exception {
        for (int i = 0; i < 5; i++) {
            StripeEvent e = TestEvents.succeeded("old" + i, TestEvents.T0, "visa", "US", "usd");
            harness.processElement(e, e.createdMillis());
        }
        assertEquals(5, harness.numKeyedStateEntries());

        harness.setStateTtlProcessingTime(RETENTION.toMillis() + 1);
        // A redelivery after the retention is let through again: Stripe has stopped retrying by then.
        StripeEvent old = TestEvents.succeeded("old0", TestEvents.T0, "visa", "US", "usd");
        harness.processElement(old, old.createdMillis());
        assertEquals(6, harness.extractOutputValues().size());
        for (int i = 0; i < 50; i++) {
            StripeEvent fresh = TestEvents.succeeded("fresh" + i, TestEvents.T0, "visa", "US", "usd");
            harness.processElement(fresh, fresh.createdMillis());
        }

        // Incremental cleanup checks a few flags at each state access, so expired flags go as records
        // flow: fifty events later only the 51 new flags remain.
        assertEquals(51, harness.numKeyedStateEntries());
        assertEquals(0, harness.numEventTimeTimers());
        assertEquals(0, harness.numProcessingTimeTimers());
    }
}
