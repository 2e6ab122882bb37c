package io.paypulse.alert;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The PagerDuty sender's whole configuration, parsed once from environment variables with defaults and validation.
 * The routing key is held here and nowhere else, and never printed.
 *
 * @param routingKey         the 32-character Events API v2 integration key, or null to only log and record alerts
 * @param eventsUrl          where events are POSTed; tests point it at a local receiver
 * @param requestTimeout     how long one request may take, connect included
 * @param maxAttempts        requests per event, the first included
 * @param initialBackoff     the wait before the first retry; it doubles per retry, with jitter
 * @param maxBackoff         the longest wait between two retries (a server's {@code Retry-After} may ask for longer)
 * @param maxEventsPerMinute requests this client sends in any 60 seconds, retries included
 */
public record PagerDutyConfig(String routingKey, URI eventsUrl, Duration requestTimeout, int maxAttempts,
                              Duration initialBackoff, Duration maxBackoff, int maxEventsPerMinute) implements Serializable {

    public static final String ENV_ROUTING_KEY = "PAGERDUTY_ROUTING_KEY";
    public static final String ENV_EVENTS_URL = "PAGERDUTY_EVENTS_URL";
    public static final String ENV_REQUEST_TIMEOUT = "PAGERDUTY_REQUEST_TIMEOUT_MS";
    public static final String ENV_MAX_ATTEMPTS = "PAGERDUTY_MAX_ATTEMPTS";
    public static final String ENV_INITIAL_BACKOFF = "PAGERDUTY_INITIAL_BACKOFF_MS";
    public static final String ENV_MAX_BACKOFF = "PAGERDUTY_MAX_BACKOFF_MS";
    public static final String ENV_MAX_EVENTS_PER_MINUTE = "PAGERDUTY_MAX_EVENTS_PER_MINUTE";

    public static final URI DEFAULT_EVENTS_URL = URI.create("https://events.pagerduty.com/v2/enqueue");
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final long DEFAULT_INITIAL_BACKOFF_MS = 1_000;
    public static final long DEFAULT_MAX_BACKOFF_MS = 30_000;
    /**
     * PagerDuty allows about 120 events a minute per integration key, counted over the last 60 seconds; staying at 100
     * leaves room for its "about" and for retries of other senders on the same key.
     */
    public static final int DEFAULT_MAX_EVENTS_PER_MINUTE = 100;

    public static final int ROUTING_KEY_LENGTH = 32;
    public static final int MAX_ATTEMPTS_LIMIT = 20;

    private static final long serialVersionUID = 1L;

    public PagerDutyConfig {
        if (routingKey != null) {
            routingKey = routingKey.strip();
            if (routingKey.isEmpty()) {
                routingKey = null;
            } else {
                requireWellFormedKey(routingKey);
            }
        }
        Objects.requireNonNull(eventsUrl, ENV_EVENTS_URL + " must be set");
        requireHttpUrl(eventsUrl);
        requirePositive(requestTimeout, ENV_REQUEST_TIMEOUT);
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
            throw new IllegalArgumentException(ENV_MAX_ATTEMPTS + " must be between 1 and " + MAX_ATTEMPTS_LIMIT
                    + " (1 = no retries), got " + maxAttempts);
        }
        requirePositive(initialBackoff, ENV_INITIAL_BACKOFF);
        requirePositive(maxBackoff, ENV_MAX_BACKOFF);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(ENV_MAX_BACKOFF + " (" + maxBackoff.toMillis() + " ms) must not be below "
                    + ENV_INITIAL_BACKOFF + " (" + initialBackoff.toMillis() + " ms)");
        }
        if (maxEventsPerMinute < 1) {
            throw new IllegalArgumentException(ENV_MAX_EVENTS_PER_MINUTE + " must be at least 1, got " + maxEventsPerMinute
                    + " (PagerDuty allows about 120 per integration key)");
        }
    }

    /** Reads the configuration from environment variables, applying the documented defaults. */
    public static PagerDutyConfig fromEnv(Map<String, String> env) {
        return new PagerDutyConfig(
                env.get(ENV_ROUTING_KEY),
                uriValue(env, ENV_EVENTS_URL, DEFAULT_EVENTS_URL),
                Duration.ofMillis(longValue(env, ENV_REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT_MS)),
                (int) longValue(env, ENV_MAX_ATTEMPTS, DEFAULT_MAX_ATTEMPTS),
                Duration.ofMillis(longValue(env, ENV_INITIAL_BACKOFF, DEFAULT_INITIAL_BACKOFF_MS)),
                Duration.ofMillis(longValue(env, ENV_MAX_BACKOFF, DEFAULT_MAX_BACKOFF_MS)),
                (int) longValue(env, ENV_MAX_EVENTS_PER_MINUTE, DEFAULT_MAX_EVENTS_PER_MINUTE));
    }

    /** False without a routing key: alerts are then logged and recorded, never sent. */
    public boolean enabled() {
        return routingKey != null;
    }

    public PagerDutyConfig withEventsUrl(URI url) {
        return new PagerDutyConfig(routingKey, url, requestTimeout, maxAttempts, initialBackoff, maxBackoff,
                maxEventsPerMinute);
    }

    /** Shows at most the routing key's last four characters, enough to tell two keys apart. */
    @Override
    public String toString() {
        return "PagerDutyConfig[routingKey=" + maskedRoutingKey() + ", eventsUrl=" + eventsUrl
                + ", requestTimeout=" + requestTimeout.toMillis() + "ms, maxAttempts=" + maxAttempts
                + ", initialBackoff=" + initialBackoff.toMillis() + "ms, maxBackoff=" + maxBackoff.toMillis()
                + "ms, maxEventsPerMinute=" + maxEventsPerMinute + "]";
    }

    /** {@code ****} and the last four characters, or {@code (unset)}. */
    public String maskedRoutingKey() {
        return routingKey == null ? "(unset)" : "****" + routingKey.substring(routingKey.length() - 4);
    }

    private static void requireWellFormedKey(String key) {
        // The messages give lengths and positions only: a key pasted into the wrong variable must not end up in a log.
        if (key.length() != ROUTING_KEY_LENGTH) {
            throw new IllegalArgumentException(ENV_ROUTING_KEY + " must be the " + ROUTING_KEY_LENGTH
                    + "-character integration key of an Events API v2 integration (service → Integrations), got "
                    + key.length() + " characters");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new IllegalArgumentException(ENV_ROUTING_KEY + " holds a space or non-ASCII character at position "
                        + i + ": copy the integration key again");
            }
        }
    }

    private static void requireHttpUrl(URI url) {
        String scheme = url.getScheme();
        if (!url.isAbsolute() || url.getHost() == null
                || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            throw new IllegalArgumentException(ENV_EVENTS_URL + " must be an absolute http(s) URL such as "
                    + DEFAULT_EVENTS_URL + ", got '" + url + "'");
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    private static URI uriValue(Map<String, String> env, String key, URI fallback) {
        String raw = env.get(key);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            return new URI(raw.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(key + " is not a valid URL: '" + raw.strip() + "' (" + e.getReason() + ")");
        }
    }

    private static long longValue(Map<String, String> env, String key, long fallback) {
        String raw = env.get(key);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + raw.strip() + "'");
        }
        if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
            throw new IllegalArgumentException(key + " is out of range: " + value);
        }
        return value;
    }
}
