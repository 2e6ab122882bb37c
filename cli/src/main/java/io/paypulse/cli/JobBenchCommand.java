package io.paypulse.cli;

import io.paypulse.flink.bench.JobThroughputBenchmark;
import io.paypulse.flink.bench.LandedRows;
import io.paypulse.flink.bench.Throughput;
import io.paypulse.flink.bench.TopicPrefill;
import io.paypulse.flink.bench.WebhookDelivery;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.infra.LocalClickHouse;
import io.paypulse.infra.LocalKafka;
import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.ClickHouseConfig;
import io.paypulse.schemas.ClickHouseMigrator;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpec;
import io.paypulse.schemas.TopicSpecs;
import io.paypulse.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code paypulse bench job}: events/s of the payment health job from a pre-filled topic to rows in
 * ClickHouse, and of a parse-only and a read-only job over the same topic, so the job's own cost shows as a ratio.
 */
@Command(name = "job",
        mixinStandardHelpOptions = true,
        description = {"Measure the payment health job's events/s from a pre-filled topic to ClickHouse, against a parse-only job.",
                "Pre-fills a fresh topic with realistic Stripe webhook deliveries (as the bridge writes them), "
                + "then runs, on one Flink MiniCluster, the full payment health job (Kafka to ClickHouse) and a "
                + "parse-only job (the same source and deserializer, and a streaming JSON parse of every body, into a "
                + "discarding sink) over the whole topic, then the source alone (read-only, bodies not parsed), then a store-only "
                + "job (the parse, and every delivery stored as received in stripe_events: the least any job that "
                + "keeps the raw events does). "
                + "Each job first runs, unmeasured, over a smaller warm-up topic, so the JIT has compiled it. "
                + "Prints events/s of each, the full job's ratio to each, and whether ClickHouse holds every event exactly once. "
                + "Kafka and ClickHouse start locally unless given; PAYPULSE_* job variables apply."})
final class JobBenchCommand implements Callable<Integer> {

    static final double TARGET_EVENTS_PER_SECOND = 20_000;
    static final double TARGET_RATIO = 0.5;

    /** The ClickHouse this run started, if it started one; its CPU is reported next to the job's. */
    private LocalClickHouse localClickHouse;

    @Option(names = "--events", paramLabel = "N", defaultValue = "500000",
            description = "Deliveries to pre-fill, redeliveries included (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--warmup-events", paramLabel = "N", defaultValue = "500000",
            description = "Deliveries on a second topic that each job runs over first, unmeasured, so the JIT has compiled "
                    + "the job before it is timed; 0 measures from cold (default ${DEFAULT-VALUE}).")
    long warmupEvents;

    @Option(names = "--kafka", paramLabel = "SERVERS",
            description = "Use this Kafka instead of starting a local broker; the benchmark creates, then deletes, topics of its own.")
    String kafka;

    @Option(names = "--clickhouse", paramLabel = "URL",
            description = "Use this ClickHouse (CLICKHOUSE_USER/_PASSWORD apply) instead of starting one; the benchmark "
                    + "creates, then drops, a database of its own.")
    String clickHouse;

    @Option(names = "--parallelism", paramLabel = "P", defaultValue = "2",
            description = "Parallelism of both jobs (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--checkpoint-seconds", paramLabel = "S", defaultValue = "0",
            description = "Checkpoint every S seconds as production does (exactly-once, filesystem storage); "
                    + "0 runs without checkpoints (default ${DEFAULT-VALUE}).")
    int checkpointSeconds;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the generated deliveries (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--timeout-minutes", defaultValue = "30",
            description = "A job still running after this long fails the run (default ${DEFAULT-VALUE}).")
    int timeoutMinutes;

