package io.paypulse.alert;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How sending one alert event ended, with every request made for it.
 *
 * @param event    the event as given to {@link PagerDutyClient#send}
 * @param status   {@value #DELIVERED} (PagerDuty accepted it), {@value #REJECTED} (PagerDuty refused it: retrying the
 *                 same body cannot help), {@value #FAILED} (no acceptance within the attempts) or {@value #NOT_SENT}
 *                 (no routing key configured: logged and recorded only)
 * @param attempts every request in order; empty when not sent
 */
public record DeliveryResult(AlertEvent event, String status, List<DeliveryAttempt> attempts) implements Serializable {

    public static final String DELIVERED = "delivered";
    public static final String REJECTED = "rejected";
    public static final String FAILED = "failed";
    public static final String NOT_SENT = "not_sent";

    private static final long serialVersionUID = 1L;
    private static final Set<String> STATUSES = Set.of(DELIVERED, REJECTED, FAILED, NOT_SENT);

    public DeliveryResult {
        Objects.requireNonNull(event, "event");
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("status must be one of " + STATUSES + ", got " + status);
        }
        attempts = List.copyOf(attempts);
    }

    public boolean delivered() {
        return DELIVERED.equals(status);
    }

    /** The last request made, or null when none was. */
    public DeliveryAttempt lastAttempt() {
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }
}
