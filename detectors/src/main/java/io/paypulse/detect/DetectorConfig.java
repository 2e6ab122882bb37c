package io.paypulse.detect;

import java.io.Serial;
import java.io.Serializable;
import java.util.function.Consumer;

/**
 * Every tunable of the detectors, one immutable value shared by all kinds. Start from
 * {@link #defaults()} and change what you need with the {@code with…} methods; the constructor
 * checks each field and says how to fix a bad one. Half-lives and sample counts are in windows of
 * the series (minutes for per-minute series, payout windows for payout series).
 *
 * @param warmupWindows            windows a series must have seen before it may alert
 * @param scoreThreshold           score at or above which a window is anomalous; the score is
 *                                 {@code -log10(p)/10} (p scaled to 1,440 windows a day), so 0.6 means
 *                                 a one-in-a-million window
 * @param anomalyLearningWeight    weight (0..1) with which an anomalous window updates the baseline, so
 *                                 a long incident is not learned as normal
 * @param baselineHalfLife         half-life of the plain average used until seasonal slots are warm
 * @param levelHalfLife            half-life of today's level against the seasonal profile (decline rate,
 *                                 latency, settlement): slow, so a creeping incident is not learned as normal
 * @param volumeLevelHalfLife      the same for volume: quicker, since volume incidents are abrupt and a
 *                                 weekday profile must fit a first weekend
 * @param sustainedHalfLife        half-life of the pooled test over the last few windows
 * @param seasonalMinSamples       windows an hour slot needs before it is used (per-minute series)
 * @param seasonalMemory           samples after which a seasonal slot has mostly forgotten old ones
 * @param sparseSeasonalMinSamples payouts a day-of-week or hour-of-week slot needs before settlement uses it
 * @param minAttempts              attempts behind the evidence before a decline rate may alert
 * @param rateMinRatio             a decline rate must be at least this many times the expected one (or at
 *                                 most its inverse) to alert
 * @param rateMinChange            ... and differ from it by at least this much (absolute, 0.01 = 1 point)
 * @param minLatencyEvents         events in a window before its latency may alert
 * @param latencyMinRatio          latency must be at least this many times the expected latency to alert
 * @param minExpectedVolume        expected events per window before a drop or silence may alert
 * @param volumeMaxRatio           volume must be at most this fraction of the expected volume to alert
 * @param settlementMinRatio       settlement must take at least this many times the expected time to alert
 * @param failurePriorRate         payout failure rate assumed before any history (a Beta prior's mean)
 * @param failurePriorWeight       how many payouts that prior is worth
 * @param failureHalfLife          half-life, in payout windows, of the learned payout failure rate
 */
