package io.paypulse.flink.bench;

import io.paypulse.flink.model.StripeEvent;
import io.paypulse.flink.model.StripeEventRow;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StoredAsReceivedTest {

    @Test
    void theRowHoldsTheEnvelopeAndTheBodyAsReceivedWithTheFirstDeliverysVersion() {
        String body = "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"charge.succeeded\",\"created\":1700000000,"
                + "\"data\":{\"object\":{\"billing_details\":{\"email\":\"jenny@example.com\"}}}}";
        StripeEvent event = new StripeEvent("evt_1", "charge.succeeded", 1_700_000_000L, "2024-06-20", "acct_1",
                true, 1_700_000_001_250L, "bridge-1", body);

        assertEquals(new StripeEventRow("evt_1", "charge.succeeded", 1_700_000_000L, "2024-06-20", "acct_1", true,
                1_700_000_001_250L, "bridge-1", body, Long.MAX_VALUE - 1_700_000_001_250L),
                new StoredAsReceived().map(event));
    }

    @Test
    void aBodyThatIsNotJsonIsStoredUnderTypeMalformed() {
        StripeEvent event = new StripeEvent("evt_2", "charge.failed", 1_700_000_000L, "", "", false,
                1_700_000_000_500L, "bridge-1", "{\"id\": nope");

        StripeEventRow row = new StoredAsReceived().map(event);

        assertEquals("malformed", row.type());
        assertEquals("{\"id\": nope", row.payload());
    }
}