    @Override
    public Integer call() throws Exception {
        if (events < 1 || parallelism < 1 || checkpointSeconds < 0 || timeoutMinutes < 1 || warmupEvents < 0) {
            throw new IllegalArgumentException("--events, --parallelism and --timeout-minutes must be at least 1, "
                    + "--checkpoint-seconds and --warmup-events at least 0");
        }
        String run = Long.toString(System.currentTimeMillis(), 36);
        Deque<AutoCloseable> cleanUp = new ArrayDeque<>();
        try {
            String bootstrap = kafka != null ? kafka : startKafka(cleanUp);
            ClickHouseConfig server = ClickHouseConfig.fromEnv(EnvOverrides.fromSystem()
                    .set(ClickHouseConfig.ENV_URL, clickHouse != null ? clickHouse : startClickHouse(cleanUp))
                    .asMap());

            String topic = "bench.stripe.events." + run;
            String warmupTopic = topic + ".warmup";
            Console.step("creating topic " + topic + (warmupEvents > 0 ? " and " + warmupTopic : "") + " as "
                    + Topics.STRIPE_EVENTS + " is specified");
            TopicSpecs specs = TopicSpecs.load();
            TopicSpec spec = specs.get(Topics.STRIPE_EVENTS);
            for (String name : warmupEvents > 0 ? List.of(topic, warmupTopic) : List.of(topic)) {
                provision(bootstrap, spec, name, cleanUp);
            }
            // The job reports its own counters to Kafka as in production; a topic of the run's own keeps them
            // out of a real paypulse.metrics when --kafka names a shared cluster.
            String metricsTopic = "bench.paypulse.metrics." + run;
            provision(bootstrap, specs.get(Topics.PAYPULSE_METRICS), metricsTopic, cleanUp);

            ClickHouseConfig ch = server.withDatabase("bench_job_" + run);
            ClickHouseConfig warmupCh = server.withDatabase("bench_job_" + run + "_warmup");
            ClickHouseConfig storeCh = server.withDatabase("bench_job_" + run + "_store");
            for (ClickHouseConfig db : warmupEvents > 0 ? List.of(ch, storeCh, warmupCh) : List.of(ch, storeCh)) {
                Console.step("migrating a fresh database " + db.database() + " at " + db.url());
                new ClickHouseMigrator(db).migrate();
                cleanUp.push(() -> dropDatabase(db));
            }

            DeliveryMix mix = prefill(bootstrap, topic, events, seed);
            if (warmupEvents > 0) {
                prefill(bootstrap, warmupTopic, warmupEvents, seed + 1);
            }

            JobConfig job = jobConfig(bootstrap, topic, metricsTopic, "paypulse-bench-" + run);
            Path checkpoints = Files.createTempDirectory("paypulse-bench-checkpoints-");
            JobThroughputBenchmark.Settings settings = new JobThroughputBenchmark.Settings(job, ch, parallelism,
                    checkpointSeconds == 0 ? null : Duration.ofSeconds(checkpointSeconds), checkpoints,
                    Duration.ofMinutes(timeoutMinutes));
            Throughput full;
            Throughput parseOnly;
            Throughput readOnly;
            Throughput storeOnly;
            LandedRows landed;
            long stored;
            Optional<Double> clickHouseCpuMicrosPerEvent;
            Optional<Double> storeOnlyClickHouseCpuMicrosPerEvent;
            try (JobThroughputBenchmark bench = JobThroughputBenchmark.start(settings, Console::done)) {
                if (warmupEvents > 0) {
                    warmUp(bench.over(jobConfig(bootstrap, warmupTopic, metricsTopic,
                            "paypulse-bench-" + run + "-warmup"), warmupCh), warmupCh);
                    // Gone before the timed runs, so that its background merges do not share their CPU.
                    dropDatabase(warmupCh);
                }
                Console.step("running the full job (parallelism " + parallelism + ", load average "
                        + loadAverage() + ")");
                Optional<Duration> clickHouseCpuBefore = clickHouseCpu();
                full = bench.fullJob(events);
                Console.done(String.format("finished in %.1f s", full.seconds()));
                clickHouseCpuMicrosPerEvent = clickHouseCpuPerEvent(clickHouseCpuBefore);
                Console.step("counting rows in ClickHouse");
                landed = LandedRows.count(ch);
                // Gone before the other jobs run, so that its background merges do not share their CPU.
                dropDatabase(ch);
                Console.step("running the parse-only job (load average " + loadAverage() + ")");
                parseOnly = bench.parseOnly(events);
                Console.done(String.format("finished in %.1f s", parseOnly.seconds()));
                Console.step("running the read-only job (load average " + loadAverage() + ")");
                readOnly = bench.readOnly(events);
                Console.done(String.format("finished in %.1f s", readOnly.seconds()));
                Console.step("running the store-only job (load average " + loadAverage() + ")");
                Optional<Duration> storeCpuBefore = clickHouseCpu();
                storeOnly = bench.storeOnly(storeCh, events);
                Console.done(String.format("finished in %.1f s", storeOnly.seconds()));
                storeOnlyClickHouseCpuMicrosPerEvent = clickHouseCpuPerEvent(storeCpuBefore);
                stored = LandedRows.storedEvents(storeCh);
            }
            return report(mix, full, parseOnly, readOnly, storeOnly, landed, stored, clickHouseCpuMicrosPerEvent,
                    storeOnlyClickHouseCpuMicrosPerEvent);
        } finally {
            closeAll(cleanUp);
        }
    }

