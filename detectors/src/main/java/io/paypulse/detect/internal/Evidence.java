package io.paypulse.detect.internal;

import io.paypulse.detect.Direction;

/**
 * The strongest of a window's tests: the smallest p-value among those that may page (enough volume, a
 * change large enough to matter, a direction that matters). A test that may not page is no evidence.
 */
final class Evidence {

    private double logP = 0;
    private Direction direction = Direction.NONE;

    void consider(double testLogP, Direction testDirection, boolean eligible) {
        if (eligible && testLogP < logP) {
            logP = testLogP;
            direction = testDirection;
        }
    }

    double logP() {
        return logP;
    }

    Direction direction() {
        return direction;
    }
}
