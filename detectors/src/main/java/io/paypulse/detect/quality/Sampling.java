package io.paypulse.detect.quality;

import java.util.Random;

/**
 * Random draws for the scenario generator. Only {@link Random} (whose sequence the JDK specifies) and
 * {@link StrictMath}, so every machine generates the same scenarios from the same seed.
 */
final class Sampling {

    private Sampling() {
    }

    /** A Poisson draw: multiplication of uniforms for small means, Hörmann's PTRS above 30. */
    static long poisson(Random random, double lambda) {
        if (!(lambda > 0)) {
            return 0;
        }
        if (lambda < 30) {
            double limit = StrictMath.exp(-lambda);
            long k = 0;
            double product = random.nextDouble();
            while (product > limit) {
                k++;
                product *= random.nextDouble();
            }
            return k;
        }
        double sqrt = StrictMath.sqrt(lambda);
        double logLambda = StrictMath.log(lambda);
        double b = 0.931 + 2.53 * sqrt;
        double a = -0.059 + 0.02483 * b;
        double invAlpha = 1.1239 + 1.1328 / (b - 3.4);
        double vr = 0.9277 - 3.6224 / (b - 2);
        while (true) {
            double u = random.nextDouble() - 0.5;
            double v = random.nextDouble();
            double us = 0.5 - StrictMath.abs(u);
            long k = (long) StrictMath.floor((2 * a / us + b) * u + lambda + 0.43);
            if (us >= 0.07 && v <= vr) {
                return k;
            }
            if (k < 0 || (us < 0.013 && v > us)) {
                continue;
            }
            if (StrictMath.log(v) + StrictMath.log(invAlpha) - StrictMath.log(a / (us * us) + b)
                    <= -lambda + k * logLambda - logFactorial(k)) {
                return k;
            }
        }
    }

    /** A Beta(a, b) draw as X / (X + Y) of two gamma draws. */
    static double beta(Random random, double a, double b) {
        double x = gamma(random, a);
        double y = gamma(random, b);
        return x / (x + y);
    }

    /** A Gamma(shape, 1) draw for shape >= 1 (Marsaglia and Tsang). */
    static double gamma(Random random, double shape) {
        if (shape < 1) {
            throw new IllegalArgumentException("shape must be at least 1, got " + shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / StrictMath.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (StrictMath.log(u) < 0.5 * x * x + d - d * v + d * StrictMath.log(v)) {
                return d * v;
            }
        }
    }

    static boolean chance(Random random, double p) {
        return random.nextDouble() < p;
    }

    /** P(Z <= z) for a standard normal Z (relative error below 1.2e-7). */
    static double normalCdf(double z) {
        double x = StrictMath.abs(z) / StrictMath.sqrt(2);
        double t = 1.0 / (1.0 + 0.5 * x);
        double erfc = t * StrictMath.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return z >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
    }

    private static double logFactorial(long k) {
        if (k < 20) {
            double f = 0;
            for (long i = 2; i <= k; i++) {
                f += StrictMath.log(i);
            }
            return f;
        }
        double x = k;
        return x * StrictMath.log(x) - x + 0.5 * StrictMath.log(2 * StrictMath.PI * x) + 1 / (12 * x) - 1 / (360 * x * x * x);
    }
}
