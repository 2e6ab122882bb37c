package io.paypulse.alert;

import java.util.Locale;

/** What an event does to the PagerDuty alert with its dedup key: open it, acknowledge it, or close it. */
public enum EventAction {
    TRIGGER, ACKNOWLEDGE, RESOLVE;

    /** The Events API v2 {@code event_action} value. */
    public String wireValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
