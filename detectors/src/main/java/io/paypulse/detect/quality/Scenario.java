package io.paypulse.detect.quality;

import java.util.List;

/** A generated merchant or payout history: its series and the incidents labelled in them. */
public record Scenario(String name, String description, List<LabelledSeries> series, List<Incident> incidents) {

    public Scenario {
        series = List.copyOf(series);
        incidents = List.copyOf(incidents);
    }
}
