package io.paypulse.flink.config;

import java.util.Locale;

/**
 * Which of Stripe's modes the metrics count. Stripe sends a Connect platform's production endpoint the
 * test-mode events of its connected accounts too ("both live and test webhooks are sent to your
 * production webhook URLs"), so a connected account trying decline test cards would otherwise move the
 * platform's decline rates and page on-call. Every event is still stored in {@code stripe_events}, with
 * its {@code livemode}; only the derived tables and the detectors filter.
 */
public enum Livemode {
    /** Live-mode events only: production. */
    LIVE,
    /** Test-mode events only: a staging deployment fed by a test-mode endpoint. */
    TEST,
    /** Both: the local stack, where `stripe listen` and the simulator send test-mode events. */
    ANY;

    /** Whether an event with Stripe's {@code livemode} flag counts in the metrics. */
    public boolean counts(boolean livemode) {
        return switch (this) {
            case LIVE -> livemode;
            case TEST -> !livemode;
            case ANY -> true;
        };
    }

    /** {@code live}, {@code test} or {@code any}, in any case. */
    public static Livemode parse(String text, String variable) {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "live" -> LIVE;
            case "test" -> TEST;
            case "any" -> ANY;
            default -> throw new IllegalArgumentException(variable + "='" + text + "' is not a mode: write live "
                    + "(production: live-mode events only), test (test-mode events only) or any (both)");
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
