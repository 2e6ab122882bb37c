package io.paypulse.detect.internal;

import io.paypulse.detect.Detector;
import io.paypulse.detect.DetectorConfig;
import io.paypulse.detect.Direction;
import io.paypulse.detect.Kind;
import io.paypulse.detect.Observation;
import io.paypulse.detect.Verdict;

import java.io.Serial;
import java.util.Objects;

/**
 * What every detector shares: warm-up, late windows, the learning weight of anomalous windows, and
 * the score. The score is {@code -log10(p × windowsPerDay / 1440) / 10}, capped to [0, 1]: the p-value
 * is scaled to the series' own rate of windows, so a payout series with four windows a day and a
 * per-minute series have the same budget of chance alarms per day.
 */
public abstract class SeriesDetector implements Detector {

    @Serial
    private static final long serialVersionUID = 1L;

    private static final double LN10 = Math.log(10);
    private static final double MINUTES_PER_DAY = 1440;

    protected final DetectorConfig config;
    private long windows;
    private long firstWindow;
    private long lastWindow;
    private Direction incidentSide = Direction.NONE;

    protected SeriesDetector(DetectorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public final Verdict observe(Observation observation) {
        Objects.requireNonNull(observation, "observation");
        if (!Double.isFinite(observation.value())) {
            throw new IllegalArgumentException(kind() + " value must be a finite number, got " + observation.value());
        }
        if (observation.count() < 0) {
            throw new IllegalArgumentException(kind() + " count must not be negative, got " + observation.count());
        }
        validate(observation);
        // A window re-fired by a late event, or fed twice, is judged but not learned: learning it again
        // would count it twice.
        boolean learn = windows == 0 || observation.windowStart() > lastWindow;
        Verdict verdict = step(observation, learn);
        if (learn) {
            if (windows == 0) {
                firstWindow = observation.windowStart();
            }
            lastWindow = observation.windowStart();
            windows++;
        }
        return verdict;
    }

    /** Checks the kind's own rules for a value, with a message naming the rule. */
    protected abstract void validate(Observation observation);

    /** Judges the window against the baseline, then (if {@code learn}) folds it into the baseline. */
    protected abstract Verdict step(Observation observation, boolean learn);

    protected final boolean warmedUp() {
        return windows >= config.warmupWindows();
    }

    /** The window's score from ln p of its strongest eligible test. */
    protected final double score(double logP) {
        if (logP >= 0) {
            return 0;
        }
        double log10Eff = logP / LN10 + Math.log10(windowsPerDay() / MINUTES_PER_DAY);
        return Math.max(0, Math.min(1, -log10Eff / 10));
    }

    /** Windows this series has per day, from its history; a per-minute series has 1440. */
    final double windowsPerDay() {
        if (windows < 2 || lastWindow <= firstWindow) {
            return MINUTES_PER_DAY;
        }
        return Math.max(1, (windows - 1) * 86400.0 / (lastWindow - firstWindow));
    }

    /**
     * The weight with which this window updates the baseline, called once per learned window. An anomaly
     * is not learned as normal, and neither are the windows after it that stay on its side of the
     * baseline (an incident flags some of its windows, not all): the first window back on the other
     * side ends the incident for learning.
     */
    protected final double learningWeight(Verdict verdict) {
        return learningWeight(verdict, verdict.value(), verdict.expected());
    }

    /** As {@link #learningWeight(Verdict)}, with the window's own value and expectation deciding its side. */
    protected final double learningWeight(Verdict verdict, double windowValue, double windowExpected) {
        Direction side = windowValue > windowExpected ? Direction.UP
                : windowValue < windowExpected ? Direction.DOWN : Direction.NONE;
        if (verdict.anomalous()) {
            incidentSide = verdict.direction();
        } else if (incidentSide != Direction.NONE && side != incidentSide) {
            incidentSide = Direction.NONE;
        }
        return incidentSide != Direction.NONE ? config.anomalyLearningWeight() : 1.0;
    }

    /**
     * The weight with which a window teaches the noise statistics (spread, tail, dispersion): those
     * describe normal windows, so a window in an incident (learning weight below 1) teaches them nothing.
     */
    protected static double noiseWeight(double learningWeight) {
        return learningWeight >= 1 ? 1 : 0;
    }

    protected final Verdict verdict(Observation o, double expected, Evidence evidence) {
        return verdict(o, o.value(), o.count(), expected, evidence);
    }

    /** A verdict about {@code value} among {@code count}, which may span more than the window {@code o}. */
    protected final Verdict verdict(Observation o, double value, long count, double expected, Evidence evidence) {
        double score = score(evidence.logP());
        boolean anomalous = warmedUp() && score > 0 && score >= config.scoreThreshold();
        Direction direction = score > 0 ? evidence.direction()
                : value > expected ? Direction.UP : value < expected ? Direction.DOWN : Direction.NONE;
        return new Verdict(o.windowStart(), value, count, expected, score, anomalous, direction, warmedUp());
    }

    /** Per-window keep factor of an exponential average with this half-life, at learning weight w. */
    protected static double keep(int halfLife, double w) {
        return 1 - w * (1 - Math.pow(0.5, 1.0 / halfLife));
    }

    static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    @Override
    public abstract Kind kind();
}
