package io.paypulse.cli;

import io.paypulse.bridge.BridgeConfig;
import io.paypulse.flink.config.AlertingConfig;
import io.paypulse.schemas.ClickHouseConfig;
import io.paypulse.simulator.Incident;
import io.paypulse.simulator.SimDurations;
import io.paypulse.simulator.SimulatedClock;
import io.paypulse.simulator.SimulationProgress;
import io.paypulse.simulator.Simulator;
import io.paypulse.simulator.SimulatorConfig;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The simulation part of {@code run --simulate}: runs the simulator against the local bridge on a
 * thread of its own, and on this one prints a status line every few seconds from the simulator's
 * counters and from ClickHouse, says when an incident opens and when it resolves, and once the
 * scenario is over prints where the data is and how to look at it.
 */
final class SimulationRun {

    /** How long after the scenario's end its incidents may take to open and resolve before we give up waiting. */
    static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STATUS_EVERY = Duration.ofSeconds(5);
    private static final Duration STATUS_EVERY_AFTER_SUMMARY = Duration.ofSeconds(30);
    private static final String MARKER = ".paypulse-simulation";
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_HH_MM = DateTimeFormatter.ofPattern("EEE HH:mm").withZone(ZoneOffset.UTC);

    private final SimulatorConfig config;
    private final ClickHouseConfig clickHouse;
    private final String kafka;
    private final int flinkUiPort;
    private final Path data;
    private final boolean exitAfterScenario;
    /** The job's detector warm-up, from the settings the job was started with: no alert before it. */
    private final Duration warmUp;

    SimulationRun(EnvOverrides env, URI webhook, String secret, ClickHouseConfig clickHouse, int flinkUiPort, Path data,
                  boolean exitAfterScenario) {
        this.config = SimulatorConfig.fromEnv(env.set(SimulatorConfig.ENV_URL, webhook).set(SimulatorConfig.ENV_SECRET, secret)
                .asMap());
        this.clickHouse = clickHouse;
        this.kafka = env.get(BridgeConfig.ENV_KAFKA);
        this.flinkUiPort = flinkUiPort;
        this.data = data;
        this.exitAfterScenario = exitAfterScenario;
        this.warmUp = Duration.ofMinutes(AlertingConfig.fromEnv(env.asMap()).detectorConfig().warmupWindows());
        if (exitAfterScenario && config.scenario().duration().isEmpty()) {
            throw new IllegalArgumentException("--exit-after-scenario needs a scenario with a duration; '"
                    + config.scenario().name() + "' runs until stopped");
        }
    }

    /**
     * {@code <data>/simulation}, emptied: a simulation replays the recent past, and a previous simulation's
     * job state would have judged those minutes already. Only a directory this class made is ever emptied.
     */
    static Path freshDataDir(Path data) throws IOException {
        Path dir = data.resolve("simulation");
        if (Files.exists(dir)) {
            if (!Files.exists(dir.resolve(MARKER))) {
                throw new IllegalStateException(dir + " exists but was not made by run --simulate; move it away or use another"
                        + " --data-dir");
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "made by ./paypulse run --simulate; emptied at its next start\n");
        return dir;
    }

    /** Runs until a signal (or, with --exit-after-scenario, until the scenario has played out); the exit code. */
    int run(ShutdownSignal signal) throws Exception {
        Simulator simulator = Simulator.create(config);
        AtomicBoolean scenarioOver = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                simulator.run(!exitAfterScenario, Duration.ofDays(1), new Simulator.Listener() {
                    @Override
                    public void progress(SimulationProgress progress) {
                        // The status line below reports progress, with what ClickHouse shows.
                    }

                    @Override
                    public void scenarioEnded(SimulationProgress progress) {
                        scenarioOver.set(true);
                    }
                });
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "simulator");
        thread.setDaemon(true);
        Console.info("");
        Console.step("simulating '" + config.scenario().name() + "': " + SimulateCommand.describe(config));
        if (!config.scenario().description().isBlank()) {
            Console.done(config.scenario().description());
        }
        thread.start();
        SimulatedClock clock = awaitClock(simulator, thread, failure);
        long since = Math.floorDiv(clock.start() / 1000, 60) * 60;
        SimulationWatch watch = new SimulationWatch(clickHouse, since);
        Map<String, SimulationWatch.IncidentRow> seen = new HashMap<>();
        Map<String, Integer> waiting = new HashMap<>();
        // A fresh job's detectors alert only after their warm-up (60 windows by default): an incident that
        // starts before it cannot open here, and waiting for one would end in "none opened".
        List<Incident> paging = config.scenario().incidents().stream().filter(i -> !(i instanceof Incident.PayoutDelay))
                .toList();
        boolean expectIncidents = paging.stream().anyMatch(i -> i.start().compareTo(warmUp) >= 0);
        if (!paging.isEmpty() && !expectIncidents) {
            Console.done("this scenario's incidents start within the detectors' warm-up of a fresh job ("
                    + SimDurations.format(warmUp) + " of history), so none will open here; run it against a job"
                    + " that has an hour of live history");
        }
        Duration every = STATUS_EVERY;
        long scenarioOverAt = -1;
        boolean summarized = false;
        while (true) {
            String name = signal.await(every);
            if (name != null) {
                Console.info(ShutdownSignal.stoppingLine(name));
                simulator.stop();
                thread.join(10_000);
                return 0;
            }
            if (failure.get() != null) {
                throw new IllegalStateException("the simulator stopped: " + PaypulseCommand.describe(failure.get()), failure.get());
            }
            SimulationProgress p = simulator.progress();
            SimulationWatch.Snapshot snapshot = null;
            String clickHouseText;
            try {
                snapshot = watch.poll();
                clickHouseText = clickHouseText(snapshot);
                reportIncidents(snapshot, seen, waiting);
            } catch (IOException e) {
                // Says "ClickHouse at <url> ..." and what to do, on one line.
                clickHouseText = e.getMessage();
            }
            Console.info(statusLine(p, clock) + " | " + clickHouseText);
            if (scenarioOver.get() && scenarioOverAt < 0) {
                scenarioOverAt = System.currentTimeMillis();
            }
            boolean settled = snapshot != null && (!expectIncidents || !snapshot.incidents().isEmpty() && snapshot.open() == 0);
            // Deliveries still due or being retried (the bridge answered 503, say) finish before the summary counts them.
            boolean delivered = p.unsettled() == 0;
            boolean gaveUp = scenarioOverAt >= 0 && System.currentTimeMillis() - scenarioOverAt > SETTLE_TIMEOUT.toMillis();
            if (!summarized && scenarioOverAt >= 0 && (settled && delivered || gaveUp)) {
                summarized = true;
                summary(p, snapshot, settled);
                if (exitAfterScenario) {
                    simulator.stop();
                    thread.join(10_000);
                    return settled && p.lost() == 0 && delivered ? 0 : 1;
                }
                every = STATUS_EVERY_AFTER_SUMMARY;
            }
        }
    }

