package io.paypulse.alert;

import io.paypulse.alert.internal.RetryDelays;
import io.paypulse.alert.internal.SecretScrubber;
import io.paypulse.alert.internal.Sleeper;
import io.paypulse.alert.internal.SlidingWindowRateLimiter;
import io.paypulse.alert.internal.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Sends alert events to the PagerDuty Events API v2, one at a time on the calling thread: it retries what can succeed
 * later (429, 408, 5xx, network errors) with backoff, stops at what cannot (400 and other 4xx), and keeps within the
 * per-key rate limit. Delivery is at least once; the dedup key makes repeats harmless.
 *
 * <p>The rate limit is this client's own: PagerDuty counts per routing key, so several clients sharing one key (such
 * as parallel sink subtasks) must split {@link PagerDutyConfig#maxEventsPerMinute()} between them.
 */
public final class PagerDutyClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PagerDutyClient.class);
    private static final Duration RATE_WINDOW = Duration.ofMinutes(1);
    // Beyond the request timeout, in case the body is still arriving when the response timer has stopped.
    private static final Duration RESPONSE_GRACE = Duration.ofSeconds(1);
    private static final int MAX_LOGGED_RESPONSE_CHARS = 300;
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger();

    private final PagerDutyConfig config;
    private final Clock clock;
    private final Sleeper sleeper;
    private final SlidingWindowRateLimiter rateLimiter;
    private final RetryDelays retryDelays;
    private final SecretScrubber scrubber;
    private final ExecutorService httpExecutor;
    private final HttpClient http;
    private volatile boolean closed;

    public PagerDutyClient(PagerDutyConfig config) {
        this(config, Clock.systemUTC(), Ticker.system(), Sleeper.system(), RandomGenerator.getDefault());
    }

    /** For tests: time, waits and jitter come from outside, so retries and rate limiting run without real waiting. */
    PagerDutyClient(PagerDutyConfig config, Clock clock, Ticker ticker, Sleeper sleeper, RandomGenerator random) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = clock;
        this.sleeper = sleeper;
        this.rateLimiter = new SlidingWindowRateLimiter(config.maxEventsPerMinute(), RATE_WINDOW, ticker, sleeper);
        this.retryDelays = new RetryDelays(config.initialBackoff(), config.maxBackoff(), random);
        this.scrubber = new SecretScrubber(config.routingKey());
        if (config.enabled()) {
            int id = CLIENT_IDS.incrementAndGet();
            AtomicInteger threads = new AtomicInteger();
            this.httpExecutor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "pagerduty-http-" + id + "-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            // Creating the client opens no connection: the first send does.
            this.http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(config.requestTimeout())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .executor(httpExecutor)
                    .build();
        } else {
            this.httpExecutor = null;
            this.http = null;
        }
    }

    public PagerDutyConfig config() {
        return config;
    }

    /**
     * Sends one event: retries with exponential backoff and jitter on 429, 408, 5xx and network errors (honouring
     * {@code Retry-After}), up to {@link PagerDutyConfig#maxAttempts()} requests; a 400 or other 4xx is not retried and
     * ends as {@code rejected}. Every request first takes a permit from the rate limiter. Without a routing key nothing
     * is sent: the event is logged and {@code not_sent} is returned with no attempts.
     *
     * @return the outcome with every request made; never null
     * @throws InterruptedException if the thread is interrupted while waiting or sending; nothing more is sent
     */
    public DeliveryResult send(AlertEvent event) throws InterruptedException {
        Objects.requireNonNull(event, "event");
        if (closed) {
            throw new IllegalStateException("PagerDutyClient is closed");
        }
        if (!config.enabled()) {
            LOG.warn("event=pagerduty_not_sent reason=no_routing_key action={} dedup_key={} severity={} summary={}",
                    event.action().wireValue(), event.dedupKey(), event.severity() == null ? "-" : event.severity().wireValue(),
                    quoted(event.wireSummary()));
            return new DeliveryResult(event, DeliveryResult.NOT_SENT, List.of());
        }
        HttpRequest request = request(event);
        List<DeliveryAttempt> attempts = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            Duration limited = rateLimiter.acquire();
            if (!limited.isZero()) {
                LOG.info("event=pagerduty_rate_limited wait_ms={} max_per_minute={}", limited.toMillis(),
                        config.maxEventsPerMinute());
            }
            boolean last = attempt >= config.maxAttempts();
            AttemptOutcome outcome = outcome(event, attempt, exchange(request, attempt), last);
            attempts.add(outcome.attempt());
            if (outcome.done()) {
                return new DeliveryResult(event, outcome.status(), attempts);
            }
            if (last) {
                LOG.error("event=pagerduty_failed action={} dedup_key={} attempts={} last_status={} last_error={}",
                        event.action().wireValue(), event.dedupKey(), attempt, outcome.attempt().httpStatus(),
                        quoted(outcome.attempt().error()));
                return new DeliveryResult(event, DeliveryResult.FAILED, attempts);
            }
            sleeper.sleep(outcome.retryIn());
        }
    }

    /**
     * Takes a permit from the rate limiter if one is free now, without waiting: for callers that schedule their own
     * requests with {@link #attempt}.
     *
     * @return zero when the caller may send now; otherwise how long until a permit frees up
     */
    public Duration tryAcquirePermit() {
        return rateLimiter.tryAcquire();
    }

    /**
     * Makes one request for {@code event} and returns at once with what to do next, never sleeping: for callers that
     * keep unsent events themselves (the job's durable outbox) and must not block while PagerDuty is unreachable.
     * The caller takes a permit first ({@link #tryAcquirePermit}). The wait before a retry grows with
     * {@code attempt} as in {@link #send}.
     *
     * @param attempt 1 for the event's first request
     * @throws IllegalStateException when no routing key is configured (use {@link #send}, which records it)
     * @throws InterruptedException if the thread is interrupted while the request is out
     */
    public AttemptOutcome attempt(AlertEvent event, int attempt) throws InterruptedException {
        Objects.requireNonNull(event, "event");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt counts from 1, got " + attempt);
        }
        if (closed) {
            throw new IllegalStateException("PagerDutyClient is closed");
        }
        if (!config.enabled()) {
            throw new IllegalStateException("no routing key: nothing can be sent; use send(), which logs and records it");
        }
        return outcome(event, attempt, exchange(request(event), attempt), false);
    }

    /**
     * What one request's answer means for its event, logged: delivered, rejected, or retrying after the server's
     * {@code Retry-After} or the backoff for {@code attempt}. The retry line is left out for {@link #send}'s last
     * attempt, which logs that it gave up instead.
     */
    private AttemptOutcome outcome(AlertEvent event, int attempt, Outcome outcome, boolean lastAttempt) {
        DeliveryAttempt a = outcome.attempt();
        switch (outcome.kind()) {
            case ACCEPTED -> {
                LOG.info("event=pagerduty_delivered action={} dedup_key={} status={} attempts={}",
                        event.action().wireValue(), event.dedupKey(), a.httpStatus(), attempt);
                return new AttemptOutcome(DeliveryResult.DELIVERED, a, Duration.ZERO);
            }
            case REJECTED -> {
                LOG.error("event=pagerduty_rejected action={} dedup_key={} status={} attempts={} response={}",
                        event.action().wireValue(), event.dedupKey(), a.httpStatus(), attempt,
                        quoted(cut(a.responseBody())));
                return new AttemptOutcome(DeliveryResult.REJECTED, a, Duration.ZERO);
            }
            default -> {
                if (lastAttempt) {
                    return new AttemptOutcome(AttemptOutcome.RETRYING, a, Duration.ZERO);
                }
                Duration wait = outcome.retryAfter().orElseGet(() -> retryDelays.backoff(attempt));
                LOG.warn("event=pagerduty_retry action={} dedup_key={} attempt={} status={} error={} wait_ms={} retry_after={}",
                        event.action().wireValue(), event.dedupKey(), attempt, a.httpStatus(), quoted(a.error()),
                        wait.toMillis(), outcome.retryAfter().isPresent());
                return new AttemptOutcome(AttemptOutcome.RETRYING, a, wait);
            }
        }
    }

    private HttpRequest request(AlertEvent event) {
        byte[] body = event.requestBody(config.routingKey()).toString().getBytes(StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(config.eventsUrl())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    private Outcome exchange(HttpRequest request, int attempt) throws InterruptedException {
        Instant sentAt = clock.instant();
        CompletableFuture<HttpResponse<String>> pending =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = pending.get(config.requestTimeout().plus(RESPONSE_GRACE).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        } catch (TimeoutException e) {
            pending.cancel(true);
            return networkError(attempt, sentAt, "TimeoutException: no response within "
                    + config.requestTimeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (!(cause instanceof IOException)) {
                // Not a network problem (a bug, or the executor gone): retrying would not help, and hiding it would.
                throw new IllegalStateException("sending to PagerDuty failed: "
                        + scrubber.scrub(cause.toString(), DeliveryAttempt.MAX_BODY_CHARS));
            }
            return networkError(attempt, sentAt, cause.getMessage() == null ? cause.getClass().getSimpleName()
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
        int status = response.statusCode();
        String body = scrubber.scrub(response.body(), DeliveryAttempt.MAX_BODY_CHARS).strip();
        Kind kind;
        String error = null;
        if (status >= 200 && status < 300) {
            kind = Kind.ACCEPTED;
        } else if (status == 429 || status == 408 || status >= 500) {
            kind = Kind.RETRIABLE;
            error = "HTTP " + status;
        } else {
            kind = Kind.REJECTED;
            error = "HTTP " + status;
        }
        Optional<Duration> retryAfter = kind == Kind.RETRIABLE
                ? RetryDelays.retryAfter(response.headers().firstValue("Retry-After").orElse(null), clock.instant())
                : Optional.empty();
        return new Outcome(kind, new DeliveryAttempt(attempt, sentAt, status, body, error), retryAfter);
    }

    private Outcome networkError(int attempt, Instant sentAt, String error) {
        return new Outcome(Kind.RETRIABLE,
                new DeliveryAttempt(attempt, sentAt, 0, "", scrubber.scrub(error, DeliveryAttempt.MAX_BODY_CHARS)),
                Optional.empty());
    }

    /** Stops the HTTP threads; sending afterwards fails. */
    @Override
    public void close() {
        closed = true;
        if (http instanceof AutoCloseable closeable) {
            // Java 21 and later can close the client's connections too.
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("event=pagerduty_client_close_failed error={}", e.getClass().getSimpleName());
            }
        }
        if (httpExecutor != null) {
            httpExecutor.shutdownNow();
        }
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_LOGGED_RESPONSE_CHARS ? text : text.substring(0, MAX_LOGGED_RESPONSE_CHARS);
    }

    private static String quoted(String text) {
        if (text == null) {
            return "-";
        }
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + '"';
    }

    private enum Kind { ACCEPTED, RETRIABLE, REJECTED }

    private record Outcome(Kind kind, DeliveryAttempt attempt, Optional<Duration> retryAfter) {
    }
}
