package io.paypulse.simulator;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one simulation needs: where to send, how to sign, what to simulate, and how hard to push.
 *
 * @param url            the bridge's webhook endpoint, e.g. {@code http://localhost:8080/webhooks/stripe}
 * @param secret         the endpoint's signing secret ({@code whsec_...}); never printed
 * @param scenario       what to simulate
 * @param seed           the same seed and scenario create the same traffic (ids aside)
 * @param concurrency    webhooks in flight at once
 * @param requestTimeout a request without an answer by then counts as failed and is retried
 * @param maxAttempts    requests per delivery before it is given up (Stripe retries for three days; a
 *                       simulation does not wait that long)
 * @param runTag         part of every id, so runs never reuse each other's ids; letters and digits
 */
public record SimulatorConfig(URI url, String secret, Scenario scenario, long seed, int concurrency,
                              Duration requestTimeout, int maxAttempts, String runTag) {

    public static final String ENV_URL = "SIMULATOR_URL";
    public static final String ENV_SECRET = "STRIPE_WEBHOOK_SECRET";
    public static final String ENV_SCENARIO = "SIMULATOR_SCENARIO";
    public static final String ENV_RATE = "SIMULATOR_RATE";
    public static final String ENV_SPEED_UP = "SIMULATOR_SPEED_UP";
    public static final String ENV_DURATION = "SIMULATOR_DURATION";
    public static final String ENV_SEED = "SIMULATOR_SEED";
    public static final String ENV_CONCURRENCY = "SIMULATOR_CONCURRENCY";

    public static final String DEFAULT_URL = "http://localhost:8080/webhooks/stripe";
    public static final String DEFAULT_SCENARIO = "steady";
    public static final long DEFAULT_SEED = 1;
    public static final int DEFAULT_CONCURRENCY = 16;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_ATTEMPTS = 10;

    public SimulatorConfig {
        Objects.requireNonNull(url, "url");
        if (url.getScheme() == null || !url.getScheme().matches("https?") || url.getHost() == null) {
            throw new IllegalArgumentException("the bridge URL must be http(s)://host[:port]/path, such as " + DEFAULT_URL
                    + ", got " + url);
        }
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException(ENV_SECRET + " is not set: set it to the signing secret the bridge verifies"
                    + " (whsec_...), or pass --secret-file; with ./paypulse run: --secret-file .paypulse-data/webhook-secret");
        }
        Objects.requireNonNull(scenario, "scenario");
        if (concurrency < 1 || concurrency > 1024) {
            throw new IllegalArgumentException("the concurrency must be between 1 and 1024, got " + concurrency);
        }
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("the request timeout must be positive, got " + requestTimeout);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (runTag != null && !runTag.matches("[0-9A-Za-z]{1,12}")) {
            throw new IllegalArgumentException("a run tag is 1 to 12 letters or digits, got " + runTag);
        }
    }

    /**
     * Reads the variables above from {@code env}; unset or blank ones take their default. Rate, speed-up and
     * duration override the scenario's own. With several comma-separated secrets (a rotation), the first signs.
     */
    public static SimulatorConfig fromEnv(Map<String, String> env) {
        String urlText = text(env, ENV_URL).orElse(DEFAULT_URL);
        URI url;
        try {
            url = new URI(urlText);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(ENV_URL + "='" + urlText + "' is not a URL; use e.g. " + DEFAULT_URL, e);
        }
        String secret = text(env, ENV_SECRET).map(s -> s.split(",")[0].strip()).orElse(null);
        Scenario scenario = ScenarioFile.load(text(env, ENV_SCENARIO).orElse(DEFAULT_SCENARIO));
        Optional<String> duration = text(env, ENV_DURATION);
        if (duration.isPresent()) {
            Duration d;
            try {
                d = SimDurations.parse(duration.get());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ENV_DURATION + ": " + e.getMessage(), e);
            }
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(ENV_DURATION + " must be positive, got " + duration.get());
            }
            scenario = scenario.withDuration(Optional.of(d));
        }
        Optional<Double> rate = number(env, ENV_RATE);
        if (rate.isPresent()) {
            if (rate.get() < 0) {
                throw new IllegalArgumentException(ENV_RATE + " must not be negative, got " + env.get(ENV_RATE));
            }
            scenario = scenario.withRatePerMinute(rate.get());
        }
        Optional<Double> speedUp = number(env, ENV_SPEED_UP);
        if (speedUp.isPresent()) {
            if (speedUp.get() < 1) {
                throw new IllegalArgumentException(ENV_SPEED_UP + " must be at least 1 (1 = real time), got " + env.get(ENV_SPEED_UP));
            }
            if (speedUp.get() > 1 && scenario.duration().isEmpty()) {
                throw new IllegalArgumentException(ENV_SPEED_UP + "=" + env.get(ENV_SPEED_UP) + " needs a duration ("
                        + ENV_DURATION + ", e.g. 1d): a sped-up replay is backdated so that it ends now");
            }
            scenario = scenario.withSpeedUp(speedUp.get());
        }
        long seed = number(env, ENV_SEED).map(Double::longValue).orElse(DEFAULT_SEED);
        int concurrency = number(env, ENV_CONCURRENCY).map(Double::intValue).orElse(DEFAULT_CONCURRENCY);
        return new SimulatorConfig(url, secret, scenario, seed, concurrency, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_ATTEMPTS, null);
    }

    private static Optional<String> text(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    private static Optional<Double> number(Map<String, String> env, String name) {
        return text(env, name).map(v -> {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + "='" + v + "' is not a number", e);
            }
        });
    }

    /** A configuration with the defaults for everything but where, how to sign and what. */
    public static SimulatorConfig of(URI url, String secret, Scenario scenario, long seed) {
        return new SimulatorConfig(url, secret, scenario, seed, DEFAULT_CONCURRENCY, DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_MAX_ATTEMPTS, null);
    }

    public SimulatorConfig withRunTag(String tag) {
        return new SimulatorConfig(url, secret, scenario, seed, concurrency, requestTimeout, maxAttempts, tag);
    }

    public SimulatorConfig withRetries(int attempts, Duration timeout) {
        return new SimulatorConfig(url, secret, scenario, seed, concurrency, timeout, attempts, runTag);
    }

    @Override
    public String toString() {
        return "SimulatorConfig[url=" + url + ", secret=(hidden), scenario=" + scenario.name() + ", seed=" + seed
                + ", concurrency=" + concurrency + ", requestTimeout=" + requestTimeout + ", maxAttempts=" + maxAttempts + "]";
    }
}
