package io.paypulse.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;

/**
 * One row of a counter snapshot on {@link Topics#PAYPULSE_METRICS} and in ClickHouse
 * {@code pipeline_metrics}: the bridge and the job each write one per metric and label every few seconds.
 * The record is the JSON object {@code {"ts":ms,"source":..,"instance":..,"metric":..,"label":..,"value":n,"kind":..}},
 * keyed by instance; the metric names below are the contract the pipeline health dashboard reads.
 *
 * @param tsMillis when the snapshot was taken, epoch milliseconds
 * @param source   {@link #SOURCE_BRIDGE} or {@link #SOURCE_JOB}
 * @param instance which bridge instance or job TaskManager took it
 * @param metric   one of the names below
 * @param label    one label as {@code key=value}, such as {@code reason=signature_mismatch}; empty when none
 * @param value    a counter's value since its process started, or a gauge's current value
 * @param kind     {@link #KIND_COUNTER} or {@link #KIND_GAUGE}
 */
public record PipelineMetric(long tsMillis, String source, String instance, String metric, String label, double value,
                             String kind) {

    public static final String SOURCE_BRIDGE = "bridge";
    public static final String SOURCE_JOB = "job";
    public static final String KIND_COUNTER = "counter";
    public static final String KIND_GAUGE = "gauge";

    /** Webhook deliveries received on {@code POST /webhooks/stripe}. */
    public static final String BRIDGE_RECEIVED = "bridge_received_total";
    /** Webhooks Kafka acknowledged and the bridge answered 200. */
    public static final String BRIDGE_ACCEPTED = "bridge_accepted_total";
    /** Requests refused, one row per {@code reason=<code>} (the codes of the bridge's error answers). */
    public static final String BRIDGE_REJECTED = "bridge_rejected_total";
    /** Webhooks answered 503 because Kafka did not acknowledge, per {@code reason=kafka_timeout|kafka_error}. */
    public static final String BRIDGE_UNAVAILABLE = "bridge_unavailable_total";
    /** Signed bodies written to {@code stripe.events.dlq}, all reasons together (label empty). */
    public static final String BRIDGE_DLQ = "bridge_dlq_total";
    /** Requests being handled when the snapshot was taken (gauge). */
    public static final String BRIDGE_IN_FLIGHT = "bridge_in_flight";

    /** Records behind the end of the events topic, summed over its partitions (gauge, label empty). */
    public static final String JOB_KAFKA_LAG = "job_kafka_lag_records";
    /** Retried ClickHouse inserts, per {@code table=<table>}. */
    public static final String JOB_SINK_RETRIES = "job_sink_retries_total";
    /** Events later than the allowed lateness, written to {@code late_events}. */
    public static final String JOB_LATE_EVENTS = "job_late_events_total";
    /**
     * Partials a metric window dropped as later than its allowed lateness, all windows together. The lateness
     * gate decides lateness before the windows, and they never run ahead of it, so this stays 0: anything else
     * means counts are missing from the metric tables.
     */
    public static final String JOB_WINDOW_DROPPED = "job_window_dropped_total";
    /** Records of the events topic skipped as malformed. */
    public static final String JOB_MALFORMED = "job_malformed_total";
    /** Events of the Stripe mode {@code PAYPULSE_LIVEMODE} does not count: stored raw, in no metric. */
    public static final String JOB_OTHER_MODE = "job_other_mode_total";
    /** Records read from the events topic. */
    public static final String JOB_RECORDS_IN = "job_records_in_total";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SOURCES = Set.of(SOURCE_BRIDGE, SOURCE_JOB);
    private static final Set<String> KINDS = Set.of(KIND_COUNTER, KIND_GAUGE);

    public PipelineMetric {
        requireOneOf(source, SOURCES, "source");
        requireOneOf(kind, KINDS, "kind");
        if (instance == null || instance.isBlank()) {
            throw new IllegalArgumentException("instance must not be blank");
        }
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("metric must not be blank");
        }
        Objects.requireNonNull(label, "label must not be null: use \"\" for no label");
        if (!label.isEmpty() && label.indexOf('=') < 1) {
            throw new IllegalArgumentException("label '" + label + "' must be key=value, or empty");
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("value of " + metric + " must be a finite number, was " + value);
        }
    }

    /** The label {@code key=value}. */
    public static String label(String key, String value) {
        return key + "=" + value;
    }

    /** The record value on {@link Topics#PAYPULSE_METRICS}, UTF-8 JSON. */
    public byte[] toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("ts", tsMillis);
        node.put("source", source);
        node.put("instance", instance);
        node.put("metric", metric);
        node.put("label", label);
        node.put("value", value);
        node.put("kind", kind);
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a record value; {@link IllegalArgumentException} says what is wrong with it. */
    public static PipelineMetric fromJson(byte[] json) {
        if (json == null) {
            throw new IllegalArgumentException("no value");
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode ts = node.get("ts");
        JsonNode value = node.get("value");
        if (ts == null || !ts.isIntegralNumber()) {
            throw new IllegalArgumentException("\"ts\" must be epoch milliseconds");
        }
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException("\"value\" must be a number");
        }
        return new PipelineMetric(ts.asLong(), text(node, "source"), text(node, "instance"), text(node, "metric"),
                text(node, "label"), value.asDouble(), text(node, "kind"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a string");
        }
        return value.asText();
    }

    private static void requireOneOf(String value, Set<String> allowed, String name) {
        if (value == null || !allowed.contains(value)) {
            throw new IllegalArgumentException(name + " must be one of " + allowed + ", was " + value);
        }
    }

    /** For logs: never large, never personal. */
    @Override
    public String toString() {
        return source + "/" + instance + " " + metric + (label.isEmpty() ? "" : "{" + label + "}") + "=" + value;
    }
}
