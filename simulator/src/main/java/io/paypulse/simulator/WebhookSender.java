package io.paypulse.simulator;

import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Posts signed webhooks as Stripe does, each attempt freshly signed: a 2xx is accepted; a 5xx, 408,
 * 429, timeout or connection error is retried with exponential backoff and jitter, up to a number of
 * attempts; any other status is a rejection and is not retried (it would fail the same way again).
 */
final class WebhookSender {

    private static final long FIRST_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    /** The bridge answers a few hundred bytes; a longer answer is not one, and fails like a broken connection. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final Pattern ERROR_CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Za-z0-9_.-]+)\"");

    private final HttpClient client;
    private final URI url;
    private final WebhookSignature signature;
    private final SimulatorStats stats;
    private final ScheduledExecutorService retries;
    private final Duration timeout;
    private final int maxAttempts;
    private final LongSupplier wallMillis;

    WebhookSender(HttpClient client, URI url, WebhookSignature signature, SimulatorStats stats,
                  ScheduledExecutorService retries, Duration timeout, int maxAttempts, LongSupplier wallMillis) {
        this.client = client;
        this.url = url;
        this.signature = signature;
        this.stats = stats;
        this.retries = retries;
        this.timeout = timeout;
        this.maxAttempts = maxAttempts;
        this.wallMillis = wallMillis;
    }

    /** What is known of an event across its deliveries: whether any was accepted, and how many are still to finish. */
    static final class EventOutcome {
        private final AtomicInteger unfinished;
        private final AtomicBoolean delivered = new AtomicBoolean();

        EventOutcome(int deliveries) {
            unfinished = new AtomicInteger(deliveries);
        }

        void finished(boolean accepted, SimulatorStats stats) {
            if (accepted && delivered.compareAndSet(false, true)) {
                stats.eventsDelivered.increment();
            }
            if (unfinished.decrementAndGet() == 0 && !delivered.get()) {
                stats.lost.increment();
            }
        }
    }

    /**
     * Sends {@code delivery}; {@code firstAnswer} runs once its first attempt is answered (or failed), so the
     * caller can hand its slot to the next delivery while retries wait on their own.
     */
    void send(Delivery delivery, EventOutcome outcome, Runnable firstAnswer) {
        byte[] body = delivery.event().body().getBytes(StandardCharsets.UTF_8);
        attempt(delivery, body, outcome, 1, firstAnswer);
    }

    private void attempt(Delivery delivery, byte[] body, EventOutcome outcome, int attempt, Runnable firstAnswer) {
        stats.requests.increment();
        stats.inFlight.incrementAndGet();
        try {
            client.POST(url)
                    .headers(h -> h.put("Stripe-Signature", signature.header(body, wallMillis.getAsLong() / 1000))
                            .put("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks) paypulse-simulator"))
                    .body(new BytesRequestContent("application/json; charset=utf-8", body))
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .send(new BufferingResponseListener(MAX_ANSWER_BYTES) {
                        @Override
                        public void onComplete(Result result) {
                            answered(result, errorCode(getContentAsString(StandardCharsets.UTF_8)), delivery, body, outcome,
                                    attempt, firstAnswer);
                        }
                    });
        } catch (RuntimeException e) {
            // The client refused the request outright (stopped, queue full): a failed attempt like any other.
            stats.inFlight.decrementAndGet();
            stats.retryCause = describe(e);
            failed(delivery, body, outcome, attempt, firstAnswer);
        }
    }

    /** {@code error.code} of the bridge's JSON error body ({@code signature_mismatch}, ...), or empty. */
    static String errorCode(String answer) {
        Matcher m = answer == null ? null : ERROR_CODE.matcher(answer);
        return m != null && m.find() ? m.group(1) : "";
    }

    private void answered(Result result, String errorCode, Delivery delivery, byte[] body, EventOutcome outcome, int attempt,
                          Runnable firstAnswer) {
        stats.inFlight.decrementAndGet();
        int status = result.getFailure() == null ? result.getResponse().getStatus() : -1;
        if (status >= 200 && status < 300) {
            stats.accepted.increment();
            outcome.finished(true, stats);
            if (attempt == 1) {
                firstAnswer.run();
            }
        } else if (status == -1 || status == 408 || status == 429 || status >= 500) {
            stats.retryCause = status == -1 ? describe(result.getFailure()) : "HTTP " + status;
            failed(delivery, body, outcome, attempt, firstAnswer);
        } else {
            stats.rejected(status, errorCode);
            outcome.finished(false, stats);
            if (attempt == 1) {
                firstAnswer.run();
            }
        }
    }

    private void failed(Delivery delivery, byte[] body, EventOutcome outcome, int attempt, Runnable firstAnswer) {
        if (attempt == 1) {
            firstAnswer.run();
        }
        if (attempt >= maxAttempts || retries.isShutdown()) {
            outcome.finished(false, stats);
            return;
        }
        long backoff = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(attempt - 1, 16));
        long delay = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        stats.retries.increment();
        stats.retrying.incrementAndGet();
        try {
            retries.schedule(() -> {
                stats.retrying.decrementAndGet();
                attempt(delivery, body, outcome, attempt + 1, () -> { });
            }, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            stats.retrying.decrementAndGet();
            outcome.finished(false, stats);
        }
    }

    /** A few words on why a request got no answer, for a person reading the status line. */
    static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return "connection refused";
            }
            if (t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.SocketTimeoutException) {
                return "no answer in time";
            }
            if (t instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof java.io.EOFException || t instanceof java.nio.channels.ClosedChannelException) {
                return "connection closed";
            }
        }
        return failure == null ? "failed" : failure.getClass().getSimpleName();
    }
}
