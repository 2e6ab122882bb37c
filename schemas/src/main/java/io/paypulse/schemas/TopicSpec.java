package io.paypulse.schemas;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One Kafka topic as the contract in {@code kafka/topics.json} defines it: name, partition count,
 * optional replication factor (absent means the cluster default) and topic-level configs.
 *
 * @param name topic name
 * @param description what the topic holds, for people
 * @param partitions partition count, at least 1
 * @param replicationFactor replication factor, or empty to use the cluster's {@code default.replication.factor}
 * @param config topic-level configs passed to Kafka verbatim, e.g. {@code retention.ms}
 */
public record TopicSpec(
        String name,
        String description,
        int partitions,
        Optional<Short> replicationFactor,
        Map<String, String> config) {

    // Kafka's own rule for legal topic names (see org.apache.kafka.common.internals.Topic).
    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (!LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("Topic name '" + name
                    + "' is not a legal Kafka topic name: use 1-249 characters from [a-zA-Z0-9._-]");
        }
        if (description == null || description.isBlank()) {
            throw new IllegalArgumentException("Topic " + name + " needs a description saying what it holds");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("Topic " + name + " has partitions=" + partitions + ": it needs at least 1");
        }
        Objects.requireNonNull(replicationFactor, "replicationFactor (use Optional.empty() for the cluster default)");
        replicationFactor.ifPresent(rf -> {
            if (rf < 1) {
                throw new IllegalArgumentException("Topic " + name + " has replicationFactor=" + rf
                        + ": it needs at least 1, or leave it out to use the cluster default");
            }
        });
        Objects.requireNonNull(config, "config");
        config.forEach((key, value) -> {
            if (key == null || key.isBlank() || value == null) {
                throw new IllegalArgumentException("Topic " + name + " has a config entry without a key or value");
            }
        });
        // Sorted so logs and comparisons are stable whatever order the file used.
        config = Collections.unmodifiableMap(new TreeMap<>(config));
    }

    /** Replicas a topic gets when its spec pins none: three where the cluster has three brokers. */
    public static final short DURABLE_REPLICAS = 3;

    /**
     * The replication a cluster of {@code brokers} gives a topic whose spec pins none: as many replicas
     * as there are brokers, up to {@link #DURABLE_REPLICAS}, and {@code min.insync.replicas} 2 once there
     * are three, so that an {@code acks=all} acknowledgement (the bridge's 200) means two copies on two
     * brokers. Kafka's own defaults are one replica and one in-sync replica: one disk. With fewer than
     * three replicas {@code min.insync.replicas} is left to the brokers (0 here), so a topic created
     * while a broker is down never gets a laxer setting than the cluster's.
     *
     * @return the replication factor and the {@code min.insync.replicas} value, 0 for the brokers' own
     */
    public static Replication durableReplication(int brokers) {
        if (brokers < 1) {
            throw new IllegalArgumentException("a cluster has at least one broker, got " + brokers);
        }
        short replicas = (short) Math.min(brokers, DURABLE_REPLICAS);
        return new Replication(replicas, replicas >= 3 ? 2 : 0);
    }

    /** A replication factor and the {@code min.insync.replicas} that goes with it. */
    public record Replication(short replicas, int minInsyncReplicas) {
    }

    /**
     * The request to create this topic on a cluster of {@code brokers}: the spec's replication factor and
     * configs, and where the spec pins no replication factor, {@link #durableReplication}'s (a
     * {@code min.insync.replicas} in the spec's configs wins).
     */
    public NewTopic toNewTopic(int brokers) {
        if (replicationFactor.isPresent()) {
            return toNewTopic();
        }
        Replication r = durableReplication(brokers);
        Map<String, String> configs = new TreeMap<>(config);
        if (r.minInsyncReplicas() > 0) {
            configs.putIfAbsent("min.insync.replicas", Integer.toString(r.minInsyncReplicas()));
        }
        return new NewTopic(name, Optional.of(partitions), Optional.of(r.replicas())).configs(configs);
    }

    /** The request to create this topic; no replication factor unless the spec pins one. */
    public NewTopic toNewTopic() {
        return new NewTopic(name, Optional.of(partitions), replicationFactor).configs(config);
    }
}
