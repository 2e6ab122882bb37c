package io.paypulse.detect.internal;

import io.paypulse.detect.DetectorConfig;
import io.paypulse.detect.Direction;
import io.paypulse.detect.Kind;
import io.paypulse.detect.Observation;
import io.paypulse.detect.Verdict;

import java.io.Serial;

/**
 * Durations that only page when they get longer: webhook latency and payout settlement time. The
 * baseline is a robust average of the log of the value (outliers clipped to 4 standard deviations
 * before they are learned; scale from the mean absolute residual), seasonal where history allows:
 * latency by hour of week then hour of day, settlement by hour of week then day of week (payouts follow
 * business days; with a few payouts a day, an hour-of-day slot would never fill). Two tests: this
 * window, and an EWMA of its standardised residuals (a step too small for one window). A window must
 * also be a minimum ratio slower than expected, so a statistically clear but harmless 10% slowdown
 * never pages anyone.
 *
 * <p>A minute's p99 is far more jumpy upwards than a normal model allows (a handful of slow webhooks
 * moves it several-fold). So the upper tail is learned peaks-over-threshold: how often a window lands
 * more than {@value #TAIL_THRESHOLD} scales above the baseline, and by how much on average; beyond that
 * threshold p = rate × exp(-excess / mean excess), an exponential tail for the log (a power-law tail
 * for the latency itself), and never smaller than the normal model's p. The sustained test averages
 * the z-scores of these p-values, so it is calibrated the same way.
 */
public final class LogScaleDetector extends SeriesDetector {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Below this spread (5%) a log-value is as precise as it gets; tighter would page on jitter. */
    private static final double SCALE_FLOOR = 0.05;
    private static final double PRIOR_SCALE = 0.25;
    private static final double PRIOR_SCALE_WINDOWS = 5;
    private static final double CLIP = 4;
    /** A single window's z beyond this adds nothing more to the sustained test. */
    private static final double SUSTAINED_Z_CAP = 6;
    /** Standardised residual above which the learned (heavier) tail takes over. */
    static final double TAIL_THRESHOLD = 2;
    /** Before there is history: a normal tail's rate above 2 scales, with the mean excess of a slightly heavier one. */
    private static final double PRIOR_TAIL_RATE = 0.0228;
    private static final double PRIOR_TAIL_WINDOWS = 500;
    private static final double PRIOR_MEAN_EXCESS = 0.5;
    private static final double PRIOR_EXCEEDANCES = 10;
    private static final int TAIL_HALF_LIFE = 2880;
    private static final double MAX_EXCESS = 20;

    private final Kind kind;
    private final SeasonalProfile week;
    private final SeasonalProfile coarse;
    private final int slotMinSamples;
    private final long minEvents;
    private final double minLogRatio;
    private double baseSum;
    private double baseWeight;
    private double baseDeviation;
    private double offsetSum;
    private double offsetWeight;
    private double sustainedZ;
    private double sustainedResidual;
    private double tailWindows;
    private double tailExceedances;
    private double tailExcess;
    private final SustainedCalibration calibration = new SustainedCalibration();

    private LogScaleDetector(DetectorConfig config, Kind kind, SeasonalProfile coarse, int slotMinSamples,
                             long minEvents, double minRatio) {
        super(config);
        this.kind = kind;
        this.week = SeasonalProfile.hourOfWeek(config.seasonalMemory(), true);
        this.coarse = coarse;
        this.slotMinSamples = slotMinSamples;
        this.minEvents = minEvents;
        this.minLogRatio = Math.log(minRatio);
    }

    public static LogScaleDetector latency(DetectorConfig config) {
        return new LogScaleDetector(config, Kind.LATENCY, SeasonalProfile.hourOfDay(config.seasonalMemory(), true),
                config.seasonalMinSamples(), config.minLatencyEvents(), config.latencyMinRatio());
    }

    public static LogScaleDetector settlement(DetectorConfig config) {
        return new LogScaleDetector(config, Kind.SETTLEMENT, SeasonalProfile.dayOfWeek(config.seasonalMemory(), true),
                config.sparseSeasonalMinSamples(), 1, config.settlementMinRatio());
    }

    @Override
    public Kind kind() {
        return kind;
    }

    /** |y - the profile's own prediction|, clipped; NaN while the profile has nothing for the slot. */
    private double ownError(SeasonalProfile profile, long t, double y, double offset, double scale) {
        if (!profile.hasMean(t)) {
            return Double.NaN;
        }
        double predicted = profile.mean(t, slotMinSamples, 0, 0) + offset;
        return Math.min(Math.abs(y - predicted), CLIP * scale);
    }

    @Override
    protected void validate(Observation o) {
        if (o.value() < 0) {
            throw new IllegalArgumentException(kind + " value is a duration and must not be negative, got " + o.value());
        }
    }

