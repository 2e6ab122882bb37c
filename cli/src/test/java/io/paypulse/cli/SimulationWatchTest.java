package io.paypulse.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SimulationWatchTest {

    @Test
    void unescapesTabSeparatedCellsAsClickHouseEscapesThem() {
        // ClickHouse's TabSeparated output of: check Stripe's webhook delivery<TAB>and the bridge\<NEWLINE>
        assertEquals("check Stripe's webhook delivery\tand the bridge\\\n",
                SimulationWatch.unescape("check Stripe\\'s webhook delivery\\tand the bridge\\\\\\n"));
        assertEquals("Visa declines in BR at 44%", SimulationWatch.unescape("Visa declines in BR at 44%"));
    }
}
