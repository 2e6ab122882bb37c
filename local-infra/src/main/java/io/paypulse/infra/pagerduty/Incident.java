package io.paypulse.infra.pagerduty;

import java.time.Instant;

/**
 * One incident in {@link LocalPagerDuty}, opened by a trigger, closed by a resolve. A trigger after the resolve opens
 * a new incident with the same dedup key, as PagerDuty does.
 *
 * @param triggers    trigger events applied to it, the first included
 * @param resolvedAt  null while it is open
 */
public record Incident(String dedupKey, Status status, int triggers, Instant openedAt, Instant resolvedAt) {

    public enum Status { TRIGGERED, ACKNOWLEDGED, RESOLVED }

    public boolean open() {
        return status != Status.RESOLVED;
    }
}
