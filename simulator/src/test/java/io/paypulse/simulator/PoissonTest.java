package io.paypulse.simulator;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoissonTest {

    @Test
    void aMeanOfZeroOrLessIsNoEventsAndDrawsNothing() {
        SplittableRandom random = new SplittableRandom(5);
        assertEquals(0, Poisson.sample(random, 0));
        assertEquals(0, Poisson.sample(random, -3));
        // The generator's stream is untouched, so traffic after an empty segment stays the same.
        assertEquals(new SplittableRandom(5).nextLong(), random.nextLong());
    }

    @Test
    void aFixedSeedGivesTheSameCounts() {
        SplittableRandom a = new SplittableRandom(42);
        SplittableRandom b = new SplittableRandom(42);
        for (double mean : new double[] {0.3, 4, 29.5, 30.5, 400}) {
            for (int i = 0; i < 100; i++) {
                assertEquals(Poisson.sample(a, mean), Poisson.sample(b, mean));
            }
        }
    }

    @Test
    void countsHaveTheMeanAndVarianceOfAPoissonDistribution() {
        // Both methods: the exact one up to 30, the normal approximation above.
        for (double mean : new double[] {0.05, 0.7, 4, 12, 29.9, 30.1, 75, 2_000}) {
            SplittableRandom random = new SplittableRandom(Double.doubleToLongBits(mean));
            int n = 40_000;
            double sum = 0;
            double sumOfSquares = 0;
            for (int i = 0; i < n; i++) {
                int k = Poisson.sample(random, mean);
                assertTrue(k >= 0, "a count is never negative: " + k);
                sum += k;
                sumOfSquares += (double) k * k;
            }
            double sampleMean = sum / n;
            double sampleVariance = sumOfSquares / n - sampleMean * sampleMean;
            // Five standard errors: the mean's is sqrt(mean / n); the variance's is about mean * sqrt(2 / n).
            assertEquals(mean, sampleMean, 5 * Math.sqrt(mean / n), "mean of counts with mean " + mean);
            assertEquals(mean, sampleVariance, 5 * (mean * Math.sqrt(2.0 / n) + Math.sqrt(mean / n)),
                    "variance of counts with mean " + mean);
        }
    }

    @Test
    void smallMeansGiveTheExactProbabilities() {
        // P(0) = e^-mean and P(1) = mean e^-mean: what the normal approximation would get wrong.
        double mean = 1.5;
        SplittableRandom random = new SplittableRandom(11);
        int n = 100_000;
        int zeros = 0;
        int ones = 0;
        for (int i = 0; i < n; i++) {
            int k = Poisson.sample(random, mean);
            zeros += k == 0 ? 1 : 0;
            ones += k == 1 ? 1 : 0;
        }
        double p0 = Math.exp(-mean);
        double p1 = mean * Math.exp(-mean);
        assertEquals(p0, (double) zeros / n, 5 * Math.sqrt(p0 * (1 - p0) / n));
        assertEquals(p1, (double) ones / n, 5 * Math.sqrt(p1 * (1 - p1) / n));
    }
}