    /** The simulator's clock once it has started; a simulator that fails or ends before that is an error, not a hang. */
    private static final Duration CLOCK_TIMEOUT = Duration.ofSeconds(60);

    private static SimulatedClock awaitClock(Simulator simulator, Thread thread, AtomicReference<Throwable> failure)
            throws InterruptedException {
        long deadline = System.nanoTime() + CLOCK_TIMEOUT.toNanos();
        while (simulator.clock().isEmpty()) {
            if (failure.get() != null) {
                throw new IllegalStateException("the simulator could not start: " + PaypulseCommand.describe(failure.get()),
                        failure.get());
            }
            if (!thread.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the simulator did not start within " + CLOCK_TIMEOUT.toSeconds()
                        + " s");
            }
            thread.join(10);
        }
        return simulator.clock().get();
    }

    private String statusLine(SimulationProgress p, SimulatedClock clock) {
        String where = switch (p.phase()) {
            case REPLAY -> "replay " + DAY_HH_MM.format(Instant.ofEpochMilli(p.simulatedMillis())) + " UTC +"
                    + SimDurations.format(Duration.ofMinutes(p.scenarioOffset() / 60_000)) + " of "
                    + config.scenario().duration().map(SimDurations::format).orElse("?") + " at " + SimulateCommand.trim(clock.speedUp()) + "x";
            case FLUSHING -> "sending the last late deliveries";
            default -> "live " + HH_MM.format(Instant.ofEpochMilli(p.simulatedMillis())) + " UTC";
        };
        return String.format("[%s] sent %,d accepted %,d rejected %,d retries %,d lost %,d", where, p.requests(), p.accepted(),
                p.rejected(), p.retries(), p.lost()) + p.retryingText() + (p.behindMillis() > 5_000 ? String.format(" (behind %,ds)", p.behindMillis() / 1000) : "");
    }

    private static String clickHouseText(SimulationWatch.Snapshot s) {
        if (s.windows() == 0) {
            return "ClickHouse: no metrics yet | incidents: 0";
        }
        String last = s.lastAttempts() == 0 ? "" : String.format(", %s: %,d attempts %.1f%% declined",
                HH_MM.format(Instant.ofEpochSecond(s.lastWindowStart())), s.lastAttempts(), 100 * s.lastDeclineRate());
        return String.format("ClickHouse: minutes of metrics %,d%s | incidents: %d open, %d resolved", s.windows(), last, s.open(),
                s.incidents().size() - s.open());
    }

    /**
     * Polls an open incident waits for its page before it is reported: the anomalies reach ClickHouse before
     * the {@code alerts} row whose summary names the incident as on-call reads it (its most specific series,
     * "Visa declines in BR ..."), and until then the view names it by its worst anomaly ("Card declines ...").
     * One that is never paged (suppressed without a trigger row) is reported after this many polls.
     */
    static final int POLLS_BEFORE_UNPAGED_REPORT = 3;

    static void reportIncidents(SimulationWatch.Snapshot s, Map<String, SimulationWatch.IncidentRow> seen,
                                Map<String, Integer> waiting) {
        for (SimulationWatch.IncidentRow row : s.incidents()) {
            if (!seen.containsKey(row.id()) && row.open() && !row.paged()
                    && waiting.merge(row.id(), 1, Integer::sum) < POLLS_BEFORE_UNPAGED_REPORT) {
                continue;
            }
            waiting.remove(row.id());
            SimulationWatch.IncidentRow before = seen.put(row.id(), row);
            if (before == null) {
                Console.info(">>> INCIDENT OPENED: " + row.summary());
                Console.info("    incident " + row.id() + " (" + row.metric() + "), from the window of "
                        + HH_MM.format(Instant.ofEpochSecond(row.openedAt())) + " UTC; PagerDuty dedup key paypulse-" + row.id());
            }
            if (before != null && row.open() && !before.open()) {
                Console.info(">>> INCIDENT REOPENED within its cooldown, not paged again: " + row.summary());
            }
            if (!row.open() && (before == null || before.open())) {
                Console.info(">>> INCIDENT RESOLVED: " + row.summary());
                Console.info("    open in event time from " + HH_MM.format(Instant.ofEpochSecond(row.openedAt())) + " to "
                        + HH_MM.format(Instant.ofEpochSecond(row.resolvedAt())) + " UTC");
            }
        }
    }

    private void summary(SimulationProgress p, SimulationWatch.Snapshot s, boolean settled) {
        String url = clickHouse.url();
        String db = clickHouse.database();
        Console.info("");
        Console.info("---- simulation '" + config.scenario().name() + "' played out ----");
        // Delivered counts distinct events, so delivered + lost adds up to the events; the 200s include the
        // duplicate and late redeliveries the scenario sends on purpose.
        String retrying = p.retryingText();
        Console.info(String.format("  traffic    %,d events (%,d charges, %.1f%% declined, %,d payouts) to %s: %,d delivered,"
                        + " %,d lost; %,d answered 200, with %,d duplicate and %,d late deliveries", p.events(), p.charges(),
                p.charges() == 0 ? 0.0 : 100.0 * p.declines() / p.charges(), p.payouts(), config.url(), p.eventsDelivered(),
                p.lost(), p.accepted(), p.duplicates(), p.late())
                + (p.unsettled() == 0 ? "" : String.format("; %,d not yet delivered (due or being retried%s)",
                        p.unsettled(), retrying.isEmpty() ? "" : ":" + retrying.substring(1))));
        if (s == null || s.incidents().isEmpty()) {
            Console.info("  incidents  none opened" + (settled ? "" : " within " + SimDurations.format(SETTLE_TIMEOUT)
                    + " of the scenario's end (the job's log is in " + data + ")"));
        } else {
            for (SimulationWatch.IncidentRow row : s.incidents()) {
                Console.info("  incident   " + row.status() + ": " + row.summary());
            }
        }
        Console.info("  data       ClickHouse " + url + ", database " + db + " (files in " + data.resolve("clickhouse") + ");"
                + " Kafka " + kafka + ", topic stripe.events");
        Console.info("  query      curl " + url + "/ --data-binary \"SELECT opened_at, status, summary FROM " + db
                + ".incidents ORDER BY opened_at DESC LIMIT 5\"");
        Console.info("             curl " + url + "/ --data-binary \"SELECT window_start, attempts, round(decline_rate, 3) AS rate"
                + " FROM " + db + ".decline_rates WHERE dimension_set = 'card_brand,card_country' AND card_brand = 'visa'"
                + " AND card_country = 'BR' ORDER BY window_start DESC LIMIT 30\"");
        Console.info("             more in README.md, \"Querying ClickHouse\"");
        Console.info("  flink UI   " + (flinkUiPort > 0 ? "http://localhost:" + flinkUiPort + " (the running job, its operators and checkpoints)"
                : "off (--flink-ui-port 0)"));
        if (exitAfterScenario) {
            // The queries above need the servers this stops: say how to serve the same data again.
            Console.info("  stopping (--exit-after-scenario); to query the data, serve it again with"
                    + " ./paypulse run --data-dir " + data + " (and the same port flags; without --simulate, which starts afresh)");
        } else {
            Console.info("  live traffic continues; a status line every " + STATUS_EVERY_AFTER_SUMMARY.toSeconds()
                    + " s. Ctrl-C stops everything.");
        }
        Console.info("");
    }

}
