package io.paypulse.cli;

import io.paypulse.simulator.SimDurations;
import io.paypulse.simulator.SimulationProgress;
import io.paypulse.simulator.Simulator;
import io.paypulse.simulator.SimulatorConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code paypulse simulate}: realistic Stripe traffic with scripted incidents, as signed webhooks to a bridge. */
@Command(name = "simulate",
        mixinStandardHelpOptions = true,
        description = {
                "Send realistic Stripe traffic to a bridge as signed webhooks.",
                "Charges across card brands, countries, currencies and bank debits with each segment's decline rates "
                        + "and codes, PaymentIntent events, payouts, daily and weekly volume cycles, and Stripe's delivery "
                        + "habits (duplicates, reordering, retries minutes late). A scenario file scripts incidents: "
                        + "decline_spike, latency_spike, silence, payout_delay.",
                "A sped-up replay (--speed-up) starts in the past and ends now, so `created` never runs ahead of the "
                        + "wall clock; then, for scenarios without a duration, traffic continues live. Progress every 5 s "
                        + "on stderr; 5xx and timeouts are retried with backoff. Exit 0 when every event was accepted, "
                        + "2 if any was lost.",
                "Built-in scenarios: quickstart, steady, incident-day, live-latency (see README, Simulating traffic)."})