    /** Each job once over the warm-up topic, timed but not reported, so the measured runs find the code compiled. */
    private void warmUp(JobThroughputBenchmark warm, ClickHouseConfig database) throws Exception {
        try (warm) {
            Console.step(String.format("warming up: the four jobs over %,d other deliveries, not measured", warmupEvents));
            Throughput full = warm.fullJob(warmupEvents);
            Throughput parseOnly = warm.parseOnly(warmupEvents);
            Throughput readOnly = warm.readOnly(warmupEvents);
            Throughput storeOnly = warm.storeOnly(database, warmupEvents);
            Console.done(String.format("warm-up done (full %,.0f/s, parse-only %,.0f/s, read-only %,.0f/s, store-only "
                    + "%,.0f/s while compiling)", full.eventsPerSecond(), parseOnly.eventsPerSecond(),
                    readOnly.eventsPerSecond(), storeOnly.eventsPerSecond()));
        }
    }

    private static void provision(String bootstrap, TopicSpec spec, String name, Deque<AutoCloseable> cleanUp) {
        TopicProvisioner.provision(bootstrap, List.of(new TopicSpec(name, spec.description(), spec.partitions(),
                spec.replicationFactor(), spec.config())), TopicProvisioner.DEFAULT_TIMEOUT);
        cleanUp.push(() -> deleteTopic(bootstrap, name));
    }

    private static JobConfig jobConfig(String bootstrap, String topic, String metricsTopic, String consumerGroup) {
        return JobConfig.fromEnv(EnvOverrides.fromSystem()
                .set(JobConfig.ENV_KAFKA_BOOTSTRAP_SERVERS, bootstrap)
                .set(JobConfig.ENV_TOPIC, topic)
                .set(JobConfig.ENV_METRICS_TOPIC, metricsTopic)
                .set(JobConfig.ENV_CONSUMER_GROUP, consumerGroup)
                .asMap());
    }

    private DeliveryMix prefill(String bootstrap, String topic, long events, long seed) {
        Console.step(String.format("pre-filling %s with %,d deliveries", topic, events));
        DeliveryMix mix = new DeliveryMix(seed);
        long started = System.nanoTime();
        long nextReport = started + TimeUnit.SECONDS.toNanos(2);
        try (TopicPrefill prefill = TopicPrefill.open(bootstrap, topic, "bench-bridge-1")) {
            for (long i = 0; i < events; i++) {
                prefill.send(mix.next(i));
                if (System.nanoTime() >= nextReport) {
                    Console.done(String.format("%,d of %,d sent, %,d acknowledged", i + 1, events, prefill.acknowledged()));
                    nextReport += TimeUnit.SECONDS.toNanos(2);
                }
            }
            prefill.flush();
        }
        Console.done(String.format("%,d deliveries (%,d distinct events, %,d redeliveries) in %.1f s",
                events, mix.distinctEvents, mix.redeliveries, (System.nanoTime() - started) / 1e9));
        return mix;
    }

