package io.paypulse.bridge;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.paypulse.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Routes the bridge's HTTP paths. {@code POST /webhooks/stripe} verifies, then answers 200 only once
 * Kafka has acknowledged the event; every refusal is a JSON error with a counted reason.
 */
final class BridgeHandler extends Handler.Abstract.NonBlocking {

    static final String WEBHOOK_PATH = "/webhooks/stripe";
    private static final Logger LOG = LoggerFactory.getLogger(BridgeHandler.class);
    private static final String JSON = "application/json";
    private static final String SIGNATURE_HEADER = "Stripe-Signature";
    static final String TOO_LARGE = "kafka_record_too_large";

    private final SignatureVerifier verifier;
    private final WebhookPublisher publisher;
    private final WebhookRecords records;
    private final BridgeMetrics metrics;
    private final BooleanSupplier ready;
    private final int maxBodyBytes;
    private final int requiredRecordBytes;

    BridgeHandler(SignatureVerifier verifier, WebhookPublisher publisher, WebhookRecords records, BridgeMetrics metrics,
                  BooleanSupplier ready, int maxBodyBytes) {
        this.verifier = verifier;
        this.publisher = publisher;
        this.records = records;
        this.metrics = metrics;
        this.ready = ready;
        this.maxBodyBytes = maxBodyBytes;
        this.requiredRecordBytes = WebhookPublisher.requiredRecordBytes(maxBodyBytes);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        metrics.inFlight.inc();
        Callback done = new Callback() {
            @Override
            public void succeeded() {
                metrics.inFlight.dec();
                callback.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                metrics.inFlight.dec();
                callback.failed(x);
            }
        };
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        switch (path) {
            case WEBHOOK_PATH -> {
                if (HttpMethod.POST.is(method)) {
                    webhook(request, response, done);
                } else {
                    methodNotAllowed(response, done, "POST");
                }
            }
            case "/healthz" -> {
                if (isGet(method)) {
                    write(response, done, 200, "{\"status\":\"alive\"}");
                } else {
                    methodNotAllowed(response, done, "GET, HEAD");
                }
            }
            case "/readyz" -> {
                if (!isGet(method)) {
                    methodNotAllowed(response, done, "GET, HEAD");
                } else if (ready.getAsBoolean()) {
                    write(response, done, 200, "{\"status\":\"ready\"}");
                } else {
                    write(response, done, 503,
                            "{\"status\":\"not_ready\",\"reason\":\"Kafka is not reachable or the bridge is shutting down\"}");
                }
            }
            case "/metrics" -> {
                if (isGet(method)) {
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, metrics.contentType());
                    response.write(true, ByteBuffer.wrap(metrics.scrape()), done);
                } else {
                    methodNotAllowed(response, done, "GET, HEAD");
                }
            }
            default -> reject(response, done, Rejection.NOT_FOUND, null);
        }
        return true;
    }

    private void webhook(Request request, Response response, Callback done) {
        metrics.received.inc();
        long receivedAt = System.currentTimeMillis();
        String signature = request.getHeaders().get(SIGNATURE_HEADER);
        Rejection shape = SignatureVerifier.checkHeaderShape(signature);
        if (shape != null) {
            reject(response, done, shape, null);
            return;
        }
        if (request.getLength() > maxBodyBytes) {
            reject(response, done, Rejection.BODY_TOO_LARGE, null);
            return;
        }
        new BodyReader(request, maxBodyBytes, new BodyReader.Listener() {
            @Override
            public void onBody(byte[] body) {
                verified(body, signature, receivedAt, response, done);
            }

            @Override
            public void onTooLarge() {
                reject(response, done, Rejection.BODY_TOO_LARGE, null);
            }

            @Override
            public void onFailure(Throwable failure) {
                // The client went away or stalled mid-body: nothing was accepted, nothing to answer.
                metrics.abandoned.inc();
                done.failed(failure);
            }
        }).run();
    }

    private void verified(byte[] body, String signature, long receivedAt, Response response, Callback done) {
        SignatureVerifier.Result result = verifier.verify(body, signature);
        if (!result.ok()) {
            reject(response, done, result.rejection(), null);
            return;
        }
        metrics.secretMatched(result.secretIndex());
        StripeEventEnvelope envelope;
        try {
            envelope = StripeEventEnvelope.parse(body, receivedAt);
        } catch (StripeEventEnvelope.MalformedEventException e) {
            deadLetter(e.rejection(), e.getMessage(), body, receivedAt, response, done);
            return;
        }
        ProducerRecord<byte[], byte[]> record = records.event(envelope, body, receivedAt);
        // The answer is written from the producer's callback: Jetty's write never blocks, and measured on two
        // cores, handing it to another thread cost ~15% throughput (docs/benchmarks.md).
        publisher.send(record).whenComplete((metadata, error) -> {
            if (error == null) {
                metrics.accepted.inc();
                write(response, done, 200, "{\"received\":true,\"id\":" + quote(envelope.id()) + "}");
            } else {
                unavailable(response, done, error, envelope.id());
            }
        });
    }

    private void deadLetter(Rejection reason, String detail, byte[] body, long receivedAt, Response response, Callback done) {
        publisher.send(records.deadLetter(reason, detail, body, receivedAt)).whenComplete((metadata, error) -> {
            if (error == null) {
                metrics.deadLettered.labelValues(reason.code()).inc();
                reject(response, done, reason, detail);
            } else {
                // The body could not be kept, so it must not be refused for good: 503 makes Stripe send it again.
                unavailable(response, done, error, null);
            }
        });
    }

    private void unavailable(Response response, Callback done, Throwable error, String eventId) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof RecordTooLargeException) {
            // Not transient: every retry of this delivery fails the same way until the topic's limit is raised.
            metrics.unavailable.labelValues(TOO_LARGE).inc();
            LOG.error("event=webhook_unavailable reason={} event_id={} action=\"raise max.message.bytes of {} and {} to at "
                    + "least {} bytes (schemas/kafka/topics.json), or lower {}\"", TOO_LARGE, eventId, Topics.STRIPE_EVENTS,
                    Topics.STRIPE_EVENTS_DLQ, requiredRecordBytes, BridgeConfig.ENV_MAX_BODY);
            write(response, done, 503, "{\"error\":{\"code\":\"" + TOO_LARGE + "\",\"message\":"
                    + quote("Kafka refused the event as larger than its topic accepts, so it was not accepted. Stripe retries "
                    + "automatically; the operator must raise the topic's max.message.bytes (see the bridge's log).")
                    + "}}");
            return;
        }
        String reason;
        String message;
        if (cause instanceof WebhookPublisher.NotQueuedException notQueued) {
            reason = notQueued.reason();
            message = WebhookPublisher.NotQueuedException.BUFFER_FULL.equals(reason)
                    ? "The bridge's Kafka buffer is full, so the event was not accepted. Stripe retries automatically; "
                    + "check that Kafka keeps up (paypulse_bridge_kafka_produce_seconds)."
                    : "The bridge does not know the topic's partitions yet (Kafka unreachable, or the topic missing), so "
                    + "the event was not accepted. Stripe retries automatically; check that Kafka is reachable and that "
                    + Topics.STRIPE_EVENTS + " and " + Topics.STRIPE_EVENTS_DLQ + " exist.";
        } else {
            reason = cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException
                    ? "kafka_timeout" : "kafka_error";
            message = "Kafka did not acknowledge the event, so it was not accepted. Stripe retries automatically; check "
                    + "that Kafka is reachable.";
        }
        metrics.unavailable.labelValues(reason).inc();
        LOG.warn("event=webhook_unavailable reason={} event_id={} error={}", reason, eventId, cause.getClass().getSimpleName());
        write(response, done, 503, "{\"error\":{\"code\":\"" + reason + "\",\"message\":" + quote(message) + "}}");
    }

    private void methodNotAllowed(Response response, Callback done, String allow) {
        response.getHeaders().put(HttpHeader.ALLOW, allow);
        reject(response, done, Rejection.METHOD_NOT_ALLOWED, null);
    }

    private void reject(Response response, Callback done, Rejection rejection, String detail) {
        metrics.rejected.labelValues(rejection.code()).inc();
        StringBuilder json = new StringBuilder(160)
                .append("{\"error\":{\"code\":\"").append(rejection.code()).append("\",\"message\":")
                .append(quote(rejection.message()));
        if (detail != null) {
            json.append(",\"detail\":").append(quote(detail));
        }
        write(response, done, rejection.status(), json.append("}}").toString());
    }

    private static void write(Response response, Callback done, int status, String json) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), done);
    }

    private static boolean isGet(String method) {
        return HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method);
    }

    private static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
