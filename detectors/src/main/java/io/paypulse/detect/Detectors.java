package io.paypulse.detect;

import io.paypulse.detect.internal.DeclineRateDetector;
import io.paypulse.detect.internal.LogScaleDetector;
import io.paypulse.detect.internal.PayoutFailureDetector;
import io.paypulse.detect.internal.VolumeDetector;

import java.util.Objects;

/** Creates the detector for a kind of series: the only way the job and the command line make one. */
public final class Detectors {

    private Detectors() {
    }

    public static Detector create(Kind kind, DetectorConfig config) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(config, "config");
        return switch (kind) {
            case RATE -> new DeclineRateDetector(config);
            case LATENCY -> LogScaleDetector.latency(config);
            case SETTLEMENT -> LogScaleDetector.settlement(config);
            case VOLUME -> new VolumeDetector(config);
            case FAILURES -> new PayoutFailureDetector(config);
        };
    }
}
