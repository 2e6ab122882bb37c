package io.paypulse.detect;

/** Which way a window departs from what its detector expected. */
public enum Direction {
    UP,
    DOWN,
    /** No departure, or nothing to compare with yet. */
    NONE
}
