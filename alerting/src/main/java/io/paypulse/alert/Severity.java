package io.paypulse.alert;

import java.util.Locale;

/** How badly an alert hurts, as PagerDuty's {@code payload.severity}; it sets the urgency of the incident. */
public enum Severity {
    CRITICAL, ERROR, WARNING, INFO;

    /** The Events API v2 value: {@code critical}, {@code error}, {@code warning} or {@code info}. */
    public String wireValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
