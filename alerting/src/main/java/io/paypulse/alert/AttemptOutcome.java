package io.paypulse.alert;

import java.time.Duration;
import java.util.Objects;

/**
 * One request to the Events API and what the sender should do next, for callers that schedule their own retries
 * (see {@link PagerDutyClient#attempt}).
 *
 * @param status  {@value DeliveryResult#DELIVERED} (accepted), {@value DeliveryResult#REJECTED} (refused: the same
 *                body cannot succeed later) or {@value #RETRYING} (429, 408, 5xx or a network error)
 * @param attempt the request and its answer
 * @param retryIn when {@value #RETRYING}: how long to wait before the next request (the server's {@code Retry-After},
 *                or exponential backoff with jitter); zero otherwise
 */
public record AttemptOutcome(String status, DeliveryAttempt attempt, Duration retryIn) {

    public static final String RETRYING = "retrying";

    public AttemptOutcome {
        Objects.requireNonNull(attempt, "attempt");
        if (!DeliveryResult.DELIVERED.equals(status) && !DeliveryResult.REJECTED.equals(status) && !RETRYING.equals(status)) {
            throw new IllegalArgumentException("status must be delivered, rejected or retrying, got " + status);
        }
        Objects.requireNonNull(retryIn, "retryIn");
    }

    /** Whether this request ended the event's delivery: accepted or refused for good. */
    public boolean done() {
        return !RETRYING.equals(status);
    }
}
