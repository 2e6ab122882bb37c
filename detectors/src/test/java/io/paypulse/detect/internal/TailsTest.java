package io.paypulse.detect.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TailsTest {

    @Test
    void betaBinomialTailIsExactForSmallCases() {
        // Beta(1, 1) is uniform, so BetaBinomial(2, 1, 1) is uniform on {0, 1, 2}.
        assertEquals(Math.log(2.0 / 3), Tails.logBetaBinomialUpperTail(1, 2, 1, 1), 1e-12);
        assertEquals(Math.log(1.0 / 3), Tails.logBetaBinomialUpperTail(2, 2, 1, 1), 1e-12);
        // P(all n fail) = prod_{i<n} (a + i) / (a + b + i): with a = 0.5, b = 49.5 and n = 3.
        double allThree = (0.5 / 50) * (1.5 / 51) * (2.5 / 52);
        assertEquals(Math.log(allThree), Tails.logBetaBinomialUpperTail(3, 3, 0.5, 49.5), 1e-12);
        // P(X >= 1) = 1 - P(X = 0) = 1 - prod_{i<n} (b + i) / (a + b + i), n = 4.
        double none = (49.5 / 50) * (50.5 / 51) * (51.5 / 52) * (52.5 / 53);
        assertEquals(Math.log(1 - none), Tails.logBetaBinomialUpperTail(1, 4, 0.5, 49.5), 1e-12);
        assertEquals(0, Tails.logBetaBinomialUpperTail(0, 4, 0.5, 49.5));
        assertEquals(Double.NEGATIVE_INFINITY, Tails.logBetaBinomialUpperTail(5, 4, 0.5, 49.5));
    }

    @Test
    void betaBinomialTailIsHeavierThanTheBinomialAndConvergesToItWithEvidence() {
        double binomial = Tails.logBinomialUpperTail(3, 20, 0.02);
        double unsure = Tails.logBetaBinomialUpperTail(3, 20, 0.02 * 100, 0.98 * 100);
        double sure = Tails.logBetaBinomialUpperTail(3, 20, 0.02 * 1e7, 0.98 * 1e7);
        assertTrue(unsure > binomial + 0.5, unsure + " vs " + binomial);
        assertEquals(binomial, sure, 1e-4);
    }

    /** The references: every term of the sum from k to n, in Python with math.lgamma and math.fsum. */
    @Test
    void betaBinomialTailIsExactBeyondTwoThousandTrials() {
        assertEquals(-9.220314085937265, Tails.logBetaBinomialUpperTail(289, 2_000, 0.5, 49.5), 1e-9);
        // One more trial moves it by a hair, where an approximation from n = 2,001 on said -7.65.
        assertEquals(-9.216030503806405, Tails.logBetaBinomialUpperTail(289, 2_001, 0.5, 49.5), 1e-9);
        assertEquals(-7.944077052860277, Tails.logBetaBinomialUpperTail(80, 30_000, 10, 9_990), 1e-9);
    }

    @Test
    void aTailWiderThanTheTermLimitIsApproximated() {
        // Beta(1, 1) makes the count uniform on 0..n: P(X >= 600,000 of 1,000,000) = 400,001 / 1,000,001. Its terms
        // are all equal, far too many to sum; the overdispersed deviance comes within 0.1 of it.
        assertEquals(Math.log(400_001.0 / 1_000_001), Tails.logBetaBinomialUpperTail(600_000, 1_000_000, 1, 1), 0.1);
    }

    @Test
    void anAlmostKnownRateIsTheBinomial() {
        double weight = 1e15;
        assertEquals(Tails.logBinomialUpperTail(9, 400, 0.005), Tails.logBetaBinomialUpperTail(9, 400, 0.005 * weight,
                0.995 * weight), 1e-9);
    }
}
