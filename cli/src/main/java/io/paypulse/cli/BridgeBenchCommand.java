package io.paypulse.cli;

import io.paypulse.bridge.BridgeConfig;
import io.paypulse.bridge.BridgeHttpServer;
import io.paypulse.bridge.IngestBridge;
import io.paypulse.infra.LocalKafka;
import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpecs;
import io.paypulse.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * {@code paypulse bench bridge}: signed webhooks over real HTTP against the bridge and a real broker, and
 * the same HTTP server answering 200 with no work, so the bridge's cost shows as a ratio.
 */
@Command(name = "bridge",
        mixinStandardHelpOptions = true,
        description = {
                "Load-test the bridge over HTTP against a real Kafka broker, next to the same server doing no work.",
                "Signed webhooks go at a fixed concurrency to the bridge and to the same HTTP server answering 200 "
                        + "with no work, in alternating rounds after a warm-up. Reports accepted/s, p50/p99/max latency, "
                        + "CPU per request, the ratio of the two, and whether Kafka holds exactly the accepted events."})
final class BridgeBenchCommand implements Callable<Integer> {

    @Option(names = "--concurrency", defaultValue = "64", description = "Requests in flight at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--duration-seconds", defaultValue = "20", description = "Measured time per target (default ${DEFAULT-VALUE}).")
    int durationSeconds;

    // 30 s, not less: measured on 2 cores, C2 was still compiling the bridge's path (a third of a core) 13 s into
    // a 5 s warm-up, so a short one measures the JIT, not the bridge (docs/benchmarks.md).
    @Option(names = "--rounds", defaultValue = "4",
            description = "Split the measured time into this many rounds, alternating the no-work server and the bridge, "
                    + "so that a slow spell of the machine falls on both (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup-seconds", defaultValue = "30",
            description = "Unmeasured warm-up per target, long enough for the JIT to finish (default ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--kafka", paramLabel = "SERVERS",
            description = "Use this Kafka instead of starting a local broker (its stripe.events must be otherwise idle).")
    String kafka;

    private static final String SECRET = "whsec_bench_" + Long.toHexString(System.nanoTime());


