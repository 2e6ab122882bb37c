package io.paypulse.schemas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the Kafka topics of the contract that a cluster does not have yet. Idempotent: existing
 * topics are left alone, and one whose partition count differs from the spec is reported, not changed.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    /** A sensible bound for one provisioning run against a healthy cluster. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final String UNREACHABLE_HINT = "start it or set KAFKA_BOOTSTRAP_SERVERS";
    private static final String UNREACHABLE_HINT_CLIENT_CONFIG = "start it, set KAFKA_BOOTSTRAP_SERVERS, or for a TLS or "
            + "SASL listener check the security settings in the file KAFKA_CLIENT_CONFIG names";

    private final Admin admin;
    private final Duration timeout;
    private final String target;
    private final String unreachableHint;

    /**
     * @param admin admin client to use; not closed by this class
     * @param timeout bound on each round trip to the cluster
     */
    public TopicProvisioner(Admin admin, Duration timeout) {
        this(admin, timeout, "Kafka", UNREACHABLE_HINT);
    }

    private TopicProvisioner(Admin admin, Duration timeout, String target, String unreachableHint) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        this.target = target;
        this.unreachableHint = unreachableHint;
    }

    /** Opens an admin client on {@code bootstrapServers}, provisions {@code specs}, and closes it. */
    public static Result provision(String bootstrapServers, Collection<TopicSpec> specs, Duration timeout) {
        return provision(bootstrapServers, null, specs, timeout);
    }

    /**
     * Like {@link #provision(String, Collection, Duration)}, with the Kafka client properties (TLS, SASL) the
     * other clients of the cluster use, such as those of {@code KAFKA_CLIENT_CONFIG}; null for none.
     */
    public static Result provision(String bootstrapServers, Properties clientProperties, Collection<TopicSpec> specs,
                                   Duration timeout) {
        return withCluster(bootstrapServers, clientProperties, timeout, provisioner -> provisioner.provision(specs));
    }

    /**
     * Opens an admin client on {@code bootstrapServers} with {@code clientProperties} (null for none), runs
     * {@code work} with a provisioner over it, and closes it: one connection for several steps.
     */
    public static <T> T withCluster(String bootstrapServers, Properties clientProperties, Duration timeout,
                                    Function<TopicProvisioner, T> work) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is empty: set KAFKA_BOOTSTRAP_SERVERS, e.g. localhost:9092");
        }
        Properties props = new Properties();
        if (clientProperties != null) {
            props.putAll(clientProperties);
        }
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Without these the admin client keeps retrying an absent broker for a minute per call.
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "paypulse-topic-provisioner");
        Admin admin;
        try {
            admin = Admin.create(props);
        } catch (KafkaException e) {
            if (clientProperties == null) {
                throw e;
            }
            // Only the top-level message: Kafka's ConfigException names the setting and hides password values.
            throw new ProvisioningException("the Kafka client settings are not valid (" + e.getMessage()
                    + "): fix them in KAFKA_BOOTSTRAP_SERVERS or in the file KAFKA_CLIENT_CONFIG names", e);
        }
        try (admin) {
            return work.apply(new TopicProvisioner(admin, timeout, "Kafka at " + bootstrapServers,
                    clientProperties == null ? UNREACHABLE_HINT : UNREACHABLE_HINT_CLIENT_CONFIG));
        }
    }

    /** Fails with a {@link MissingTopicException} whose message ends in {@code hint} when {@code topic} does not exist. */
    public void requireExisting(String topic, String hint) {
        if (!topicNames().contains(topic)) {
            throw new MissingTopicException("topic " + topic + " does not exist on " + target + ": " + hint);
        }
    }

    /** Creates the missing topics among {@code specs} and checks the partition count of the others. */
    public Result provision(Collection<TopicSpec> specs) {
        Set<String> existing = topicNames();

        List<String> created = new ArrayList<>();
        List<TopicSpec> present = new ArrayList<>();
        List<TopicSpec> missing = new ArrayList<>();
        for (TopicSpec spec : specs) {
            (existing.contains(spec.name()) ? present : missing).add(spec);
        }

        if (!missing.isEmpty()) {
            int brokers = brokersSeen();
            Map<String, NewTopic> requests = new LinkedHashMap<>();
            for (TopicSpec spec : missing) {
                requests.put(spec.name(), spec.toNewTopic(brokers));
            }
            CreateTopicsResult result = admin.createTopics(requests.values(), new CreateTopicsOptions().timeoutMs(timeoutMs()));
            for (TopicSpec spec : missing) {
                try {
                    await(result.values().get(spec.name()), "create topic " + spec.name());
                    created.add(spec.name());
                    NewTopic request = requests.get(spec.name());
                    if (request.replicationFactor() < TopicSpec.DURABLE_REPLICAS && brokers > 1) {
                        LOG.warn("event=topic_created_with_fewer_replicas topic={} replication_factor={} brokers_up={}"
                                + " action=\"if the cluster has more brokers than are up now, raise the topic's"
                                + " replication factor to 3 (kafka-reassign-partitions) and set min.insync.replicas=2\"",
                                spec.name(), request.replicationFactor(), brokers);
                    }
                    LOG.info("event=topic_created topic={} partitions={} replication_factor={} brokers={} config=\"{}\"",
                            spec.name(), spec.partitions(), request.replicationFactor(), brokers,
                            request.configs().entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
                                    .collect(Collectors.joining(" ")));
                } catch (ProvisioningException e) {
                    // Another provisioner (a second bridge instance starting) won the race; the
                    // topic exists, which is all this method promises.
                    if (e.getCause() instanceof TopicExistsException) {
                        present.add(spec);
                    } else {
                        throw e;
                    }
                }
            }
        }

        List<PartitionMismatch> mismatches = checkPartitions(present);
        List<String> alreadyPresent = present.stream().map(TopicSpec::name).toList();
        return new Result(List.copyOf(created), alreadyPresent, mismatches);
    }

    private List<PartitionMismatch> checkPartitions(List<TopicSpec> present) {
        if (present.isEmpty()) {
            return List.of();
        }
        Map<String, TopicDescription> descriptions = describeOnceVisible(present.stream().map(TopicSpec::name).toList());
        List<PartitionMismatch> mismatches = new ArrayList<>();
        for (TopicSpec spec : present) {
            TopicDescription description = descriptions.get(spec.name());
            int replicas = description.partitions().isEmpty() ? 0 : description.partitions().get(0).replicas().size();
            if (spec.replicationFactor().isEmpty() && replicas > 0
                    && replicas < Math.min(brokersSeen(), TopicSpec.DURABLE_REPLICAS)) {
                // Not changed here: reassigning replicas is an operator's decision, with its own tooling.
                LOG.warn("event=topic_under_replicated topic={} replication_factor={} brokers={} action=\"an acknowledged "
                        + "record lives on fewer brokers than the cluster has: raise the topic's replication factor to 3 "
                        + "(kafka-reassign-partitions) and set min.insync.replicas=2\"", spec.name(), replicas, brokersSeen());
            }
            int actual = description.partitions().size();
            if (actual != spec.partitions()) {
                mismatches.add(new PartitionMismatch(spec.name(), spec.partitions(), actual));
                // Not fixed automatically: Kafka can only add partitions, and adding them moves keys
                // to other partitions, which breaks per-event-id ordering for records in flight.
                if (actual > spec.partitions()) {
                    // E.g. stripe.events created when its spec said 12: it works as it is, and cannot shrink.
                    LOG.info("event=topic_partition_mismatch topic={} expected_partitions={} actual_partitions={} "
                            + "action=none note=\"more partitions than the spec works as is; the spec's count is for new "
                            + "topics\"", spec.name(), spec.partitions(), actual);
                } else {
                    LOG.warn("event=topic_partition_mismatch topic={} expected_partitions={} actual_partitions={} "
                            + "action=none note=\"fewer partitions than the spec limits how many parallel consumers "
                            + "share the topic\"", spec.name(), spec.partitions(), actual);
                }
            }
        }
        return List.copyOf(mismatches);
    }

    /**
     * Describes topics, waiting for them to show up: a topic that was just created (here or by a
     * racing instance) is listed by the controller a moment before every broker can describe it.
     */
    private Map<String, TopicDescription> describeOnceVisible(List<String> names) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMs = 50;
        while (true) {
            try {
                return await(admin.describeTopics(names, new DescribeTopicsOptions().timeoutMs(timeoutMs()))
                        .allTopicNames(), "describe topics " + names);
            } catch (ProvisioningException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProvisioningException("Interrupted while waiting for " + target + " to describe " + names, e);
            }
            pauseMs = Math.min(1000, pauseMs * 2);
        }
    }

    private int brokerCount = -1;

    /** How many brokers the cluster has; asked once. */
    private int brokersSeen() {
        if (brokerCount < 0) {
            brokerCount = await(admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs())).nodes(),
                    "describe the cluster").size();
        }
        return brokerCount;
    }

    private int timeoutMs() {
        return (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    }

    private Set<String> topicNames() {
        return await(admin.listTopics(new ListTopicsOptions().timeoutMs(timeoutMs())).names(), "list topics");
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("Interrupted while waiting for " + target + " to " + what, e);
        } catch (TimeoutException e) {
            throw unreachable(what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(what, cause);
            }
            throw new ProvisioningException(target + " refused to " + what + ": " + cause.getMessage(), cause);
        }
    }

    private ProvisioningException unreachable(String what, Throwable cause) {
        return new ProvisioningException(target + " did not answer within " + timeout.toSeconds()
                + "s (" + what + "); " + unreachableHint, cause);
    }

    /**
     * What a provisioning run did.
     *
     * @param created topics this run created
     * @param alreadyPresent topics that existed before (left unchanged)
     * @param partitionMismatches existing topics whose partition count differs from the spec
     */
    public record Result(List<String> created, List<String> alreadyPresent, List<PartitionMismatch> partitionMismatches) {
        public Result {
            created = List.copyOf(created);
            alreadyPresent = List.copyOf(alreadyPresent);
            partitionMismatches = List.copyOf(partitionMismatches);
        }
    }

    /**
     * An existing topic whose partition count differs from its spec.
     *
     * @param topic topic name
     * @param expected partitions in the spec
     * @param actual partitions on the cluster
     */
    public record PartitionMismatch(String topic, int expected, int actual) {
    }
}
