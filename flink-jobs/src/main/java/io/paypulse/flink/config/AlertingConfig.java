package io.paypulse.flink.config;

import io.paypulse.alert.PagerDutyConfig;
import io.paypulse.detect.DetectorConfig;

import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the job detects anomalies, groups them into incidents and pages, parsed once from the
 * environment. PagerDuty's own variables ({@code PAGERDUTY_*}) are validated here too, so a bad value
 * stops the job at start-up rather than at the first page.
 *
 * @param resolveAfterWindows consecutive normal windows after which an incident resolves
 * @param cooldown            how long a resolved incident is remembered; a related anomaly within it
 *                            reopens the incident without paging again (flapping)
 * @param endpointBucket      processing-time bucket of the endpoint watch (webhook outage detection)
 * @param warmupWindows       windows a series needs before it may alert; 0 = the detectors' default
 * @param grafanaUrl          Grafana's base URL for links in pages, or empty
 * @param pagerDutyEnv        the {@code PAGERDUTY_*} variables, as given
 * @param resolveHold         how long a paged incident must stay resolved before PagerDuty gets the
 *                            resolve; a relapse within it keeps the same page open
 */
public record AlertingConfig(
        int resolveAfterWindows,
        Duration cooldown,
        Duration endpointBucket,
        int warmupWindows,
        String grafanaUrl,
        Map<String, String> pagerDutyEnv,
        Duration resolveHold) implements Serializable {

    public static final String ENV_RESOLVE_AFTER_WINDOWS = "PAYPULSE_RESOLVE_AFTER_WINDOWS";
    public static final String ENV_INCIDENT_COOLDOWN = "PAYPULSE_INCIDENT_COOLDOWN";
    public static final String ENV_ENDPOINT_BUCKET = "PAYPULSE_ENDPOINT_BUCKET";
    public static final String ENV_DETECTOR_WARMUP_WINDOWS = "PAYPULSE_DETECTOR_WARMUP_WINDOWS";
    public static final String ENV_GRAFANA_URL = "GRAFANA_URL";
    public static final String ENV_RESOLVE_HOLD = "PAYPULSE_INCIDENT_RESOLVE_HOLD";

    public static final int DEFAULT_RESOLVE_AFTER_WINDOWS = 5;
    public static final Duration DEFAULT_INCIDENT_COOLDOWN = Duration.ofMinutes(30);
    public static final Duration DEFAULT_ENDPOINT_BUCKET = Duration.ofMinutes(1);
    /**
     * An adaptive baseline flags some minutes of a lasting problem, not all: holding the resolve ten
     * minutes keeps PagerDuty's incident open through such gaps instead of resolving it mid-problem.
     */
    public static final Duration DEFAULT_RESOLVE_HOLD = Duration.ofMinutes(10);
    /** The Grafana dashboard a page links to (dashboards/). */
    public static final String DASHBOARD_PATH = "/d/paypulse-financial-health";

    public AlertingConfig {
        if (resolveAfterWindows < 1) {
            throw new IllegalArgumentException(ENV_RESOLVE_AFTER_WINDOWS + " must be at least 1, got " + resolveAfterWindows);
        }
        Objects.requireNonNull(cooldown, ENV_INCIDENT_COOLDOWN);
        if (cooldown.isNegative()) {
            throw new IllegalArgumentException(ENV_INCIDENT_COOLDOWN + " must not be negative, got " + cooldown);
        }
        Objects.requireNonNull(endpointBucket, ENV_ENDPOINT_BUCKET);
        if (endpointBucket.toMillis() < 1000 || endpointBucket.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException(ENV_ENDPOINT_BUCKET + " must be whole seconds, at least 1s, got " + endpointBucket);
        }
        if (warmupWindows < 0) {
            throw new IllegalArgumentException(ENV_DETECTOR_WARMUP_WINDOWS + " must not be negative, got " + warmupWindows);
        }
        grafanaUrl = grafanaUrl == null ? "" : grafanaUrl.strip();
        if (!grafanaUrl.isEmpty() && !grafanaUrl.matches("https?://\\S+")) {
            throw new IllegalArgumentException(ENV_GRAFANA_URL + " must be an http(s) URL such as http://localhost:3000, got '"
                    + grafanaUrl + "'");
        }
        pagerDutyEnv = Map.copyOf(pagerDutyEnv);
        PagerDutyConfig.fromEnv(pagerDutyEnv); // fail fast, with PagerDuty's own messages
        Objects.requireNonNull(resolveHold, ENV_RESOLVE_HOLD);
        if (resolveHold.isNegative()) {
            throw new IllegalArgumentException(ENV_RESOLVE_HOLD + " must not be negative, got " + resolveHold);
        }
    }

    /** With the default resolve hold. */
    public AlertingConfig(int resolveAfterWindows, Duration cooldown, Duration endpointBucket, int warmupWindows,
                          String grafanaUrl, Map<String, String> pagerDutyEnv) {
        this(resolveAfterWindows, cooldown, endpointBucket, warmupWindows, grafanaUrl, pagerDutyEnv, DEFAULT_RESOLVE_HOLD);
    }

    public static AlertingConfig fromEnv(Map<String, String> env) {
        Map<String, String> pagerDuty = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("PAGERDUTY_") && v != null) {
                pagerDuty.put(k, v);
            }
        });
        return new AlertingConfig(
                integer(env, ENV_RESOLVE_AFTER_WINDOWS, DEFAULT_RESOLVE_AFTER_WINDOWS),
                duration(env, ENV_INCIDENT_COOLDOWN, DEFAULT_INCIDENT_COOLDOWN),
                duration(env, ENV_ENDPOINT_BUCKET, DEFAULT_ENDPOINT_BUCKET),
                integer(env, ENV_DETECTOR_WARMUP_WINDOWS, 0),
                env.getOrDefault(ENV_GRAFANA_URL, ""),
                pagerDuty,
                duration(env, ENV_RESOLVE_HOLD, DEFAULT_RESOLVE_HOLD));
    }

    /** The dashboard link for pages, or null without {@code GRAFANA_URL}. */
    public String dashboardUrl() {
        return grafanaUrl.isEmpty() ? null : grafanaUrl.replaceAll("/+$", "") + DASHBOARD_PATH;
    }

    /** Whether pages go to PagerDuty (a routing key is set); otherwise alerts are logged and recorded only. */
    public boolean paging() {
        return PagerDutyConfig.fromEnv(pagerDutyEnv).enabled();
    }

    /** The detectors' settings: their defaults, with this warm-up where one is set. */
    public DetectorConfig detectorConfig() {
        DetectorConfig defaults = DetectorConfig.defaults();
        return warmupWindows > 0 ? defaults.withWarmupWindows(warmupWindows) : defaults;
    }

    @Override
    public String toString() {
        return "AlertingConfig[resolveAfterWindows=" + resolveAfterWindows + ", cooldown=" + cooldown
                + ", resolveHold=" + resolveHold
                + ", endpointBucket=" + endpointBucket + ", warmupWindows=" + detectorConfig().warmupWindows()
                + (warmupWindows > 0 ? "" : " (default)") + ", grafanaUrl="
                + grafanaUrl + ", pagerDuty=" + PagerDutyConfig.fromEnv(pagerDutyEnv) + "]";
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "='" + value + "' is not a whole number", e);
        }
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : JobConfig.parseDuration(value, name);
    }
}
