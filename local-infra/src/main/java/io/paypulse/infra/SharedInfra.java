package io.paypulse.infra;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One Kafka broker and one ClickHouse server per JVM, started on first use and closed when the JVM exits, so the
 * tests of every module share them instead of paying a start-up each. Tests that stop or restart a server must
 * build their own {@link LocalKafka} or {@link LocalClickHouse}; the shared ones stay up for everyone.
 */
public final class SharedInfra {

    private static final Shared<LocalKafka> KAFKA = new Shared<>("Kafka", () -> LocalKafka.builder().build());
    private static final Shared<LocalClickHouse> CLICKHOUSE =
            new Shared<>("ClickHouse", () -> LocalClickHouse.builder().build());

    private SharedInfra() {
    }

    /** The JVM-wide broker, started on the first call. */
    public static LocalKafka kafka() {
        return KAFKA.get(LocalKafka::start);
    }

    /** The JVM-wide ClickHouse server, started on the first call. */
    public static LocalClickHouse clickHouse() {
        return CLICKHOUSE.get(LocalClickHouse::start);
    }

    /** Lazily started server whose failed start is remembered, so later tests fail at once instead of waiting again. */
    private static final class Shared<T> {
        private final String name;
        private final Supplier<T> factory;
        private T instance;
        private RuntimeException startFailure;

        Shared(String name, Supplier<T> factory) {
            this.name = name;
            this.factory = factory;
        }

        // No close here: the local-infra exit hook stops every server and deletes temporary data at JVM exit.
        synchronized T get(Consumer<T> start) {
            if (startFailure != null) {
                throw new LocalInfraException("the shared " + name + " failed to start earlier in this JVM: "
                        + startFailure.getMessage(), startFailure);
            }
            if (instance == null) {
                T created = factory.get();
                try {
                    start.accept(created);
                } catch (RuntimeException e) {
                    startFailure = e;
                    throw e;
                }
                instance = created;
            }
            return instance;
        }
    }
}
