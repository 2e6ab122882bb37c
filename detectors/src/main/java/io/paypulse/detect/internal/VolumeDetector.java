package io.paypulse.detect.internal;

import io.paypulse.detect.DetectorConfig;
import io.paypulse.detect.Direction;
import io.paypulse.detect.Kind;
import io.paypulse.detect.Observation;
import io.paypulse.detect.Verdict;

import java.io.Serial;

/**
 * Traffic far below its usual level, and silence. Events per window are counts, so the baseline is an
 * expected count λ (seasonal profile × today's level, or a plain average until the profile is warm)
 * and a window is judged as a draw from a negative binomial around λ, whose extra variance φλ² is
 * learned from the series. Three tests: this window; the last few windows together (a drop too small
 * for one window); and the run of silent windows, whose chance is exactly the product of P(0 | λ), so
 * a busy series is flagged at its first silent minute while a quiet one (λ = 0.2) never is.
 * Only drops page: a surge of traffic is not an incident.
 */
public final class VolumeDetector extends SeriesDetector {

    @Serial
    private static final long serialVersionUID = 1L;

    /** A day of windows: overdispersion is a property of the series, not of the hour. */
    private static final int DISPERSION_HALF_LIFE = 1440;
    private static final double DISPERSION_PRIOR = 0.01;
    private static final double DISPERSION_PRIOR_WINDOWS = 10;
    /** Below this many usual events a window counts less towards today's level. */
    private static final double LEVEL_PRIOR_EVENTS = 5;

    private final SeasonalProfile week;
    private final SeasonalProfile day;
    private double baseSum;
    private double baseWeight;
    private double levelObserved;
    private double levelProfile;
    private double dispersionExcess;
    private double dispersionScale;
    private double sustainedObserved;
    private double sustainedExpected;
    private double sustainedVariance;
    private double silenceLogP;
    private final SustainedCalibration calibration = new SustainedCalibration();

    public VolumeDetector(DetectorConfig config) {
        super(config);
        this.week = SeasonalProfile.hourOfWeek(config.seasonalMemory(), false);
        this.day = SeasonalProfile.hourOfDay(config.seasonalMemory(), false);
    }

    @Override
    public Kind kind() {
        return Kind.VOLUME;
    }

    @Override
    protected void validate(Observation o) {
        if (o.value() < 0) {
            throw new IllegalArgumentException("VOLUME value is a number of events and must not be negative, got " + o.value());
        }
    }

    @Override
    protected Verdict step(Observation o, boolean learn) {
        long t = o.windowStart();
        double x = o.value();
        int minSamples = config.seasonalMinSamples();
        double profile = week.warm(t, minSamples) ? week.mean(t, minSamples, 0, 0)
                : day.warm(t, minSamples) ? day.mean(t, minSamples, 0, 0) : Double.NaN;
        double lambda;
        if (!Double.isNaN(profile)) {
            double level = levelProfile > 0 ? clamp(levelObserved / levelProfile, 0.25, 4) : 1;
            lambda = profile * level;
        } else {
            lambda = baseWeight > 0 ? baseSum / baseWeight : x;
        }
        lambda = Math.max(lambda, 1e-6);
        double phi = dispersionScale > 0 ? clamp(dispersionExcess / dispersionScale, 0.001, 1) : DISPERSION_PRIOR;
        double inflation = 1 + phi * lambda;
        double d = Math.pow(0.5, 1.0 / config.sustainedHalfLife());
        boolean enough = lambda >= config.minExpectedVolume();

        Evidence evidence = new Evidence();
        if (x < lambda) {
            double z = Tails.negativeBinomialZ(x + 0.5, lambda, 1 / phi);
            evidence.consider(Tails.logUpperNormal(-z), Direction.DOWN, enough && x <= config.volumeMaxRatio() * lambda);
        }
        double silence = x == 0 ? silenceLogP + Tails.logZeroProbability(lambda, phi) : 0;
        evidence.consider(silence, Direction.DOWN, enough && x == 0);
        double sObserved = d * sustainedObserved + x;
        double sExpected = d * sustainedExpected + lambda;
        double sVariance = d * d * sustainedVariance + lambda * inflation;
        double pooledZ = (sObserved - sExpected) / Math.sqrt(sVariance);
        // The pool speaks for an ongoing drop only while this window shows a drop worth paging.
        if (sObserved < sExpected && x <= config.volumeMaxRatio() * lambda) {
            double z = (sObserved + 0.5 - sExpected) / Math.sqrt(sVariance) / calibration.divisor();
            evidence.consider(Tails.logUpperNormal(-z), Direction.DOWN,
                    enough && sObserved <= config.volumeMaxRatio() * sExpected);
        }
        Verdict verdict = verdict(o, lambda, evidence);

        if (learn) {
            double w = learningWeight(verdict);
            week.learn(t, x, 1, 0, w);
            day.learn(t, x, 1, 0, w);
            double keepBase = keep(config.baselineHalfLife(), w);
            baseSum = keepBase * baseSum + w * x;
            baseWeight = keepBase * baseWeight + w;
            if (!Double.isNaN(profile)) {
                double keepLevel = keep(config.volumeLevelHalfLife(), w);
                // Today's level is a ratio observed / usual in which every window with a few events
                // counts alike (weight P / (P + c)): a quiet night moves it as much as a busy evening.
                levelObserved = keepLevel * levelObserved + w * x / (profile + LEVEL_PRIOR_EVENTS);
                levelProfile = keepLevel * levelProfile + w * profile / (profile + LEVEL_PRIOR_EVENTS);
            }
            if (dispersionScale == 0) {
                dispersionScale = DISPERSION_PRIOR_WINDOWS * lambda * lambda;
                dispersionExcess = DISPERSION_PRIOR * dispersionScale;
            }
            // Winsorised at 5 standard deviations, so one outage does not make every later drop look normal.
            double squared = Math.min((x - lambda) * (x - lambda), 25 * lambda * inflation);
            double noise = noiseWeight(w);
            double keepDispersion = keep(DISPERSION_HALF_LIFE, noise);
            dispersionExcess = keepDispersion * dispersionExcess + noise * (squared - lambda);
            dispersionScale = keepDispersion * dispersionScale + noise * lambda * lambda;
            // An anomalous window is spent evidence: it is not pooled (see DeclineRateDetector).
            boolean pool = !verdict.anomalous();
            sustainedObserved = pool ? sObserved : d * sustainedObserved;
            sustainedExpected = pool ? sExpected : d * sustainedExpected;
            sustainedVariance = pool ? sVariance : d * d * sustainedVariance;
            silenceLogP = silence;
            calibration.learn(pooledZ, noise);
        }
        return verdict;
    }
}
