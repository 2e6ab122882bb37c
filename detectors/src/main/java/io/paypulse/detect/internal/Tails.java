package io.paypulse.detect.internal;

import org.apache.commons.numbers.gamma.LogBeta;

/**
 * Tail probabilities in natural-log space, so that the p-value of a real incident (often below
 * 1e-300) neither underflows nor saturates a score.
 */
public final class Tails {

    private static final double LOG_HALF = Math.log(0.5);
    private static final double SQRT2 = Math.sqrt(2);
    /** Terms the beta-binomial tail sums at most before it approximates. */
    static final int MAX_TERMS = 50_000;
    /** Trials (a + b) beyond which a Beta-distributed rate is taken as known. */
    private static final double KNOWN_RATE_WEIGHT = 1e9;

    private Tails() {
    }

    /** ln P(Z > z) for a standard normal Z. */
    public static double logUpperNormal(double z) {
        if (Double.isNaN(z)) {
            return 0;
        }
        if (z < 0) {
            return Math.log1p(-Math.exp(logUpperNormal(-z)));
        }
        return LOG_HALF + logErfc(z / SQRT2);
    }

    /** The z with ln P(Z > z) = logP: the inverse of {@link #logUpperNormal}, by Newton's method. */
    public static double zFromLogUpper(double logP) {
        if (logP >= LOG_HALF) {
            return -zFromLogUpper(Math.log1p(-Math.exp(Math.min(logP, -1e-300))));
        }
        double t = -2 * logP;
        double z = Math.sqrt(Math.max(0.5, t - Math.log(Math.max(1, t)) - Math.log(2 * Math.PI)));
        for (int i = 0; i < 30; i++) {
            double logQ = logUpperNormal(z);
            // d/dz ln Q(z) = -phi(z) / Q(z)
            double slope = -Math.exp(-0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - logQ);
            double step = (logQ - logP) / slope;
            z -= step;
            if (Math.abs(step) < 1e-10) {
                break;
            }
        }
        return z;
    }