    @Override
    public Integer call() throws Exception {
        if (concurrency < 1 || durationSeconds < 1 || warmupSeconds < 0 || rounds < 1 || rounds > durationSeconds) {
            throw new IllegalArgumentException("--concurrency and --duration-seconds must be at least 1, --warmup-seconds "
                    + "at least 0, and --rounds between 1 and --duration-seconds");
        }
        LocalKafka local = null;
        try {
            String bootstrap = kafka;
            if (bootstrap == null) {
                Console.step("starting a local Kafka broker");
                // Full JIT: the broker's steady-state cost is part of what is measured, not its start-up time.
                local = LocalKafka.builder().jvmOption("-XX:TieredStopAtLevel=4").jvmOption("-Xmx1g").build().start();
                bootstrap = local.bootstrapServers();
            }
            TopicProvisioner.provision(bootstrap, BridgeConfig.clientPropertiesFromEnv(EnvOverrides.fromSystem().asMap()),
                    TopicSpecs.load().all(), TopicProvisioner.DEFAULT_TIMEOUT);
            long onKafkaBefore = countRecords(bootstrap);

            HttpClient client = new HttpClient();
            client.setMaxConnectionsPerDestination(concurrency);
            client.setMaxRequestsQueuedPerDestination(concurrency * 4);
            client.start();
            Server noop = BridgeHttpServer.create("127.0.0.1", 0, new NoWork(), Duration.ofSeconds(5));
            // The bridge's tuning variables (BRIDGE_KAFKA_LINGER_MS, ...) apply, so they can be compared.
            try (IngestBridge bridge = IngestBridge.start(BridgeConfig.fromEnv(EnvOverrides.fromSystem()
                    .set(BridgeConfig.ENV_SECRETS, SECRET)
                    .set(BridgeConfig.ENV_KAFKA, bootstrap)
                    .set(BridgeConfig.ENV_BIND_HOST, "127.0.0.1")
                    .set(BridgeConfig.ENV_PORT, "0")
                    .asMap()))) {
                noop.start();
                Target baseline = new Target("no-work server",
                        URI.create("http://127.0.0.1:" + BridgeHttpServer.localPort(noop) + "/webhooks/stripe"));
                Target measured = new Target("bridge        ", bridge.webhookUri());
                Duration warmup = Duration.ofSeconds(warmupSeconds);
                Console.step("warming up the HTTP server with no work, then the bridge (" + warmupSeconds + " s each, "
                        + concurrency + " in flight)");
                run(client, baseline, warmup, null);
                run(client, measured, warmup, null);
                // Alternating short rounds, so that a slow spell of the machine falls on both targets alike.
                Duration round = Duration.ofMillis(durationSeconds * 1000L / rounds);
                List<Double> ratios = new ArrayList<>();
                List<Double> baselineRates = new ArrayList<>();
                List<Double> bridgeRates = new ArrayList<>();
                for (int r = 1; r <= rounds; r++) {
                    Console.step("round " + r + " of " + rounds + ": " + round.toMillis() / 1000.0 + " s each");
                    double baselineRate = measure(client, baseline, round, local);
                    double bridgeRate = measure(client, measured, round, local);
                    ratios.add(bridgeRate / baselineRate);
                    baselineRates.add(baselineRate);
                    bridgeRates.add(bridgeRate);
                }
                long onKafka = countRecords(bootstrap) - onKafkaBefore;

                System.out.printf("bridge bench: concurrency=%d duration=%ds in %d rounds warmup=%ds cores=%d%n",
                        concurrency, durationSeconds, rounds, warmupSeconds, Runtime.getRuntime().availableProcessors());
                System.out.println(baseline.line());
                System.out.println(measured.line());
                System.out.println(baseline.cpuLine());
                System.out.println(measured.cpuLine());
                System.out.printf("ratio (bridge accepted/s / no-work 200/s): %.2f (rounds: %s)%n",
                        measured.perSecond() / baseline.perSecond(),
                        ratios.stream().map(x -> String.format("%.2f", x)).collect(Collectors.joining(" ")));
                System.out.printf("rounds, answers/s: no-work %s; bridge %s%n", thousands(baselineRates), thousands(bridgeRates));
                long totalOk = measured.source.ok.get();
                boolean match = onKafka == totalOk;
                System.out.printf("kafka: %d records on %s, %d webhooks answered 200: %s%n", onKafka, Topics.STRIPE_EVENTS,
                        totalOk, match ? "match" : "MISMATCH");
                return match ? 0 : 2;
            } finally {
                noop.stop();
                client.stop();
            }
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    /**
     * One measured round against {@code target}, added to its totals; returns the round's answers per second.
     * {@code broker}: the local broker when this run started one, so its CPU is reported next to this JVM's.
     */
    private double measure(HttpClient client, Target target, Duration time, LocalKafka broker) throws InterruptedException {
        long okBefore = target.source.ok.get();
        long failedBefore = target.latencies.failed.get();
        Cpu cpuBefore = Cpu.now(broker);
        long started = System.nanoTime();
        run(client, target, time, target.latencies);
        double seconds = (System.nanoTime() - started) / 1e9;
        Cpu cpu = Cpu.now(broker).minus(cpuBefore);
        long ok = target.source.ok.get() - okBefore;
        target.add(ok, target.latencies.failed.get() - failedBefore, seconds, cpu);
        return ok / seconds;
    }

    /** Keeps {@code concurrency} requests in flight until the time is up, then waits for the last answers. */
    private void run(HttpClient client, Target target, Duration time, Latencies latencies) throws InterruptedException {
        WebhookSource source = target.source;
        long endAt = System.nanoTime() + time.toNanos();
        CountDownLatch loopsDone = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            new Runnable() {
                @Override
                public void run() {
                    if (System.nanoTime() >= endAt) {
                        loopsDone.countDown();
                        return;
                    }
                    String[] webhook = source.next();
                    long t0 = System.nanoTime();
                    client.POST(target.uri)
                            .headers(h -> h.put("Stripe-Signature", webhook[1]))
                            .body(new BytesRequestContent("application/json", webhook[0].getBytes(StandardCharsets.UTF_8)))
                            .timeout(30, TimeUnit.SECONDS)
                            .send(result -> {
                                boolean ok = result.isSucceeded() && result.getResponse().getStatus() == 200;
                                if (ok) {
                                    source.ok.incrementAndGet();
                                }
                                if (latencies != null) {
                                    latencies.record(System.nanoTime() - t0, ok);
                                }
                                this.run();
                            });
                }
            }.run();
        }
        if (!loopsDone.await(time.toSeconds() + 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("requests did not finish within 60 s after the run ended");
        }
    }

    private static String thousands(List<Double> rates) {
        return rates.stream().map(x -> String.format("%.1fk", x / 1000)).collect(Collectors.joining(" "));
    }

    private static long countRecords(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            int partitions = admin.describeTopics(java.util.List.of(Topics.STRIPE_EVENTS)).allTopicNames().get()
                    .get(Topics.STRIPE_EVENTS).partitions().size();
            Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
            for (int i = 0; i < partitions; i++) {
                request.put(new TopicPartition(Topics.STRIPE_EVENTS, i), OffsetSpec.latest());
            }
            return admin.listOffsets(request).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    /** Unique signed webhooks of a realistic size, made from a few templates so the client stays cheap. */
    private static final class WebhookSource {
        private static final String PLACEHOLDER = "evt_PLACEHOLDER";
        private final String[][] templates;
        private final AtomicLong sequence = new AtomicLong();
        private final String run = Long.toHexString(System.nanoTime());
        final AtomicLong ok = new AtomicLong();

        WebhookSource() {
            long now = Instant.now().getEpochSecond();
            String[] bodies = {
                    StripeEventSamples.chargeSucceeded(PLACEHOLDER, "ch_3Pbench", now, "visa", "BR", 4999, "brl"),
                    StripeEventSamples.chargeFailed(PLACEHOLDER, "ch_3Pbench", now, "mastercard", "US", 1250, "usd",
                            "card_declined", "do_not_honor"),
                    StripeEventSamples.payout(PLACEHOLDER, "payout.paid", "po_1Pbench", now, now + 172_800, 250_000, "usd", "standard"),
            };
            templates = Arrays.stream(bodies).map(b -> b.split(PLACEHOLDER, 2)).toArray(String[][]::new);
        }

        /** {payload, Stripe-Signature}. */
        String[] next() {
            long n = sequence.getAndIncrement();
            String[] t = templates[(int) (n % templates.length)];
            String payload = t[0] + "evt_bench_" + run + "_" + n + t[1];
            return new String[]{payload, StripeEventSamples.signatureHeader(payload, SECRET, Instant.now().getEpochSecond())};
        }
    }

    /** Request latencies in nanoseconds, recorded from many threads into one preallocated array. */
    private static final class Latencies {
        private final long[] nanos;
        private final AtomicInteger size = new AtomicInteger();
        final AtomicLong failed = new AtomicLong();

        Latencies(int capacity) {
            nanos = new long[capacity];
        }

        void record(long latency, boolean ok) {
            if (!ok) {
                failed.incrementAndGet();
            }
            int i = size.getAndIncrement();
            if (i < nanos.length) {
                nanos[i] = latency;
            }
        }

        long[] sorted() {
            long[] copy = Arrays.copyOf(nanos, Math.min(size.get(), nanos.length));
            Arrays.sort(copy);
            return copy;
        }
    }

    /** CPU used so far by this JVM (load generator and server) and by the local broker, if there is one. */
    private record Cpu(Duration jvm, Optional<Duration> broker) {
        static Cpu now(LocalKafka broker) {
            Duration jvm = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
            return new Cpu(jvm, broker == null ? Optional.empty() : broker.cpuTime());
        }

        Cpu minus(Cpu before) {
            return new Cpu(jvm.minus(before.jvm), broker.flatMap(b -> before.broker.map(b::minus)));
        }

        Cpu plus(Cpu other) {
            return new Cpu(jvm.plus(other.jvm), broker.flatMap(b -> other.broker.map(b::plus)));
        }
    }

    /** One server under load: where it listens, its webhooks, and what its measured rounds add up to. */
    private final class Target {
        final String label;
        final URI uri;
        final WebhookSource source = new WebhookSource();
        // Room for 200,000 answers a second, four times what two cores manage with no work at all.
        final Latencies latencies = new Latencies(200_000 * durationSeconds);
        private long ok;
        private long failed;
        private double seconds;
        private Cpu cpu = new Cpu(Duration.ZERO, Optional.of(Duration.ZERO));

        Target(String label, URI uri) {
            this.label = label;
            this.uri = uri;
        }

        void add(long roundOk, long roundFailed, double roundSeconds, Cpu roundCpu) {
            ok += roundOk;
            failed += roundFailed;
            seconds += roundSeconds;
            cpu = cpu.plus(roundCpu);
        }

        double perSecond() {
            return ok / seconds;
        }

        /** CPU per answered request, in microseconds: this JVM (client and server), then the broker's share. */
        String cpuLine() {
            long answered = ok + failed;
            if (answered == 0) {
                return label + " no requests answered";
            }
            String line = String.format("%s cpu/request %5.1f us in this JVM (client + server)", label,
                    cpu.jvm().toNanos() / 1e3 / answered);
            return line + cpu.broker().map(b -> String.format(" + %4.1f us in the broker", b.toNanos() / 1e3 / answered)).orElse("");
        }

        String line() {
            long[] s = latencies.sorted();
            return String.format("%s %,9.0f ok/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  ok %d  failed %d",
                    label, perSecond(), ms(s, 0.50), ms(s, 0.99), s.length == 0 ? 0 : s[s.length - 1] / 1e6, ok, failed);
        }

        private static double ms(long[] sorted, double q) {
            if (sorted.length == 0) {
                return 0;
            }
            return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
        }
    }

    /** Reads the body and answers 200: the HTTP server's own cost, with none of the bridge's work. */
    private static final class NoWork extends Handler.Abstract.NonBlocking {
        private static final ByteBuffer OK = ByteBuffer.wrap("{\"received\":true}".getBytes(StandardCharsets.UTF_8));

        @Override
        public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                              Callback callback) {
            Content.Source.consumeAll(request, Callback.from(() -> {
                response.setStatus(200);
                response.getHeaders().put("Content-Type", "application/json");
                response.write(true, OK.slice(), callback);
            }, callback::failed));
            return true;
        }
    }
}
