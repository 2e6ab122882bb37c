package io.paypulse.simulator;

import java.util.random.RandomGenerator;

/**
 * How many events fall in a stretch of time when they arrive independently at a known mean: the
 * count the simulator's traffic, and the test kits' simulated traffic, draw per segment and slice.
 */
public final class Poisson {

    /**
     * Above this mean a count is drawn from the normal approximation: the exact method needs about
     * as many uniform draws as the mean, and the two distributions are already close.
     */
    static final double NORMAL_ABOVE = 30;

    private Poisson() {
    }

    /** A count drawn with mean {@code mean}; 0, without drawing, for a mean of 0 or less. */
    public static int sample(RandomGenerator random, double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > NORMAL_ABOVE) {
            return Math.max(0, (int) Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
        }
        // Knuth: multiply uniform draws until the product falls to e^-mean.
        double limit = Math.exp(-mean);
        double product = 1;
        int k = 0;
        do {
            k++;
            product *= random.nextDouble();
        } while (product > limit);
        return k - 1;
    }
}
