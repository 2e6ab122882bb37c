package io.paypulse.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicSpecsTest {

    private static final long DAY_MS = 24L * 60 * 60 * 1000;

    @Test
    void topicConstantsMatchTheSpecFile() {
        assertEquals(List.of(Topics.STRIPE_EVENTS, Topics.STRIPE_EVENTS_DLQ, Topics.PAYPULSE_METRICS),
                TopicSpecs.load().names());
    }

    @Test
    void stripeEventsSpec() {
        TopicSpec spec = TopicSpecs.load().get(Topics.STRIPE_EVENTS);
        // 6, not more: fewer, fuller producer batches per webhook (docs/benchmarks.md), and Kafka can add partitions
        // later but never remove them.
        assertEquals(6, spec.partitions());
        assertEquals(Optional.empty(), spec.replicationFactor());
        assertEquals(String.valueOf(7 * DAY_MS), spec.config().get("retention.ms"));
        assertEquals("delete", spec.config().get("cleanup.policy"));
        assertTrue(!spec.description().isBlank());
    }

    @Test
    void dlqSpec() {
        TopicSpec spec = TopicSpecs.load().get(Topics.STRIPE_EVENTS_DLQ);
        assertEquals(3, spec.partitions());
        assertEquals(Optional.empty(), spec.replicationFactor());
        assertEquals(String.valueOf(30 * DAY_MS), spec.config().get("retention.ms"));
        assertEquals("delete", spec.config().get("cleanup.policy"));
    }

    @Test
    void metricsSpec() {
        TopicSpec spec = TopicSpecs.load().get(Topics.PAYPULSE_METRICS);
        assertEquals(3, spec.partitions());
        assertEquals(String.valueOf(7 * DAY_MS), spec.config().get("retention.ms"));
        assertEquals("delete", spec.config().get("cleanup.policy"));
    }

    @Test
    void newTopicLeavesReplicationToTheClusterUnlessPinned() {
        NewTopic request = TopicSpecs.load().get(Topics.STRIPE_EVENTS).toNewTopic();
        assertEquals(6, request.numPartitions());
        assertEquals(-1, request.replicationFactor(), "-1 asks the broker for default.replication.factor");
        assertEquals("604800000", request.configs().get("retention.ms"));

        TopicSpec pinned = new TopicSpec("t", "d", 1, Optional.of((short) 3), Map.of());
        assertEquals(3, pinned.toNewTopic().replicationFactor());
    }

    @Test
    void unpinnedTopicsGetThreeReplicasAndTwoInSyncWhereTheClusterHasThreeBrokers() {
        TopicSpec events = TopicSpecs.load().get(Topics.STRIPE_EVENTS);
        assertEquals(List.of("1/0", "2/0", "3/2", "3/2"), List.of(1, 2, 3, 5).stream()
                .map(TopicSpec::durableReplication).map(r -> r.replicas() + "/" + r.minInsyncReplicas()).toList());
        NewTopic onThree = events.toNewTopic(3);
        assertEquals(3, onThree.replicationFactor());
        assertEquals("2", onThree.configs().get("min.insync.replicas"));
        assertEquals("604800000", onThree.configs().get("retention.ms"));
        NewTopic onOne = events.toNewTopic(1);
        assertEquals(1, onOne.replicationFactor());
        // Below three replicas the brokers' own min.insync.replicas stands: a topic created while a broker
        // of three is down must not get a laxer one than the cluster's.
        assertEquals(null, onOne.configs().get("min.insync.replicas"));
        assertEquals(null, events.toNewTopic(2).configs().get("min.insync.replicas"));

        TopicSpec pinned = new TopicSpec("t", "d", 1, Optional.of((short) 2), Map.of("min.insync.replicas", "1"));
        assertEquals(2, pinned.toNewTopic(5).replicationFactor(), "a pinned replication factor wins");
        TopicSpec ownIsr = new TopicSpec("u", "d", 1, Optional.empty(), Map.of("min.insync.replicas", "3"));
        assertEquals("3", ownIsr.toNewTopic(5).configs().get("min.insync.replicas"), "the spec's own setting wins");
        assertThrows(IllegalArgumentException.class, () -> TopicSpec.durableReplication(0));
    }

    @Test
    void explicitReplicationFactorIsRead() {
        TopicSpecs specs = TopicSpecs.parse("""
                {"topics": [{"name": "a", "description": "d", "partitions": 2, "replicationFactor": 3}]}
                """, "test");
        assertEquals(Optional.of((short) 3), specs.get("a").replicationFactor());
        assertEquals(Map.of(), specs.get("a").config());
    }

    @Test
    void unknownFieldIsRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopicSpecs.parse("""
                {"topics": [{"name": "a", "description": "d", "partition": 2}]}
                """, "test.json"));
        assertTrue(e.getMessage().contains("test.json topics[0]") && e.getMessage().contains("\"partition\""),
                e.getMessage());
    }

    @Test
    void numericConfigValueIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopicSpecs.parse("""
                {"topics": [{"name": "a", "description": "d", "partitions": 1, "config": {"retention.ms": 5}}]}
                """, "test"));
        assertTrue(e.getMessage().contains("retention.ms"), e.getMessage());
    }

    @Test
    void duplicateTopicIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopicSpecs.parse("""
                {"topics": [{"name": "a", "description": "d", "partitions": 1},
                            {"name": "a", "description": "d", "partitions": 2}]}
                """, "test"));
        assertTrue(e.getMessage().contains("defined twice"), e.getMessage());
    }

    @Test
    void invalidValuesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec("a", "d", 0, Optional.empty(), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec("a b", "d", 1, Optional.empty(), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec("a", " ", 1, Optional.empty(), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec("a", "d", 1, Optional.of((short) 0), Map.of()));
    }

    @Test
    void unknownTopicLookupSaysWhatExists() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TopicSpecs.load().get("stripe.event"));
        assertTrue(e.getMessage().contains(Topics.STRIPE_EVENTS), e.getMessage());
    }
}
