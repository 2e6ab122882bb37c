package io.paypulse.detect.internal;

import io.paypulse.detect.DetectorConfig;
import io.paypulse.detect.Direction;
import io.paypulse.detect.Kind;
import io.paypulse.detect.Observation;
import io.paypulse.detect.Verdict;

import java.io.Serial;

/**
 * Decline rate against a learned baseline. Declines are pooled as counts, never as averaged rates, so a
 * minute with 3 attempts weighs 3 and one with 3,000 weighs 3,000. The expected rate is the hour's usual
 * rate (hour of week, else hour of day, shrunk towards the recent rate when the slot has few attempts)
 * times today's level, or the recent pooled rate until the profile is warm. Declines are overdispersed
 * (a declined card is retried and declined again, so declines come in clusters): the detector learns
 * by how much the variance exceeds the binomial one and judges the count of declines as a negative
 * binomial with that variance, whose right-skewed tail is what clustered declines have. It tests this
 * window, and the last few windows pooled, so a low-volume segment pages only once enough attempts are
 * behind the evidence. Spikes and drops both page.
 */
public final class DeclineRateDetector extends SeriesDetector {

    @Serial
    private static final long serialVersionUID = 1L;

    private static final int DISPERSION_HALF_LIFE = 1440;
    private static final double DISPERSION_PRIOR = 1.5;
    private static final double DISPERSION_PRIOR_WINDOWS = 10;
    /** Before any history: a 5% decline rate, worth 10 attempts. */
    private static final double PRIOR_RATE = 0.05;
    private static final double PRIOR_ATTEMPTS = 10;
    /** Attempts with which a seasonal slot is pulled towards the recent rate. */
    private static final double SLOT_PRIOR_ATTEMPTS = 30;
    private static final double LEVEL_PRIOR_DECLINES = 5;

    private final SeasonalProfile week;
    private final SeasonalProfile day;
    private double baseDeclines;
    private double baseAttempts;
    private double levelObserved;
    private double levelExpected;
    private double dispersionResidual;
    private double dispersionBinomial;
    private double sustainedDeclines;
    private double sustainedAttempts;
    private double sustainedExpected;
    private double sustainedAttemptsSquared;
    private final SustainedCalibration calibration = new SustainedCalibration();

    public DeclineRateDetector(DetectorConfig config) {
        super(config);
        this.week = SeasonalProfile.hourOfWeek(config.seasonalMemory(), false);
        this.day = SeasonalProfile.hourOfDay(config.seasonalMemory(), false);
    }

    @Override
    public Kind kind() {
        return Kind.RATE;
    }

    @Override
    protected void validate(Observation o) {
        if (o.value() < 0 || o.value() > 1) {
            throw new IllegalArgumentException("RATE value is a decline rate and must be in [0, 1], got " + o.value());
        }
    }

