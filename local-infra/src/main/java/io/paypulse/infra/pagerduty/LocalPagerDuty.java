package io.paypulse.infra.pagerduty;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.paypulse.infra.FreePorts;
import io.paypulse.infra.LocalInfraException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * PagerDuty's Events API v2 on 127.0.0.1, for tests: it checks every request against the contract
 * ({@link EventsApiV2Contract}), answers as PagerDuty does (202, or 400 "invalid event"), keeps incident state by
 * routing and dedup key so a test can assert "exactly one page", and can be told to answer 429 or 5xx for a while.
 * Requests are handled one at a time, in arrival order.
 */
public final class LocalPagerDuty implements AutoCloseable {

    public static final String ENQUEUE_PATH = "/v2/enqueue";

    private static final Logger LOG = LoggerFactory.getLogger(LocalPagerDuty.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION);

    private final HttpServer server;
    private final URI eventsUrl;
    private final Object lock = new Object();
    // All guarded by lock.
    private final Deque<ScriptedResponse> script = new ArrayDeque<>();
    private final List<ReceivedRequest> requests = new ArrayList<>();
    private final List<ReceivedEvent> events = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<MutableIncident> incidents = new ArrayList<>();
    private final Map<String, MutableIncident> openByKey = new HashMap<>();
    private boolean closed;

    private LocalPagerDuty(HttpServer server) {
        this.server = server;
        InetSocketAddress address = server.getAddress();
        this.eventsUrl = URI.create("http://" + FreePorts.HOST + ":" + address.getPort() + ENQUEUE_PATH);
    }

    /** Starts on a free port of 127.0.0.1 and returns once it accepts connections. */
    public static LocalPagerDuty start() {
        return start(0);
    }

