package io.paypulse.infra.stripe;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedCardTrafficTest {

    @Test
    void theSegmentsShareAllChargesAndVisaBrazilIsWhereTheTestsSpike() {
        assertEquals(1.0, SimulatedCardTraffic.SEGMENTS.stream().mapToDouble(SimulatedCardTraffic.Segment::share).sum(),
                1e-9);
        SimulatedCardTraffic.Segment visaBr = SimulatedCardTraffic.SEGMENTS.get(SimulatedCardTraffic.VISA_BR);
        assertEquals("visa BR brl", visaBr.brand() + " " + visaBr.country() + " " + visaBr.currency());
    }

    @Test
    void deliveriesTakeAFifthOfASecondToThreeSecondsLogUniformly() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 20_000;
        int underMedian = 0;
        for (int i = 0; i < n; i++) {
            long latency = SimulatedCardTraffic.deliveryLatencyMillis(random);
            assertTrue(latency >= 200 && latency < 3_000, "latency " + latency);
            // Log-uniform: the median of the part above 200 ms is the geometric mean of its ends, 200 and 2,800 ms.
            underMedian += latency < 200 + 200 * Math.sqrt(14) ? 1 : 0;
        }
        assertEquals(0.5, (double) underMedian / n, 0.02);
    }
}
