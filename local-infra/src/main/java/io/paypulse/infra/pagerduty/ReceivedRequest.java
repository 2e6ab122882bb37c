package io.paypulse.infra.pagerduty;

import java.time.Instant;
import java.util.List;

/**
 * One HTTP request as {@link LocalPagerDuty} saw it and what it answered. The body is kept as sent, routing key
 * included: it is for test assertions, not for logs.
 *
 * @param sequence   1 for the first request this receiver got
 * @param violations how the request broke the Events API v2 contract; empty when it held
 */
public record ReceivedRequest(int sequence, Instant receivedAt, String method, String path, String contentType,
                              String body, int status, List<String> violations) {

    public ReceivedRequest {
        violations = List.copyOf(violations);
    }
}
