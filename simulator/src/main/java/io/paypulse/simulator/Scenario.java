package io.paypulse.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A simulation: how much traffic, how fast it is replayed, how Stripe delivers it, and what goes wrong
 * when. Read from a scenario file by {@link ScenarioFile}; every check with a message that names the
 * field lives there.
 *
 * @param name           what the scenario is called (the file name without {@code .json})
 * @param description    one sentence for people
 * @param ratePerMinute  charges per minute at the daily peak (the quietest hour has about a third)
 * @param payoutsPerHour payouts paid per hour, across currencies
 * @param speedUp        how much faster than real time simulated time runs; 1 = live
 * @param duration       how much simulated time the scenario covers; empty = until stopped (needs speedUp 1)
 * @param delivery       how Stripe delivers
 * @param incidents      what goes wrong, at offsets from the scenario's start
 */
public record Scenario(String name, String description, double ratePerMinute, double payoutsPerHour, double speedUp,
                       Optional<Duration> duration, DeliveryProfile delivery, List<Incident> incidents) {

    public Scenario {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(delivery, "delivery");
        incidents = List.copyOf(incidents);
        if (!(ratePerMinute >= 0) || !(payoutsPerHour >= 0)) {
            throw new IllegalArgumentException("rate_per_minute and payouts_per_hour must not be negative");
        }
        if (!(speedUp >= 1)) {
            throw new IllegalArgumentException("speed_up must be at least 1 (1 = real time), got " + speedUp);
        }
        if (speedUp > 1 && duration.isEmpty()) {
            throw new IllegalArgumentException("speed_up " + speedUp + " needs a duration: a sped-up replay is backdated so that"
                    + " it ends at the present, which an endless one never does");
        }
    }

    public Scenario withRatePerMinute(double rate) {
        return new Scenario(name, description, rate, payoutsPerHour, speedUp, duration, delivery, incidents);
    }

    public Scenario withSpeedUp(double factor) {
        return new Scenario(name, description, ratePerMinute, payoutsPerHour, factor, duration, delivery, incidents);
    }

    /** A copy that covers {@code d} of simulated time; incidents past its end are an error. */
    public Scenario withDuration(Optional<Duration> d) {
        d.ifPresent(end -> incidents.stream().filter(i -> i.end().compareTo(end) > 0).findFirst().ifPresent(i -> {
            throw new IllegalArgumentException("a duration of " + SimDurations.format(end) + " ends before the scenario's "
                    + i.type() + " incident (until " + SimDurations.format(i.end()) + ")");
        }));
        return new Scenario(name, description, ratePerMinute, payoutsPerHour, speedUp, d, delivery, incidents);
    }

    public Scenario withDelivery(DeliveryProfile profile) {
        return new Scenario(name, description, ratePerMinute, payoutsPerHour, speedUp, duration, profile, incidents);
    }
}
