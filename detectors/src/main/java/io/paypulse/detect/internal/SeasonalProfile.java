package io.paypulse.detect.internal;

import java.io.Serial;
import java.io.Serializable;

/**
 * What a series usually looks like in each slot of a seasonal cycle (hour of week, hour of day or day
 * of week, UTC): per slot, decayed sums of values, weights and absolute residuals, so its memory is a
 * fixed few arrays however long the series runs. A slot is used once it has enough samples. Hourly
 * profiles interpolate between the centres of neighbouring hours, so a morning ramp is followed
 * within the hour instead of jumping at its edges.
 *
 * <p>A slot learns its hour (or day) only once it is over: until then the samples wait in a pending
 * sum, so the baseline of an hour never contains that same hour, and an incident (or a slow creep)
 * cannot leak into its own expectation while it happens.
 */
public final class SeasonalProfile implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Mean absolute deviation to standard deviation, for normal residuals. */
    static final double MAD_TO_SD = Math.sqrt(Math.PI / 2);
    private static final double SCALE_PRIOR_SAMPLES = 60;

    private final int slots;
    private final int secondsPerSlot;
    private final int shift;
    private final boolean interpolate;
    private final double decay;
    private final double[] sum;
    private final double[] weight;
    private final double[] deviation;
    private final double[] deviationWeight;
    private final int[] samples;
    /** All slots' prediction errors together: the profile's spread, towards which each slot's is shrunk. */
    private double allDeviation;
    private double allDeviationWeight;
    private int pendingSlot = -1;
    private double pendingKeep;
    private double pendingSum;
    private double pendingWeight;
    private double pendingDeviation;
    private double pendingDeviationWeight;
    private double pendingDeviationKeep;
    private int pendingSamples;

    private SeasonalProfile(int slots, int secondsPerSlot, int shift, boolean interpolate, int memory, boolean deviations) {
        this.slots = slots;
        this.secondsPerSlot = secondsPerSlot;
        this.shift = shift;
        this.interpolate = interpolate;
        this.decay = 1.0 - 1.0 / memory;
        this.sum = new double[slots];
        this.weight = new double[slots];
        this.deviation = deviations ? new double[slots] : null;
        this.deviationWeight = deviations ? new double[slots] : null;
        this.samples = new int[slots];
    }

    /** 168 slots, Monday 00:00 UTC first (the epoch was a Thursday, 72 hours after a Monday). */
    public static SeasonalProfile hourOfWeek(int memory, boolean deviations) {
        return new SeasonalProfile(168, 3600, 72, true, memory, deviations);
    }

    public static SeasonalProfile hourOfDay(int memory, boolean deviations) {
        return new SeasonalProfile(24, 3600, 0, true, memory, deviations);
    }

    /** Seven slots, Monday first; not interpolated, since weekday effects (payout schedules) are steps. */
    public static SeasonalProfile dayOfWeek(int memory, boolean deviations) {
        return new SeasonalProfile(7, 86400, 3, false, memory, deviations);
    }

    int slot(long epochSecond) {
        return (int) Math.floorMod(Math.floorDiv(epochSecond, secondsPerSlot) + shift, (long) slots);
    }

    public boolean warm(long epochSecond, int minSamples) {
        return samples[slot(epochSecond)] >= minSamples;
    }

    /**
     * The slot's weighted mean, shrunk towards {@code prior} by {@code priorWeight}, interpolated with
     * the neighbouring slot when that is warm too. Only meaningful when {@link #warm} is.
     */
    public double mean(long epochSecond, int minSamples, double prior, double priorWeight) {
        return blend(epochSecond, minSamples, s -> (sum[s] + prior * priorWeight) / (weight[s] + priorWeight));
    }

    /**
     * The standard deviation of this profile's own prediction errors in the slot (and its neighbour, as
     * for {@link #mean}), shrunk towards the whole profile's and, while that is young, {@code fallback}.
     */
    public double scale(long epochSecond, int minSamples, double fallback) {
        // A slot's own errors come from a few days of strongly correlated minutes, so its spread alone is
        // noisy: it is shrunk towards the profile's, as if the latter were worth SCALE_PRIOR_SAMPLES
        // samples; and the profile's, while it is young, towards the fallback.
        double overall = (allDeviation + SCALE_PRIOR_SAMPLES * fallback / MAD_TO_SD)
                / (allDeviationWeight + SCALE_PRIOR_SAMPLES);
        return MAD_TO_SD * blend(epochSecond, minSamples,
                s -> (deviation[s] + SCALE_PRIOR_SAMPLES * overall) / (deviationWeight[s] + SCALE_PRIOR_SAMPLES));
    }

    /** Whether the slot has a mean to predict with (at least one sample). */
    public boolean hasMean(long epochSecond) {
        return weight[slot(epochSecond)] > 0;
    }

    /**
     * Adds one sample with learning weight {@code lambda} in [0, 1]: at 1 the slot forgets old samples
     * at its full rate, at 0 it does not change. The slot sees it once its hour (or day) is over. {@code value} and {@code sampleWeight} are the sample's
     * contributions to the sums (value = weight × mean); {@code absResidual}, if not NaN, is how far this
     * profile's own prediction was off.
     */
    public void learn(long epochSecond, double value, double sampleWeight, double absResidual, double lambda) {
        if (lambda <= 0) {
            return;
        }
        int s = slot(epochSecond);
        if (s != pendingSlot) {
            commit();
            pendingSlot = s;
            pendingKeep = 1;
            pendingDeviationKeep = 1;
        }
        // The same recursion as learning each sample into the slot, kept aside: committing it is exact.
        double keep = 1 - lambda * (1 - decay);
        pendingKeep *= keep;
        pendingSum = keep * pendingSum + lambda * value;
        pendingWeight = keep * pendingWeight + lambda * sampleWeight;
        if (deviation != null && !Double.isNaN(absResidual)) {
            allDeviation = keep * allDeviation + lambda * absResidual;
            allDeviationWeight = keep * allDeviationWeight + lambda;
            pendingDeviationKeep *= keep;
            pendingDeviation = keep * pendingDeviation + lambda * absResidual;
            pendingDeviationWeight = keep * pendingDeviationWeight + lambda;
        }
        if (lambda >= 0.5) {
            pendingSamples++;
        }
    }

    /** Folds the pending samples of the last slot into it. */
    private void commit() {
        if (pendingSlot < 0) {
            return;
        }
        int s = pendingSlot;
        sum[s] = pendingKeep * sum[s] + pendingSum;
        weight[s] = pendingKeep * weight[s] + pendingWeight;
        if (deviation != null) {
            deviation[s] = pendingDeviationKeep * deviation[s] + pendingDeviation;
            deviationWeight[s] = pendingDeviationKeep * deviationWeight[s] + pendingDeviationWeight;
        }
        samples[s] = (int) Math.min(Integer.MAX_VALUE, (long) samples[s] + pendingSamples);
        pendingSlot = -1;
        pendingSum = 0;
        pendingWeight = 0;
        pendingDeviation = 0;
        pendingDeviationWeight = 0;
        pendingSamples = 0;
    }

    private double blend(long epochSecond, int minSamples, java.util.function.IntToDoubleFunction of) {
        int s = slot(epochSecond);
        double own = of.applyAsDouble(s);
        if (!interpolate) {
            return own;
        }
        // Position of the window's centre relative to the slot's centre, in slots: -0.5 .. 0.5.
        double offset = (Math.floorMod(epochSecond, (long) secondsPerSlot) + 30.0) / secondsPerSlot - 0.5;
        int other = Math.floorMod(s + (offset >= 0 ? 1 : -1), slots);
        if (samples[other] < minSamples) {
            return own;
        }
        double a = Math.abs(offset);
        return (1 - a) * own + a * of.applyAsDouble(other);
    }
}
