package io.paypulse.flink.model;

/**
 * One event's webhook latency on its way into the window of one dimension set.
 *
 * @param dimensionSet  {@code all} or {@code event_type}
 * @param eventType     the event type, {@code ""} in the {@code all} set
 * @param latencyMillis received_at - created, milliseconds
 */
public record LatencyObservation(String dimensionSet, String eventType, long latencyMillis) {

    /** Set and type, to group by within one parallel instance (a record: nothing is concatenated). */
    public record Key(String dimensionSet, String eventType) {
    }

    public Key key() {
        return new Key(dimensionSet, eventType);
    }

    /** The partition key of a set and type: both joined by a character neither contains. */
    public static String keyId(String dimensionSet, String eventType) {
        return dimensionSet + '\u001f' + eventType;
    }
}
