package io.paypulse.detect.internal;

import io.paypulse.detect.DetectorConfig;
import io.paypulse.detect.Direction;
import io.paypulse.detect.Kind;
import io.paypulse.detect.Observation;
import io.paypulse.detect.Verdict;

import java.io.Serial;

/**
 * Payout failures. Payouts are rare (a few a day), so the baseline is a failure probability per payout,
 * pooled over many payouts and started from a Beta prior (by default 1%, worth 50 payouts) so that a
 * young series has a sensible rate. When a window has failures, the detector scans back over the last
 * {@value #SCAN} failures: for each, the exact chance of that many failures among all the payouts since,
 * given what was known of the failure rate just before that failure (so a stretch is never judged by a
 * rate its own failures have already raised); the smallest of them, multiplied by the number tried,
 * is the evidence. The chance is beta-binomial (the posterior predictive), not binomial at a point
 * estimate: a rate learned from a hundred payouts is uncertain, and judging a young series of dense
 * payouts (say one a minute, one in ten failing) by the prior-weighted estimate alone paged on the
 * first day in most such series. Bursts (a bank outage: several failures in a day) and slow repeats (one account
 * failing every day) are both exact tests, at any payout rate, with a fixed few numbers of state.
 * Failures that have raised an alarm are not scanned again.
 *
 * <p>Because the score is scaled to windows per day, a payout series has the same budget of chance
 * alarms per day as a per-minute one: a single failure alarms only where failures are much rarer than
 * the windows (a failure rate well under 0.2% with a few payouts a day), two close together where they
 * are rare, and where one payout in twenty fails only a real cluster does.
 */
public final class PayoutFailureDetector extends SeriesDetector {

    @Serial
    private static final long serialVersionUID = 1L;

    /** How many recent failures the scan looks back over. */
    static final int SCAN = 8;

    private double failures;
    private double payouts;
    /**
     * Payouts seen so far; that count, the failure rate, and the number of payouts (prior included) the rate
     * was learned from, just before each of the last failures (newest first).
     */
    private long payoutsSeen;
    /** Failures seen so far, and that count at the start of the window of each of the last failures (newest first). */
    private long failuresSeen;
    /** Not final: null in a detector saved before it was added, and then filled on first use. */
    private long[] failuresBeforeFailure = new long[SCAN];
    private final long[] payoutsBeforeFailure = new long[SCAN];
    private final double[] rateBeforeFailure = new double[SCAN];
    /** Not final: null in a detector saved before it was added, and then filled on first use. */
    private double[] weightBeforeFailure = new double[SCAN];
    private int failuresKept;

    public PayoutFailureDetector(DetectorConfig config) {
        super(config);
    }

    @Override
    public Kind kind() {
        return Kind.FAILURES;
    }

    @Override
    protected void validate(Observation o) {
        if (o.value() < 0) {
            throw new IllegalArgumentException("FAILURES value is a number of failed payouts and must not be negative, got "
                    + o.value());
        }
    }

    @Override
    protected Verdict step(Observation o, boolean learn) {
        long k = Math.round(o.value());
        long n = Math.max(o.count(), k);
        double weight = payouts + config.failurePriorWeight();
        double p = (failures + config.failurePriorRate() * config.failurePriorWeight()) / weight;
        if (weightBeforeFailure == null) {
            // Saved before the weights were kept: the weight now is the closest known.
            weightBeforeFailure = new double[SCAN];
            java.util.Arrays.fill(weightBeforeFailure, weight);
        }
        if (failuresBeforeFailure == null) {
            // Saved before the failure totals were kept: unknown, and the runs then report the failures kept.
            failuresBeforeFailure = new long[SCAN];
            java.util.Arrays.fill(failuresBeforeFailure, -1);
        }

        Evidence evidence = new Evidence();
        // What the verdict reports: the window, or the run of payouts whose failures are the strongest evidence.
        long failed = k;
        long among = n;
        double expected = n * p;
        if (k >= 1) {
            // This window alone, then back to each earlier failure: j earlier failures plus this window's k
            // among the payouts since the earliest of them.
            double best = upperTail(k, n, p, weight);
            int tried = 1;
            for (int j = 0; j < failuresKept; j++) {
                long since = payoutsSeen - payoutsBeforeFailure[j] + n;
                double tail = upperTail(k + j + 1, since, rateBeforeFailure[j], weightBeforeFailure[j]);
                if (tail < best) {
                    best = tail;
                    // The test counts the failures it keeps; the run holds all of its first window's, and more
                    // when that window had more failures than are kept.
                    failed = failuresBeforeFailure[j] < 0 ? k + j + 1 : failuresSeen - failuresBeforeFailure[j] + k;
                    among = since;
                    expected = since * rateBeforeFailure[j];
                }
                tried++;
            }
            evidence.consider(Math.min(0, best + Math.log(tried)), Direction.UP, true);
        }
        Verdict verdict = verdict(o, failed, among, expected, evidence);

        if (learn && n > 0) {
            // Which side of the baseline this window is on is the window's own matter, not the run's.
            double w = learningWeight(verdict, k, n * p);
            double keep = keep(config.failureHalfLife(), w);
            failures = keep * failures + w * k;
            payouts = keep * payouts + w * n;
            for (long f = 0; f < Math.min(k, SCAN); f++) {
                System.arraycopy(payoutsBeforeFailure, 0, payoutsBeforeFailure, 1, SCAN - 1);
                System.arraycopy(rateBeforeFailure, 0, rateBeforeFailure, 1, SCAN - 1);
                System.arraycopy(weightBeforeFailure, 0, weightBeforeFailure, 1, SCAN - 1);
                System.arraycopy(failuresBeforeFailure, 0, failuresBeforeFailure, 1, SCAN - 1);
                failuresBeforeFailure[0] = failuresSeen;
                payoutsBeforeFailure[0] = payoutsSeen;
                rateBeforeFailure[0] = p;
                weightBeforeFailure[0] = weight;
                failuresKept = Math.min(SCAN, failuresKept + 1);
            }
            if (verdict.anomalous()) {
                // These failures have raised their alarm: a later failure is judged on what comes after.
                failuresKept = 0;
            }
            payoutsSeen += n;
            failuresSeen += k;
        }
        return verdict;
    }

    /** ln P(at least k of n fail) for a failure rate p learned from {@code weight} payouts (prior included). */
    private static double upperTail(long k, long n, double p, double weight) {
        return Tails.logBetaBinomialUpperTail(k, n, p * weight, (1 - p) * weight);
    }
}