    /** Starts on the given port of 127.0.0.1; 0 picks a free one. */
    public static LocalPagerDuty start(int port) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(FreePorts.HOST), port), 0);
        } catch (IOException e) {
            throw new LocalInfraException("cannot start the local PagerDuty receiver on " + FreePorts.HOST + ":" + port
                    + (port == 0 ? "" : ": is the port taken? Pass 0 to pick a free one"), e);
        }
        LocalPagerDuty receiver = new LocalPagerDuty(server);
        server.createContext("/", receiver::handle);
        // Null executor: the dispatcher thread answers, so requests are handled strictly in arrival order.
        server.setExecutor(null);
        server.start();
        LOG.info("event=local_pagerduty_started url={}", receiver.eventsUrl);
        return receiver;
    }

    /** The URL to give a client as its events URL: {@code http://127.0.0.1:<port>/v2/enqueue}. */
    public URI eventsUrl() {
        return eventsUrl;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The next {@code times} requests get {@code status} with PagerDuty's usual body for it; then normal answers resume. */
    public LocalPagerDuty respondNext(int status, int times) {
        return respondNext(ScriptedResponse.of(status), times);
    }

    /** As {@link #respondNext(int, int)}, with a {@code Retry-After} header of the given whole seconds. */
    public LocalPagerDuty respondNext(int status, int times, Duration retryAfter) {
        return respondNext(new ScriptedResponse(status, null, retryAfter), times);
    }

    /**
     * Queues {@code response} for the next {@code times} requests, after anything queued before. A scripted answer
     * replaces the normal one: the event is not accepted, but the request is still checked and recorded.
     */
    public LocalPagerDuty respondNext(ScriptedResponse response, int times) {
        if (times < 0) {
            throw new IllegalArgumentException("times must not be negative, got " + times);
        }
        synchronized (lock) {
            for (int i = 0; i < times; i++) {
                script.addLast(response);
            }
        }
        return this;
    }

    /** Every request so far, in arrival order. */
    public List<ReceivedRequest> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    /** Every accepted (202) event so far, in arrival order. */
    public List<ReceivedEvent> events() {
        synchronized (lock) {
            return List.copyOf(events);
        }
    }

    /** Every contract violation so far, as "request N: message"; a well-behaved client leaves this empty. */
    public List<String> violations() {
        synchronized (lock) {
            return List.copyOf(violations);
        }
    }

    /** Every incident ever opened, in order, with its current state. */
    public List<Incident> incidents() {
        synchronized (lock) {
            return incidents.stream().map(MutableIncident::snapshot).toList();
        }
    }

    /** Incidents not resolved yet. */
    public int openIncidents() {
        synchronized (lock) {
            return openByKey.size();
        }
    }

    /** Incidents ever opened: how many times someone would have been paged. */
    public int triggeredIncidents() {
        synchronized (lock) {
            return incidents.size();
        }
    }

    /**
     * Waits until at least {@code count} events have been accepted and returns all accepted so far.
     *
     * @throws IllegalStateException if they do not arrive in time; the message lists what did arrive
     */
    public List<ReceivedEvent> awaitEvents(int count, Duration timeout) throws InterruptedException {
        return await(() -> events.size() >= count, this::events, timeout, count + " accepted events");
    }

    /** Waits until at least {@code count} requests have been answered, whatever the answer, and returns them all. */
    public List<ReceivedRequest> awaitRequests(int count, Duration timeout) throws InterruptedException {
        return await(() -> requests.size() >= count, this::requests, timeout, count + " requests");
    }

    private <T> List<T> await(Supplier<Boolean> done, Supplier<List<T>> result, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!done.get()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("expected " + what + " within " + timeout.toMillis() + " ms; got "
                            + events.size() + " events from " + requests.size() + " requests with statuses "
                            + requests.stream().map(ReceivedRequest::status).toList() + "; violations: " + violations);
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
        return result.get();
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        server.stop(0);
        LOG.info("event=local_pagerduty_stopped url={}", eventsUrl);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            respond(exchange);
        } catch (IOException | RuntimeException e) {
            // The client sees the connection close; the log says why, since a test will fail on it.
            LOG.error("event=local_pagerduty_handler_failed error={}", e.toString());
            throw e;
        } finally {
            exchange.close();
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        Instant receivedAt = Instant.now();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        byte[] raw = readBody(exchange.getRequestBody());
        String body = new String(raw, StandardCharsets.UTF_8);
        List<String> errors = new ArrayList<>();
        int status;
        ObjectNode answer;
        Map<String, String> headers = new HashMap<>();
        synchronized (lock) {
            int sequence = requests.size() + 1;
            JsonNode json = check(method, path, contentType, raw, errors);
            ScriptedResponse scripted = script.pollFirst();
            if (scripted != null) {
                status = scripted.status();
                answer = scripted.body() != null ? parseScripted(scripted.body()) : usualBody(status);
                if (scripted.retryAfter() != null) {
                    headers.put("Retry-After", Long.toString(scripted.retryAfter().toSeconds()));
                }
            } else if (!ENQUEUE_PATH.equals(path)) {
                status = 404;
                answer = message("not found", "No such endpoint: use POST " + ENQUEUE_PATH);
            } else if (!"POST".equals(method)) {
                status = 405;
                headers.put("Allow", "POST");
                answer = message("method not allowed", "Use POST");
            } else if (!errors.isEmpty()) {
                status = 400;
                answer = message("invalid event", "Event object is invalid");
                errors.forEach(answer.putArray("errors")::add);
            } else {
                status = 202;
                String dedupKey = accept(sequence, receivedAt, json);
                answer = message("success", "Event processed");
                answer.put("dedup_key", dedupKey);
            }
            for (String error : errors) {
                violations.add("request " + sequence + ": " + error);
            }
            requests.add(new ReceivedRequest(sequence, receivedAt, method, path, contentType, body, status, errors));
            lock.notifyAll();
        }
        if (!errors.isEmpty()) {
            LOG.warn("event=local_pagerduty_violation status={} errors={}", status, errors);
        }
        byte[] out = JSON.writeValueAsBytes(answer);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(status, out.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
        }
    }

    /** Checks the request against the contract, adding to {@code errors}; returns the parsed body when it is JSON. */
    private static JsonNode check(String method, String path, String contentType, byte[] raw, List<String> errors) {
        if (!ENQUEUE_PATH.equals(path)) {
            errors.add("path must be " + ENQUEUE_PATH + ", got " + path);
        }
        if (!"POST".equals(method)) {
            errors.add("method must be POST, got " + method);
            return null;
        }
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).strip().matches("application/json\\s*(;.*)?")) {
            errors.add("Content-Type must be application/json, got " + contentType);
        }
        if (raw.length > EventsApiV2Contract.MAX_BODY_BYTES) {
            errors.add("the body is over PagerDuty's limit of " + EventsApiV2Contract.MAX_BODY_BYTES + " bytes");
            return null;
        }
        JsonNode json;
        try {
            json = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            // The original message only: the location part would quote the body, routing key and all.
            errors.add("the body is not valid JSON: " + firstLine(e.getOriginalMessage()));
            return null;
        } catch (IOException e) {
            errors.add("the body cannot be read as JSON: " + e.getClass().getSimpleName());
            return null;
        }
        errors.addAll(EventsApiV2Contract.violations(json));
        return json;
    }

    /** Applies a valid event to the incident state, as PagerDuty does, and returns its dedup key. */
    private String accept(int sequence, Instant receivedAt, JsonNode json) {
        String action = json.get("event_action").asText();
        String dedupKey = json.hasNonNull("dedup_key") ? json.get("dedup_key").asText()
                // PagerDuty makes a unique key for a trigger without one, so each such trigger is a new alert.
                : UUID.randomUUID().toString().replace("-", "");
        // Follow-up events only reach an incident through the routing key that opened it.
        String key = json.get("routing_key").asText() + "\u0000" + dedupKey;
        MutableIncident open = openByKey.get(key);
        ReceivedEvent.Effect effect;
        switch (action) {
            case "trigger" -> {
                if (open != null) {
                    open.triggers++;
                    effect = ReceivedEvent.Effect.DEDUPLICATED;
                } else {
                    MutableIncident incident = new MutableIncident(dedupKey, receivedAt);
                    incidents.add(incident);
                    openByKey.put(key, incident);
                    effect = ReceivedEvent.Effect.OPENED;
                }
            }
            case "acknowledge" -> {
                if (open != null) {
                    open.status = Incident.Status.ACKNOWLEDGED;
                    effect = ReceivedEvent.Effect.ACKNOWLEDGED;
                } else {
                    effect = ReceivedEvent.Effect.DROPPED;
                }
            }
            case "resolve" -> {
                if (open != null) {
                    open.status = Incident.Status.RESOLVED;
                    open.resolvedAt = receivedAt;
                    openByKey.remove(key);
                    effect = ReceivedEvent.Effect.RESOLVED;
                } else {
                    effect = ReceivedEvent.Effect.DROPPED;
                }
            }
            default -> throw new IllegalStateException("the contract check lets only known actions through, got " + action);
        }
        events.add(new ReceivedEvent(sequence, receivedAt, action, dedupKey, effect, json));
        return dedupKey;
    }

    private static byte[] readBody(InputStream in) throws IOException {
        // One byte over the limit is enough to know the body is too large.
        byte[] head = in.readNBytes(EventsApiV2Contract.MAX_BODY_BYTES + 1);
        in.transferTo(OutputStream.nullOutputStream());
        return head;
    }

    private static ObjectNode usualBody(int status) {
        if (status == 429) {
            return message("throttle event", "Requests for this service are arriving too quickly. Please retry later.");
        }
        if (status == 400) {
            ObjectNode body = message("invalid event", "Event object is invalid");
            body.putArray("errors").add("scripted rejection");
            return body;
        }
        if (status >= 500) {
            return message("error", "Internal server error, please retry");
        }
        if (status >= 200 && status < 300) {
            return message("success", "Event processed");
        }
        return message("error", "Scripted response " + status);
    }

    private static ObjectNode parseScripted(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (JsonProcessingException e) {
            // Fall through: a scripted body must be a JSON object.
        }
        throw new IllegalArgumentException("a scripted body must be a JSON object, got: " + body);
    }

    private static ObjectNode message(String status, String message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("status", status);
        node.put("message", message);
        return node;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static final class MutableIncident {
        final String dedupKey;
        final Instant openedAt;
        Incident.Status status = Incident.Status.TRIGGERED;
        int triggers = 1;
        Instant resolvedAt;

        MutableIncident(String dedupKey, Instant openedAt) {
            this.dedupKey = dedupKey;
            this.openedAt = openedAt;
        }

        Incident snapshot() {
            return new Incident(dedupKey, status, triggers, openedAt, resolvedAt);
        }
    }
}
