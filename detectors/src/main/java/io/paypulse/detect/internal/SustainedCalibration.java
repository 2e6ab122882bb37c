package io.paypulse.detect.internal;

import java.io.Serial;
import java.io.Serializable;

/**
 * Keeps a sustained (pooled) test honest. Pooling windows assumes their noise is independent, but real
 * series wander (a decline rate drifts with the issuer mix, latency with load), so a pooled z-score is
 * more spread than a standard normal. This tracks the mean square of the pooled z over normal windows
 * and divides later z-scores by its root whenever it exceeds 1.
 */
final class SustainedCalibration implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private static final int HALF_LIFE = 2880;
    private static final double PRIOR_WINDOWS = 100;
    /** A squared z beyond this (an incident, or the start of one) teaches no more than this. */
    private static final double MAX_SQUARE = 16;

    private double squares;
    private double weight;

    /** The factor (>= 1) by which to divide a pooled z-score. */
    double divisor() {
        return Math.sqrt(Math.max(1, (squares + PRIOR_WINDOWS) / (weight + PRIOR_WINDOWS)));
    }

    void learn(double pooledZ, double lambda) {
        if (lambda <= 0 || Double.isNaN(pooledZ)) {
            return;
        }
        double keep = SeriesDetector.keep(HALF_LIFE, lambda);
        squares = keep * squares + lambda * Math.min(MAX_SQUARE, pooledZ * pooledZ);
        weight = keep * weight + lambda;
    }
}
