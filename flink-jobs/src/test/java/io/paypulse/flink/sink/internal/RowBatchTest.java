package io.paypulse.flink.sink.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When a batch is due: full, or its oldest row has waited the flush interval; never while empty. */
class RowBatchTest {

    @Test
    void isDueOnceFull() {
        RowBatch batch = new RowBatch(3, 1000);
        batch.add(new Object[] {1}, 0);
        batch.add(new Object[] {2}, 1);
        assertFalse(batch.isDue(2));

        batch.add(new Object[] {3}, 2);

        assertTrue(batch.isDue(2));
    }

    @Test
    void isDueWhenTheOldestRowHasWaitedTheInterval() {
        RowBatch batch = new RowBatch(100, 1000);
        batch.add(new Object[] {1}, 5_000);
        batch.add(new Object[] {2}, 5_900);

        assertEquals(6_000, batch.deadlineMs());
        assertFalse(batch.isDue(5_999));
        assertTrue(batch.isDue(6_000));
    }

    @Test
    void anEmptyBatchIsNeverDue() {
        RowBatch batch = new RowBatch(1, 10);

        assertFalse(batch.isDue(Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, batch.deadlineMs());
    }

    @Test
    void clearingStartsTheClockAgainAtTheNextRow() {
        RowBatch batch = new RowBatch(100, 1000);
        batch.add(new Object[] {1}, 0);
        batch.clear();

        batch.add(new Object[] {2}, 10_000);

        assertEquals(11_000, batch.deadlineMs());
        assertFalse(batch.isDue(10_999));
    }

    @Test
    void keepsRowsInArrivalOrder() {
        RowBatch batch = new RowBatch(10, 1000);
        Object[] first = {"a"};
        Object[] second = {"b"};
        batch.add(first, 0);
        batch.add(second, 0);

        assertEquals(List.of(first, second), batch.rows());
        assertEquals(2, batch.size());
    }
}