    /**
     * ln erfc(x) for x >= 0: the Chebyshev fit of Numerical Recipes' {@code erfcc}, whose relative error
     * is below 1.2e-7 everywhere; written as a sum of logs, it stays exact far into the tail.
     */
    static double logErfc(double x) {
        double t = 1.0 / (1.0 + 0.5 * x);
        double poly = -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277))))))));
        return Math.log(t) + poly;
    }

    /**
     * The signed root of the binomial deviance of k successes in n trials against probability p: close
     * to a standard normal deviate far into the tails, unlike (k - np)/sqrt(npq). k may carry a
     * continuity correction and need not be an integer.
     */
    public static double binomialZ(double k, double n, double p) {
        if (n <= 0) {
            return 0;
        }
        double kk = Math.max(0, Math.min(n, k));
        double d = 2 * (xLogRatio(kk, n * p) + xLogRatio(n - kk, n * (1 - p)));
        return Math.signum(kk - n * p) * Math.sqrt(Math.max(0, d));
    }

    /**
     * The signed root of the negative binomial deviance of a count k against mean mu with size r
     * (variance mu + mu²/r): an overdispersed count's tail is skewed to the right, which scaling a
     * Poisson or binomial z by the extra spread would miss.
     */
    public static double negativeBinomialZ(double k, double mu, double r) {
        double kk = Math.max(0, k);
        double d = 2 * (xLogRatio(kk, mu) - (kk + r) * Math.log((kk + r) / (mu + r)));
        return Math.signum(kk - mu) * Math.sqrt(Math.max(0, d));
    }

    /**
     * z of a count k among n trials against probability p when its variance is {@code spread} times the
     * binomial one: negative binomial where that is wider than Poisson, else the binomial z scaled.
     */
    public static double overdispersedBinomialZ(double k, double n, double p, double spread) {
        double mu = n * p;
        double excess = spread * (1 - p) - 1;
        if (excess > 1e-6 && mu > 0) {
            return negativeBinomialZ(k, mu, mu / excess);
        }
        return binomialZ(k, n, p) / Math.sqrt(spread);
    }

    /** The signed root of the Poisson deviance of a count k against mean lambda. */
    public static double poissonZ(double k, double lambda) {
        double kk = Math.max(0, k);
        double d = 2 * (xLogRatio(kk, lambda) - (kk - lambda));
        return Math.signum(kk - lambda) * Math.sqrt(Math.max(0, d));
    }

    /** ln P(X = 0) for a negative binomial with mean lambda and variance lambda (1 + phi lambda). */
    public static double logZeroProbability(double lambda, double phi) {
        return phi <= 1e-12 ? -lambda : -Math.log1p(phi * lambda) / phi;
    }

    /** ln P(X >= k) for X ~ Binomial(n, p); exact by summation for n up to 2,000, else from the deviance. */
    public static double logBinomialUpperTail(long k, long n, double p) {
        if (k <= 0) {
            return 0;
        }
        if (k > n) {
            return Double.NEGATIVE_INFINITY;
        }
        if (n > 2_000) {
            return logUpperNormal(binomialZ(k - 0.5, n, p));
        }
        double logQ = Math.log1p(-p);
        double logPmf = k * Math.log(p) + (n - k) * logQ;
        for (long i = 1; i <= k; i++) {
            logPmf += Math.log((double) (n - k + i) / i);
        }
        // The terms after the first, relative to it: each is the previous times (n-j)/(j+1) * p/q.
        double ratio = p / (1 - p);
        double term = 1;
        double sum = 1;
        for (long j = k; j < n && term > 1e-17 * sum; j++) {
            term *= (double) (n - j) / (j + 1) * ratio;
            sum += term;
        }
        return Math.min(0, logPmf + Math.log(sum));
    }

    /**
     * ln P(X >= k) for X ~ BetaBinomial(n, a, b): k successes among n trials whose probability is not known
     * exactly but believed to be Beta(a, b), i.e. the posterior predictive of a rate learned from a + b
     * trials. Its tail is heavier than the binomial's at the rate a / (a + b) while a + b is small, and the
     * same once a + b is large. Exact by summation at any n (the terms are summed until they no longer
     * count, so the cost follows the tail's width, not n), unless that takes more than {@value #MAX_TERMS}
     * terms; then from the overdispersed deviance, a close approximation of so wide a tail.
     */
    public static double logBetaBinomialUpperTail(long k, long n, double a, double b) {
        if (k <= 0) {
            return 0;
        }
        if (k > n) {
            return Double.NEGATIVE_INFINITY;
        }
        if (a + b > KNOWN_RATE_WEIGHT) {
            // The rate is as good as known, and the log-Beta terms below would cancel to noise.
            return logBinomialUpperTail(k, n, a / (a + b));
        }
        double logPmf = logChoose(n, k) + LogBeta.value(k + a, n - k + b) - LogBeta.value(a, b);
        // The terms after the first, relative to it: pmf(x + 1) / pmf(x) = (n - x) / (x + 1) * (x + a) / (n - x - 1 + b).
        double term = 1;
        double sum = 1;
        for (long x = k; x < n && term > 1e-17 * sum; x++) {
            if (x - k >= MAX_TERMS) {
                return logUpperNormal(overdispersedBinomialZ(k - 0.5, n, a / (a + b), (a + b + n) / (a + b + 1)));
            }
            term *= (double) (n - x) / (x + 1) * (x + a) / (n - x - 1 + b);
            sum += term;
        }
        return Math.min(0, logPmf + Math.log(sum));
    }

    /** ln C(n, k), from the Beta function: C(n, k) = 1 / ((n + 1) B(n - k + 1, k + 1)). */
    private static double logChoose(long n, long k) {
        return -Math.log(n + 1.0) - LogBeta.value(n - k + 1.0, k + 1.0);
    }

    private static double xLogRatio(double x, double mean) {
        return x <= 0 ? 0 : x * Math.log(x / mean);
    }
}