    private int report(DeliveryMix mix, Throughput full, Throughput parseOnly, Throughput readOnly, Throughput storeOnly,
                       LandedRows landed, long stored, Optional<Double> clickHouseCpuMicrosPerEvent,
                       Optional<Double> storeOnlyClickHouseCpuMicrosPerEvent) {
        double ratio = full.eventsPerSecond() / parseOnly.eventsPerSecond();
        System.out.printf("job bench: events=%d parallelism=%d checkpoints=%s cores=%d seed=%d%n", events, parallelism,
                checkpointSeconds == 0 ? "off" : checkpointSeconds + "s", Runtime.getRuntime().availableProcessors(),
                seed);
        System.out.println(line(full));
        clickHouseCpuMicrosPerEvent.ifPresent(us -> System.out.printf(
                "%-15s ClickHouse server CPU %.1f us/event during the full job (the local server shares these cores)%n",
                "", us));
        System.out.println(line(parseOnly));
        System.out.println(line(readOnly));
        System.out.println(line(storeOnly));
        storeOnlyClickHouseCpuMicrosPerEvent.ifPresent(us -> System.out.printf(
                "%-15s ClickHouse server CPU %.1f us/event during the store-only job%n", "", us));
        System.out.printf("ratio (full / parse-only): %.2f; (full / read-only): %.2f%n", ratio,
                full.eventsPerSecond() / readOnly.eventsPerSecond());
        System.out.printf("ratio (store-only / parse-only): %.2f, the most any job that stores the raw events reaches here%n",
                storeOnly.eventsPerSecond() / parseOnly.eventsPerSecond());
        LandedRows expected = new LandedRows(mix.distinctEvents, mix.charges, mix.charges, mix.distinctEvents,
                mix.payouts, 0);
        List<String> differences = landed.differencesFrom(expected);
        System.out.printf("store-only: %,d stripe_events: %s%n", stored, stored == mix.distinctEvents
                ? "every distinct event once" : "MISMATCH, expected " + mix.distinctEvents);
        boolean allRead = full.events() == events && parseOnly.events() == events && readOnly.events() == events
                && storeOnly.events() == events;
        System.out.printf("clickhouse: %,d stripe_events, %,d payment_attempts, %,d attempts / %,d events / %,d payouts "
                        + "in the 'all' windows, %,d late_events: %s%n", landed.stripeEvents(), landed.paymentAttempts(),
                landed.declineAttempts(), landed.latencyEvents(), landed.settlementPayouts(), landed.lateEvents(),
                differences.isEmpty() ? "every distinct event exactly once" : "MISMATCH " + differences);
        if (!allRead) {
            System.out.printf("MISMATCH: the jobs read %d, %d, %d and %d records of %d%n", full.events(),
                    parseOnly.events(), readOnly.events(), storeOnly.events(), events);
        }
        System.out.printf("targets: full >= %,.0f events/s %s; ratio >= %.1f %s%n", TARGET_EVENTS_PER_SECOND,
                full.eventsPerSecond() >= TARGET_EVENTS_PER_SECOND ? "met" : "NOT MET", TARGET_RATIO,
                ratio >= TARGET_RATIO ? "met" : "NOT MET");
        return differences.isEmpty() && allRead && stored == mix.distinctEvents ? 0 : 2;
    }

    private static String line(Throughput t) {
        return String.format("%-15s %,9.0f events/s  (%,d events in %.2f s; Flink JVM CPU %.1f us/event)", t.job(),
                t.eventsPerSecond(), t.events(), t.seconds(), t.cpuMicrosPerEvent());
    }

    private static String startKafka(Deque<AutoCloseable> cleanUp) {
        Console.step("starting a local Kafka broker");
        // Full JIT: the broker's steady-state cost is part of what is measured, not its start-up time.
        LocalKafka local = LocalKafka.builder().jvmOption("-XX:TieredStopAtLevel=4").jvmOption("-Xmx1g").build();
        cleanUp.push(local);
        local.start();
        return local.bootstrapServers();
    }

    /** The local ClickHouse server's CPU since {@code before}, per event of the run; empty where unknown. */
    private Optional<Double> clickHouseCpuPerEvent(Optional<Duration> before) {
        return clickHouseCpu().flatMap(after -> before.map(b -> after.minus(b).toNanos() / 1e3 / events));
    }

    /** CPU the local ClickHouse server has used so far; empty for a given server or where the OS does not say. */
    private Optional<Duration> clickHouseCpu() {
        return localClickHouse == null ? Optional.empty() : localClickHouse.cpuTime();
    }

    private String startClickHouse(Deque<AutoCloseable> cleanUp) {
        Console.step("starting a local ClickHouse");
        LocalClickHouse local = LocalClickHouse.builder().build();
        cleanUp.push(local);
        local.start();
        localClickHouse = local;
        return local.httpUrl();
    }

    private static String loadAverage() {
        return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static void deleteTopic(String bootstrap, String topic) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void dropDatabase(ClickHouseConfig ch) throws Exception {
        try (Connection c = ch.connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + ch.database() + " SYNC");
        }
    }

    private static void closeAll(Deque<AutoCloseable> cleanUp) {
        while (!cleanUp.isEmpty()) {
            try {
                cleanUp.pop().close();
            } catch (Exception e) {
                Console.info("while cleaning up: " + PaypulseCommand.describe(e));
            }
        }
    }

    /**
     * Deliveries shaped like a busy Stripe platform's: about 100 events per second of event time, arriving up
     * to 4 s out of order and 0.2 to 3 s after {@code created} (a few much later); charges across card brands,
     * countries and their currencies, a share from Connect accounts; PaymentIntent events; a few payouts;
     * and 2 % redeliveries of an event already sent, a little later in the stream, as Stripe retries.
     * Deterministic for a seed.
     */
    static final class DeliveryMix {

