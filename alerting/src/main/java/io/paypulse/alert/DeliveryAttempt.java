package io.paypulse.alert;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * One HTTP request to the Events API and what came back, as recorded in the {@code alerts} table.
 *
 * @param attempt      1 for the first request, counting up through retries
 * @param sentAt       when the request went out
 * @param httpStatus   the response status, or 0 when no response arrived (connection refused, timeout)
 * @param responseBody the response body, trimmed to {@value #MAX_BODY_CHARS} characters, with the routing key scrubbed
 * @param error        why there was no usable response (exception type and message, scrubbed), or null
 */
public record DeliveryAttempt(int attempt, Instant sentAt, int httpStatus, String responseBody, String error)
        implements Serializable {

    public static final int MAX_BODY_CHARS = 2048;
    private static final long serialVersionUID = 1L;

    public DeliveryAttempt {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt counts from 1, got " + attempt);
        }
        Objects.requireNonNull(sentAt, "sentAt");
        responseBody = responseBody == null ? "" : responseBody;
    }

    /** True when the request reached the server and a status came back. */
    public boolean answered() {
        return httpStatus != 0;
    }
}