    @Override
    protected Verdict step(Observation o, boolean learn) {
        long t = o.windowStart();
        double y = Math.log(Math.max(o.value(), 1e-3));
        SeasonalProfile tier = week.warm(t, slotMinSamples) ? week : coarse.warm(t, slotMinSamples) ? coarse : null;
        double profile = Double.NaN;
        double expectedLog;
        double scale;
        double priorScale = (baseDeviation * SeasonalProfile.MAD_TO_SD + PRIOR_SCALE * PRIOR_SCALE_WINDOWS)
                / (baseWeight + PRIOR_SCALE_WINDOWS);
        if (tier != null) {
            profile = tier.mean(t, slotMinSamples, 0, 0);
            expectedLog = profile + (offsetWeight > 0 ? offsetSum / offsetWeight : 0);
            scale = tier.scale(t, slotMinSamples, priorScale);
        } else {
            expectedLog = baseWeight > 0 ? baseSum / baseWeight : y;
            scale = priorScale;
        }
        scale = Math.max(scale, SCALE_FLOOR);
        double expected = Math.exp(expectedLog);
        double residual = y - expectedLog;
        double z = residual / scale;
        double d = Math.pow(0.5, 1.0 / config.sustainedHalfLife());
        boolean enough = o.count() >= minEvents;

        double logP = Tails.logUpperNormal(z);
        double calibratedZ = z;
        if (z > TAIL_THRESHOLD) {
            double rate = (tailExceedances + PRIOR_TAIL_RATE * PRIOR_TAIL_WINDOWS) / (tailWindows + PRIOR_TAIL_WINDOWS);
            double meanExcess = (tailExcess + PRIOR_MEAN_EXCESS * PRIOR_EXCEEDANCES) / (tailExceedances + PRIOR_EXCEEDANCES);
            logP = Math.max(logP, Math.log(rate) - (z - TAIL_THRESHOLD) / meanExcess);
            calibratedZ = Math.max(TAIL_THRESHOLD, Tails.zFromLogUpper(logP));
        }
        Evidence evidence = new Evidence();
        if (residual > 0) {
            evidence.consider(logP, Direction.UP, enough && residual >= minLogRatio);
        }
        double sZ = d * sustainedZ + (1 - d) * clamp(calibratedZ, -SUSTAINED_Z_CAP, SUSTAINED_Z_CAP);
        double sResidual = d * sustainedResidual + (1 - d) * residual;
        // An EWMA of independent standard normals has variance (1 - d) / (1 + d).
        double pooledZ = sZ / Math.sqrt((1 - d) / (1 + d));
        // The average speaks for an ongoing slowdown only while this window shows one worth paging.
        if (sZ > 0 && residual >= minLogRatio) {
            double zs = pooledZ / calibration.divisor();
            evidence.consider(Tails.logUpperNormal(zs), Direction.UP, enough && sResidual >= minLogRatio);
        }
        Verdict verdict = verdict(o, expected, evidence);

        if (learn && o.count() > 0) {
            // Windows with few events have noisy quantiles: they teach the baseline less.
            double w = learningWeight(verdict);
            double lambda = w * Math.min(1.0, (double) o.count() / minEvents);
            double clipped = clamp(residual, -CLIP * scale, CLIP * scale);
            double yc = expectedLog + clipped;
            // Each profile learns the spread of its own predictions, whichever one is in use, so a slot
            // that fills slowly (a payout hour) never inherits the errors of a coarser baseline.
            double offset = offsetWeight > 0 ? offsetSum / offsetWeight : 0;
            week.learn(t, yc, 1, ownError(week, t, y, offset, scale), lambda);
            coarse.learn(t, yc, 1, ownError(coarse, t, y, offset, scale), lambda);
            double keepBase = keep(config.baselineHalfLife(), lambda);
            double baseMean = baseWeight > 0 ? baseSum / baseWeight : y;
            double baseResidual = clamp(y - baseMean, -CLIP * priorScale, CLIP * priorScale);
            baseDeviation = keepBase * baseDeviation + lambda * Math.abs(baseResidual);
            baseSum = keepBase * baseSum + lambda * (baseMean + baseResidual);
            baseWeight = keepBase * baseWeight + lambda;
            if (tier != null) {
                double keepLevel = keep(config.levelHalfLife(), lambda);
                offsetSum = keepLevel * offsetSum + lambda * (yc - profile);
                offsetWeight = keepLevel * offsetWeight + lambda;
            }
            double noise = noiseWeight(w) * Math.min(1.0, (double) o.count() / minEvents);
            double keepTail = keep(TAIL_HALF_LIFE, noise);
            tailWindows = keepTail * tailWindows + noise;
            tailExceedances = keepTail * tailExceedances + (z > TAIL_THRESHOLD ? noise : 0);
            tailExcess = keepTail * tailExcess + (z > TAIL_THRESHOLD ? noise * Math.min(MAX_EXCESS, z - TAIL_THRESHOLD) : 0);
            // An anomalous window is spent evidence: it is not averaged in (see DeclineRateDetector).
            boolean pool = !verdict.anomalous();
            sustainedZ = pool ? sZ : d * sustainedZ;
            sustainedResidual = pool ? sResidual : d * sustainedResidual;
            calibration.learn(pooledZ, noise);
        }
        return verdict;
    }
}