public record DetectorConfig(int warmupWindows, double scoreThreshold, double anomalyLearningWeight,
                             int baselineHalfLife, int levelHalfLife, int volumeLevelHalfLife, int sustainedHalfLife,
                             int seasonalMinSamples, int seasonalMemory, int sparseSeasonalMinSamples,
                             long minAttempts, double rateMinRatio, double rateMinChange,
                             long minLatencyEvents, double latencyMinRatio,
                             double minExpectedVolume, double volumeMaxRatio,
                             double settlementMinRatio,
                             double failurePriorRate, double failurePriorWeight, int failureHalfLife)
        implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    public DetectorConfig {
        atLeast("warmupWindows", warmupWindows, 1);
        if (!(scoreThreshold > 0 && scoreThreshold <= 1)) {
            throw new IllegalArgumentException("scoreThreshold must be in (0, 1], got " + scoreThreshold
                    + " (0.5 alerts at p <= 1e-5 per window, 0.6 at p <= 1e-6)");
        }
        if (!(anomalyLearningWeight >= 0 && anomalyLearningWeight <= 1)) {
            throw new IllegalArgumentException("anomalyLearningWeight must be in [0, 1] (0 freezes the baseline during "
                    + "an anomaly), got " + anomalyLearningWeight);
        }
        atLeast("baselineHalfLife", baselineHalfLife, 1);
        atLeast("levelHalfLife", levelHalfLife, 1);
        atLeast("volumeLevelHalfLife", volumeLevelHalfLife, 1);
        atLeast("sustainedHalfLife", sustainedHalfLife, 1);
        atLeast("seasonalMinSamples", seasonalMinSamples, 1);
        if (seasonalMemory < seasonalMinSamples) {
            throw new IllegalArgumentException("seasonalMemory (" + seasonalMemory + ") must be at least seasonalMinSamples ("
                    + seasonalMinSamples + "), or a slot forgets before it is ever used");
        }
        atLeast("sparseSeasonalMinSamples", sparseSeasonalMinSamples, 1);
        atLeast("minAttempts", minAttempts, 1);
        if (!(rateMinRatio >= 1)) {
            throw new IllegalArgumentException("rateMinRatio must be >= 1 (1.5 = a rate must move by half), got " + rateMinRatio);
        }
        if (!(rateMinChange >= 0 && rateMinChange < 1)) {
            throw new IllegalArgumentException("rateMinChange is an absolute rate difference in [0, 1), got " + rateMinChange);
        }
        atLeast("minLatencyEvents", minLatencyEvents, 1);
        if (!(latencyMinRatio >= 1) || !(settlementMinRatio >= 1)) {
            throw new IllegalArgumentException("latencyMinRatio and settlementMinRatio must be >= 1, got "
                    + latencyMinRatio + " and " + settlementMinRatio);
        }
        if (!(minExpectedVolume > 0)) {
            throw new IllegalArgumentException("minExpectedVolume must be > 0, got " + minExpectedVolume);
        }
        if (!(volumeMaxRatio > 0 && volumeMaxRatio <= 1)) {
            throw new IllegalArgumentException("volumeMaxRatio must be in (0, 1] (0.5 = volume must halve), got " + volumeMaxRatio);
        }
        if (!(failurePriorRate > 0 && failurePriorRate < 1) || !(failurePriorWeight > 0)) {
            throw new IllegalArgumentException("failurePriorRate must be in (0, 1) and failurePriorWeight > 0, got "
                    + failurePriorRate + " and " + failurePriorWeight);
        }
        atLeast("failureHalfLife", failureHalfLife, 1);
    }

    /** The defaults the job and {@code ./paypulse detect} use, tuned with {@code ./paypulse bench detectors}. */
    public static DetectorConfig defaults() {
        return new DetectorConfig(60, 0.6, 0.05,
                60, 240, 60, 3,
                60, 240, 3,
                30, 1.5, 0.01,
                5, 1.5,
                1.0, 0.5,
                1.15,
                0.01, 50, 720);
    }

    public DetectorConfig withWarmupWindows(int windows) {
        return with(f -> f.warmupWindows = windows);
    }

    public DetectorConfig withScoreThreshold(double threshold) {
        return with(f -> f.scoreThreshold = threshold);
    }

    public DetectorConfig withAnomalyLearningWeight(double weight) {
        return with(f -> f.anomalyLearningWeight = weight);
    }

    /** The half-lives: plain baseline, today's level (rates, latency, settlement), volume's level, sustained test. */
    public DetectorConfig withHalfLives(int baseline, int level, int volumeLevel, int sustained) {
        return with(f -> {
            f.baselineHalfLife = baseline;
            f.levelHalfLife = level;
            f.volumeLevelHalfLife = volumeLevel;
            f.sustainedHalfLife = sustained;
        });
    }

    /** Seasonal slots: samples before use (per-minute series), memory, and payouts before use (settlement). */
    public DetectorConfig withSeasonal(int minSamples, int memory, int sparseMinSamples) {
        return with(f -> {
            f.seasonalMinSamples = minSamples;
            f.seasonalMemory = memory;
            f.sparseSeasonalMinSamples = sparseMinSamples;
        });
    }

    /** Decline rates: attempts before alerting, and the smallest change (ratio and absolute) that alerts. */
    public DetectorConfig withRate(long minAttempts, double minRatio, double minChange) {
        return with(f -> {
            f.minAttempts = minAttempts;
            f.rateMinRatio = minRatio;
            f.rateMinChange = minChange;
        });
    }

    /** Latency: events before alerting, and how many times slower than expected a window must be. */
    public DetectorConfig withLatency(long minEvents, double minRatio) {
        return with(f -> {
            f.minLatencyEvents = minEvents;
            f.latencyMinRatio = minRatio;
        });
    }

    /** Volume: expected events per window before alerting, and the largest fraction of expected that alerts. */
    public DetectorConfig withVolume(double minExpected, double maxRatio) {
        return with(f -> {
            f.minExpectedVolume = minExpected;
            f.volumeMaxRatio = maxRatio;
        });
    }

    /** Payouts: the settlement ratio that alerts, and the failure-rate prior and memory. */
    public DetectorConfig withPayouts(double settlementMinRatio, double failurePriorRate, double failurePriorWeight,
                                      int failureHalfLife) {
        return with(f -> {
            f.settlementMinRatio = settlementMinRatio;
            f.failurePriorRate = failurePriorRate;
            f.failurePriorWeight = failurePriorWeight;
            f.failureHalfLife = failureHalfLife;
        });
    }

    private DetectorConfig with(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return f.build();
    }

    private static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
    }

    /** A mutable copy, so each wither names only what it changes. */
    private static final class Fields {
        int warmupWindows;
        double scoreThreshold;
        double anomalyLearningWeight;
        int baselineHalfLife;
        int levelHalfLife;
        int volumeLevelHalfLife;
        int sustainedHalfLife;
        int seasonalMinSamples;
        int seasonalMemory;
        int sparseSeasonalMinSamples;
        long minAttempts;
        double rateMinRatio;
        double rateMinChange;
        long minLatencyEvents;
        double latencyMinRatio;
        double minExpectedVolume;
        double volumeMaxRatio;
        double settlementMinRatio;
        double failurePriorRate;
        double failurePriorWeight;
        int failureHalfLife;

        Fields(DetectorConfig c) {
            warmupWindows = c.warmupWindows;
            scoreThreshold = c.scoreThreshold;
            anomalyLearningWeight = c.anomalyLearningWeight;
            baselineHalfLife = c.baselineHalfLife;
            levelHalfLife = c.levelHalfLife;
            volumeLevelHalfLife = c.volumeLevelHalfLife;
            sustainedHalfLife = c.sustainedHalfLife;
            seasonalMinSamples = c.seasonalMinSamples;
            seasonalMemory = c.seasonalMemory;
            sparseSeasonalMinSamples = c.sparseSeasonalMinSamples;
            minAttempts = c.minAttempts;
            rateMinRatio = c.rateMinRatio;
            rateMinChange = c.rateMinChange;
            minLatencyEvents = c.minLatencyEvents;
            latencyMinRatio = c.latencyMinRatio;
            minExpectedVolume = c.minExpectedVolume;
            volumeMaxRatio = c.volumeMaxRatio;
            settlementMinRatio = c.settlementMinRatio;
            failurePriorRate = c.failurePriorRate;
            failurePriorWeight = c.failurePriorWeight;
            failureHalfLife = c.failureHalfLife;
        }

        DetectorConfig build() {
            return new DetectorConfig(warmupWindows, scoreThreshold, anomalyLearningWeight, baselineHalfLife, levelHalfLife,
                    volumeLevelHalfLife, sustainedHalfLife, seasonalMinSamples, seasonalMemory, sparseSeasonalMinSamples,
                    minAttempts, rateMinRatio, rateMinChange, minLatencyEvents, latencyMinRatio, minExpectedVolume,
                    volumeMaxRatio, settlementMinRatio, failurePriorRate, failurePriorWeight, failureHalfLife);
        }
    }
}