final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--url", paramLabel = "URL",
            description = "The bridge's webhook endpoint. Env: SIMULATOR_URL (default " + SimulatorConfig.DEFAULT_URL + ").")
    String url;

    // A file, not the secret itself: a command line is visible to every user of the machine (ps).
    @Option(names = "--secret-file", paramLabel = "FILE",
            description = "File whose first line is the signing secret the bridge verifies, such as .paypulse-data/webhook-secret;"
                    + " never printed. Env: STRIPE_WEBHOOK_SECRET (the first, if several).")
    Path secretFile;

    // The option this replaced, kept hidden so that an old script fails with a hint instead of picocli's
    // "Unknown options: '--secret', 'whsec_...'", which would print the secret it was given.
    @Option(names = "--secret", hidden = true, paramLabel = "WHSEC")
    String removedSecretOption;

    @Option(names = "--scenario", paramLabel = "FILE|NAME",
            description = "Scenario file (JSON), or a built-in scenario's name. Env: SIMULATOR_SCENARIO (default steady).")
    String scenario;

    @Option(names = "--rate", paramLabel = "PER_MINUTE",
            description = "Charges per minute at the daily peak (the quietest hour has about a third). Env: SIMULATOR_RATE"
                    + " (default: the scenario's).")
    Double rate;

    @Option(names = "--speed-up", paramLabel = "FACTOR",
            description = "Simulated time runs this many times faster; needs a duration, e.g. --duration 1d --speed-up 144"
                    + " replays a day in 10 minutes, ending now. Env: SIMULATOR_SPEED_UP (default: the scenario's).")
    Double speedUp;

    @Option(names = "--duration", paramLabel = "DURATION",
            description = "Simulated time to cover, e.g. 90m, 1d. Env: SIMULATOR_DURATION (default: the scenario's; steady"
                    + " runs until Ctrl-C).")
    String duration;

    @Option(names = "--seed", paramLabel = "N", description = "Same seed, same traffic (ids aside). Env: SIMULATOR_SEED (default 1).")
    Long seed;

    @Option(names = "--concurrency", paramLabel = "N",
            description = "Webhooks in flight at once. Env: SIMULATOR_CONCURRENCY (default " + SimulatorConfig.DEFAULT_CONCURRENCY + ").")
    Integer concurrency;

    @Override
    public Integer call() throws Exception {
        if (removedSecretOption != null) {
            throw new IllegalArgumentException("--secret is gone, because a command line is visible to every user of the"
                    + " machine: put the secret in a file and pass --secret-file FILE, or set STRIPE_WEBHOOK_SECRET");
        }
        SimulatorConfig config = SimulatorConfig.fromEnv(EnvOverrides.fromSystem()
                .set(SimulatorConfig.ENV_URL, url)
                .set(SimulatorConfig.ENV_SECRET, secretFile == null ? null : readSecret(secretFile))
                .set(SimulatorConfig.ENV_SCENARIO, scenario)
                .set(SimulatorConfig.ENV_RATE, rate)
                .set(SimulatorConfig.ENV_SPEED_UP, speedUp)
                .set(SimulatorConfig.ENV_DURATION, duration)
                .set(SimulatorConfig.ENV_SEED, seed)
                .set(SimulatorConfig.ENV_CONCURRENCY, concurrency)
                .asMap());
        Simulator simulator = Simulator.create(config);
        ShutdownSignal signal = ShutdownSignal.install();
        Thread stopper = new Thread(() -> {
            try {
                String name = signal.await();
                Console.info(name + " received: stopping the simulation");
                simulator.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "simulate-signal");
        stopper.setDaemon(true);
        stopper.start();

        Console.info("simulating '" + config.scenario().name() + "' to " + config.url() + ": " + describe(config));
        SimulationProgress done = simulator.run(false, Duration.ofSeconds(5), new Simulator.Listener() {
            private boolean hinted;

            @Override
            public void progress(SimulationProgress p) {
                Console.info(p.line());
                // Once, the first time the endpoint has refused everything: a wrong secret or path, most likely.
                if (!hinted && !p.rejectionHint().isEmpty()) {
                    hinted = true;
                    Console.info(p.rejectionHint());
                }
            }
        });
        System.out.println("simulate: " + done.line());
        System.out.printf("simulate: %,d events, %,d delivered, %,d lost%s%n", done.events(), done.eventsDelivered(), done.lost(),
                done.unsettled() == 0 ? "" : String.format(", %,d not delivered yet when stopped (neither sent nor lost)",
                        done.unsettled()));
        return done.lost() == 0 ? 0 : 2;
    }

    /** The first non-blank line of {@code file}, trimmed; a clear error, without the file's content, otherwise. */
    static String readSecret(Path file) {
        if (file.getFileName() != null && file.getFileName().toString().startsWith("whsec_")) {
            // Not echoed: this is most likely the secret itself, given where its file belongs.
            throw new IllegalArgumentException("--secret-file takes the path of a file holding the secret, not the secret"
                    + " itself: write it to a file (such as .paypulse-data/webhook-secret) and pass that file's path");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("--secret-file " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + "): point it at a file holding the endpoint's whsec_ secret, such as .paypulse-data/webhook-secret");
        }
        return lines.stream().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElseThrow(() ->
                new IllegalArgumentException("--secret-file " + file + " is empty: write the endpoint's whsec_ secret on its first line"));
    }

    /** One line on what will happen: rate, speed, span and incidents. */
    static String describe(SimulatorConfig config) {
        var s = config.scenario();
        StringBuilder out = new StringBuilder(String.format("%,.0f charges/min at peak", s.ratePerMinute()));
        s.duration().ifPresentOrElse(d -> {
            out.append(", ").append(SimDurations.format(d));
            if (s.speedUp() > 1) {
                out.append(String.format(" replayed at %sx (about %s, ending now)", trim(s.speedUp()),
                        SimDurations.format(Duration.ofSeconds(Math.round(d.toSeconds() / s.speedUp())))));
            } else {
                out.append(" live");
            }
        }, () -> out.append(", live until Ctrl-C"));
        s.incidents().forEach(i -> out.append("; ").append(i.type()).append(" at +")
                .append(SimDurations.format(i.start())).append(" for ")
                .append(SimDurations.format(i.duration())));
        return out.toString();
    }

    /** {@code 60} for 60.0, {@code 1.5} for 1.5: a speed-up as a person writes it. */
    static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

}
