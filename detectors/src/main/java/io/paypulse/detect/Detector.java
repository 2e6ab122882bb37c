package io.paypulse.detect;

/**
 * An online anomaly detector for one series of windows. It keeps bounded, compact state (no history
 * list), so the Flink job can hold one per series in keyed state, and {@code ./paypulse detect} runs
 * the very same code offline.
 */
public interface Detector extends java.io.Serializable {

    Kind kind();

    /**
     * Feeds the next window of the series (windows arrive in increasing windowStart; gaps allowed).
     * A window at or before the last one seen is judged against the current baseline but not learned.
     */
    Verdict observe(Observation observation);
}