    @Override
    protected Verdict step(Observation o, boolean learn) {
        long t = o.windowStart();
        double n = o.count();
        double k = o.value() * n;
        int minSamples = config.seasonalMinSamples();
        double recent = (baseDeclines + PRIOR_RATE * PRIOR_ATTEMPTS) / (baseAttempts + PRIOR_ATTEMPTS);
        double profile = week.warm(t, minSamples) ? week.mean(t, minSamples, recent, SLOT_PRIOR_ATTEMPTS)
                : day.warm(t, minSamples) ? day.mean(t, minSamples, recent, SLOT_PRIOR_ATTEMPTS) : Double.NaN;
        double expected;
        if (!Double.isNaN(profile)) {
            double level = levelExpected > 0 ? clamp(levelObserved / levelExpected, 1 / 3.0, 3) : 1;
            expected = profile * level;
        } else {
            expected = recent;
        }
        expected = clamp(expected, 1e-4, 0.999);
        double phi = dispersionBinomial > 0 ? Math.max(1, dispersionResidual / dispersionBinomial) : DISPERSION_PRIOR;
        double d = Math.pow(0.5, 1.0 / config.sustainedHalfLife());

        Evidence evidence = new Evidence();
        double rate = o.value();
        boolean enough = n >= config.minAttempts();
        if (n > 0 && k > n * expected) {
            double z = Tails.overdispersedBinomialZ(k - 0.5, n, expected, phi);
            evidence.consider(Tails.logUpperNormal(z), Direction.UP, enough && bigEnoughRise(rate, expected));
        } else if (n > 0 && k < n * expected) {
            double z = Tails.overdispersedBinomialZ(k + 0.5, n, expected, phi);
            evidence.consider(Tails.logUpperNormal(-z), Direction.DOWN, enough && bigEnoughDrop(rate, expected));
        }
        double sDeclines = d * sustainedDeclines + k;
        double sAttempts = d * sustainedAttempts + n;
        double sExpected = d * sustainedExpected + n * expected;
        double sSquared = d * d * sustainedAttemptsSquared + n;
        double pooledZ = Double.NaN;
        if (n > 0 && sAttempts > 0) {
            // Pooled over the last few windows: as many attempts as an unweighted sample of equal precision.
            double nEff = sAttempts * sAttempts / sSquared;
            double pObserved = sDeclines / sAttempts;
            double pExpected = clamp(sExpected / sAttempts, 1e-4, 0.999);
            boolean enoughPooled = nEff >= config.minAttempts();
            pooledZ = Tails.overdispersedBinomialZ(pObserved * nEff, nEff, pExpected, phi);
            double c = calibration.divisor();
            double spread = phi * c * c;
            // The pool speaks for an ongoing change only while this window shows a change worth paging.
            if (pObserved > pExpected && bigEnoughRise(rate, expected)) {
                double z = Tails.overdispersedBinomialZ(pObserved * nEff - 0.5, nEff, pExpected, spread);
                evidence.consider(Tails.logUpperNormal(z), Direction.UP, enoughPooled && bigEnoughRise(pObserved, pExpected));
            } else if (pObserved < pExpected && bigEnoughDrop(rate, expected)) {
                double z = Tails.overdispersedBinomialZ(pObserved * nEff + 0.5, nEff, pExpected, spread);
                evidence.consider(Tails.logUpperNormal(-z), Direction.DOWN, enoughPooled && bigEnoughDrop(pObserved, pExpected));
            }
        }
        Verdict verdict = verdict(o, expected, evidence);

        if (learn && n > 0) {
            double w = learningWeight(verdict);
            week.learn(t, k, n, 0, w);
            day.learn(t, k, n, 0, w);
            double keepBase = keep(config.baselineHalfLife(), w);
            baseDeclines = keepBase * baseDeclines + w * k;
            baseAttempts = keepBase * baseAttempts + w * n;
            if (!Double.isNaN(profile)) {
                double keepLevel = keep(config.levelHalfLife(), w);
                // Every window with a few expected declines counts alike (weight e / (e + c)).
                double usual = n * profile;
                levelObserved = keepLevel * levelObserved + w * k / (usual + LEVEL_PRIOR_DECLINES);
                levelExpected = keepLevel * levelExpected + w * usual / (usual + LEVEL_PRIOR_DECLINES);
            }
            double binomial = n * expected * (1 - expected);
            if (dispersionBinomial == 0) {
                dispersionBinomial = DISPERSION_PRIOR_WINDOWS * binomial;
                dispersionResidual = DISPERSION_PRIOR * dispersionBinomial;
            }
            // Winsorised at 5 standard deviations, so one incident does not widen every later test.
            double squared = Math.min((k - n * expected) * (k - n * expected), 25 * phi * binomial);
            double noise = noiseWeight(w);
            double keepDispersion = keep(DISPERSION_HALF_LIFE, noise);
            dispersionResidual = keepDispersion * dispersionResidual + noise * squared;
            dispersionBinomial = keepDispersion * dispersionBinomial + noise * binomial;
            // An anomalous window is spent evidence: it is not pooled, so the pool builds up a weak change
            // until it is flagged, and stops counting an incident as soon as it is over.
            boolean pool = !verdict.anomalous();
            sustainedDeclines = pool ? sDeclines : d * sustainedDeclines;
            sustainedAttempts = pool ? sAttempts : d * sustainedAttempts;
            sustainedExpected = pool ? sExpected : d * sustainedExpected;
            sustainedAttemptsSquared = pool ? sSquared : d * d * sustainedAttemptsSquared;
            calibration.learn(pooledZ, noise);
        }
        return verdict;
    }

    private boolean bigEnoughRise(double rate, double expected) {
        return rate >= expected * config.rateMinRatio() && rate - expected >= config.rateMinChange();
    }

    private boolean bigEnoughDrop(double rate, double expected) {
        return rate <= expected / config.rateMinRatio() && expected - rate >= config.rateMinChange();
    }
}
