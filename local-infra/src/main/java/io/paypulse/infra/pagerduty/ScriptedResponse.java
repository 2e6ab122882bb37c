package io.paypulse.infra.pagerduty;

import java.time.Duration;

/**
 * An answer {@link LocalPagerDuty} gives instead of its normal one, to make a client meet rate limits and outages.
 *
 * @param status     the HTTP status, such as 429 or 500
 * @param body       the JSON body; null for PagerDuty's usual body for that status
 * @param retryAfter sent as a whole number of seconds in {@code Retry-After}; null for no header
 */
public record ScriptedResponse(int status, String body, Duration retryAfter) {

    public ScriptedResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status, got " + status);
        }
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative");
        }
    }

    public static ScriptedResponse of(int status) {
        return new ScriptedResponse(status, null, null);
    }
}
