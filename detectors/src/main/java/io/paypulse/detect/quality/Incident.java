package io.paypulse.detect.quality;

import java.util.List;

/**
 * A labelled incident: its type, its span [start, end) in epoch seconds, and the series in which it
 * shows (an alarm elsewhere during the incident is a false one).
 */
public record Incident(String type, long start, long end, List<String> series) {

    public Incident {
        if (end <= start) {
            throw new IllegalArgumentException("incident " + type + " ends before it starts");
        }
        series = List.copyOf(series);
    }
}