        private static final long START = Instant.parse("2026-11-02T09:00:00Z").getEpochSecond();
        private static final int EVENTS_PER_SECOND = 100;
        private static final double REDELIVERY_SHARE = 0.02;
        private static final String[] BRANDS = {"visa", "visa", "visa", "visa", "visa", "mastercard", "mastercard",
                "mastercard", "amex", "discover"};
        private static final String[][] COUNTRY_CURRENCY = {{"US", "usd"}, {"US", "usd"}, {"US", "usd"}, {"GB", "gbp"},
                {"DE", "eur"}, {"FR", "eur"}, {"NL", "eur"}, {"BR", "brl"}, {"CA", "cad"}, {"AU", "aud"}, {"JP", "jpy"},
                {"IN", "inr"}};
        private static final String[][] DECLINES = {{"card_declined", "05"}, {"card_declined", "05"},
                {"insufficient_funds", "51"}, {"insufficient_funds", "51"}, {"expired_card", "54"},
                {"incorrect_cvc", "N7"}, {"processing_error", "96"}, {"card_declined", "59"}};

        private final SplittableRandom random;
        private final PriorityQueue<Redelivery> pending =
                new PriorityQueue<>((a, b) -> Long.compare(a.dueAt, b.dueAt));
        long distinctEvents;
        long redeliveries;
        long charges;
        long payouts;

        private record Redelivery(long dueAt, WebhookDelivery delivery) {
        }

        DeliveryMix(long seed) {
            this.random = new SplittableRandom(seed);
        }

        /** The {@code index}-th delivery on the topic. */
        WebhookDelivery next(long index) {
            if (!pending.isEmpty() && pending.peek().dueAt <= index) {
                WebhookDelivery first = pending.poll().delivery;
                redeliveries++;
                // Stripe retries minutes later; the body is the same, only the bridge's receipt time moves.
                return new WebhookDelivery(first.eventId(), first.type(), first.created(), first.apiVersion(),
                        first.account(), first.receivedAtMillis() + random.nextLong(60_000, 600_000), first.body());
            }
            WebhookDelivery delivery = event(index);
            distinctEvents++;
            if (random.nextDouble() < REDELIVERY_SHARE) {
                pending.add(new Redelivery(index + random.nextLong(20, 2_000), delivery));
            }
            return delivery;
        }

        private WebhookDelivery event(long index) {
            long created = START + index / EVENTS_PER_SECOND - random.nextInt(5);
            String id = String.format("evt_3Q%016x%010x", random.nextLong(), index);
            String account = random.nextInt(10) < 4 ? String.format("acct_1Q%012d", random.nextInt(25)) : "";
            int kind = random.nextInt(1000);
            String type;
            String body;
            if (kind < 620) {
                String[] place = COUNTRY_CURRENCY[random.nextInt(COUNTRY_CURRENCY.length)];
                String brand = BRANDS[random.nextInt(BRANDS.length)];
                long amount = Math.round(Math.exp(random.nextDouble(Math.log(500), Math.log(50_000))));
                String charge = "ch_3Q" + id.substring(6);
                charges++;
                if (kind < 500) {
                    type = "charge.succeeded";
                    body = StripeEventSamples.chargeSucceeded(id, charge, created, brand, place[0], amount, place[1]);
                } else {
                    type = "charge.failed";
                    String[] decline = DECLINES[random.nextInt(DECLINES.length)];
                    body = StripeEventSamples.chargeFailed(id, charge, created, brand, place[0], amount, place[1],
                            decline[0], decline[1]);
                }
            } else if (kind < 980) {
                type = kind < 890 ? "payment_intent.succeeded" : "payment_intent.payment_failed";
                body = StripeEventSamples.paymentIntent(id, type, "pi_3Q" + id.substring(6), created,
                        random.nextLong(500, 50_000), COUNTRY_CURRENCY[random.nextInt(COUNTRY_CURRENCY.length)][1]);
            } else {
                type = kind < 995 ? "payout.paid" : "payout.failed";
                boolean instant = random.nextInt(10) == 0;
                payouts++;
                body = StripeEventSamples.payout(id, type, "po_1Q" + id.substring(6), created,
                        created + (instant ? 1_800 : 172_800), random.nextLong(10_000, 5_000_000),
                        random.nextBoolean() ? "usd" : "eur", instant ? "instant" : "standard");
            }
            if (!account.isEmpty()) {
                // Stripe puts the Connect account at the top level of the event.
                body = "{\"account\":\"" + account + "\"," + body.substring(1);
            }
            long latencyMs = random.nextInt(200) == 0 ? random.nextLong(5_000, 25_000) : random.nextLong(200, 3_000);
            return new WebhookDelivery(id, type, created, StripeEventSamples.API_VERSION, account,
                    created * 1000 + latencyMs, body);
        }
    }
}
