package io.paypulse.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.paypulse.infra.FreePorts;
import io.paypulse.infra.pagerduty.LocalPagerDuty;
import io.paypulse.infra.pagerduty.ReceivedEvent;
import io.paypulse.infra.pagerduty.ScriptedResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.paypulse.alert.AlertEventTest.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PagerDutyClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofMillis(400);

    private final FakeTime time = new FakeTime();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private LocalPagerDuty pagerDuty;

    @BeforeEach
    void startReceiver() {
        pagerDuty = LocalPagerDuty.start();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        pagerDuty.close();
    }

    @Test
    void aTriggerArrivesExactlyAsTheContractDescribesIt() throws Exception {
        AlertEvent spike = AlertEventTest.visaBrazilSpike();
        DeliveryResult result = client(4, 100).send(spike);

        assertEquals(DeliveryResult.DELIVERED, result.status());
        assertEquals(1, result.attempts().size());
        DeliveryAttempt attempt = result.attempts().get(0);
        assertEquals(202, attempt.httpStatus());
        assertNull(attempt.error());
        assertEquals("success", JSON.readTree(attempt.responseBody()).path("status").asText());
        assertEquals(spike.dedupKey(), JSON.readTree(attempt.responseBody()).path("dedup_key").asText());

        assertEquals(List.of(), pagerDuty.violations());
        ReceivedEvent received = pagerDuty.events().get(0);
        assertEquals(spike.requestBody(KEY), received.json());
        assertEquals("trigger", received.action());
        assertEquals(ReceivedEvent.Effect.OPENED, received.effect());
        assertEquals(1, pagerDuty.triggeredIncidents());
        assertEquals(1, pagerDuty.openIncidents());
    }

    @Test
    void aResolveClosesTheIncidentTheTriggerOpened() throws Exception {
        PagerDutyClient client = client(4, 100);
        AlertEvent spike = AlertEventTest.visaBrazilSpike();
        assertTrue(client.send(spike).delivered());
        assertTrue(client.send(spike).delivered(), "a repeat is harmless: same dedup key");
        assertTrue(client.send(AlertEvent.resolve(spike.dedupKey(), AlertEventTest.DETECTED.plusSeconds(600))).delivered());

        assertEquals(List.of(), pagerDuty.violations());
        assertEquals(JSON.readTree("""
                {"routing_key": "%s", "event_action": "resolve", "dedup_key": "%s"}
                """.formatted(KEY, spike.dedupKey())), pagerDuty.events().get(2).json());
        assertEquals(List.of(ReceivedEvent.Effect.OPENED, ReceivedEvent.Effect.DEDUPLICATED, ReceivedEvent.Effect.RESOLVED),
                pagerDuty.events().stream().map(ReceivedEvent::effect).toList());
        assertEquals(1, pagerDuty.triggeredIncidents(), "exactly one page");
        assertEquals(0, pagerDuty.openIncidents());
    }

    @Test
    void aLongSummaryArrivesCutTo1024Characters() throws Exception {
        String longSummary = "Visa declines in BR " + "and more ".repeat(200);
        DeliveryResult result = client(4, 100).send(AlertEvent.trigger("long", longSummary, "src", Severity.ERROR, null));

        assertTrue(result.delivered());
        assertEquals(List.of(), pagerDuty.violations());
        String summary = pagerDuty.events().get(0).summary();
        assertEquals(1024, summary.length());
        assertTrue(summary.endsWith("\u2026"));
        assertTrue(longSummary.startsWith(summary.substring(0, 1023)));
    }

    @Test
    void aRateLimitedEventIsDeliveredOnTheRetry() throws Exception {
        pagerDuty.respondNext(429, 1);
        DeliveryResult result = client(4, 100).send(AlertEventTest.visaBrazilSpike());

        assertEquals(DeliveryResult.DELIVERED, result.status());
        assertEquals(List.of(429, 202), statuses(result));
        assertEquals("HTTP 429", result.attempts().get(0).error());
        assertEquals(List.of(1, 2), result.attempts().stream().map(DeliveryAttempt::attempt).toList());
        assertEquals(1, pagerDuty.events().size());
        assertEquals(1, pagerDuty.triggeredIncidents());
        assertEquals(List.of(), pagerDuty.violations(), "the retry is the same valid body");
        assertEquals(1, time.sleeps().size());
        assertBetween(INITIAL_BACKOFF.dividedBy(2), INITIAL_BACKOFF, time.sleeps().get(0));
    }

    @Test
    void retryAfterIsHonouredInsteadOfTheBackoff() throws Exception {
        pagerDuty.respondNext(429, 1, Duration.ofSeconds(3));
        pagerDuty.respondNext(503, 1, Duration.ofSeconds(1));
        DeliveryResult result = client(4, 100).send(AlertEventTest.visaBrazilSpike());

        assertTrue(result.delivered());
        assertEquals(List.of(429, 503, 202), statuses(result));
        assertEquals(List.of(Duration.ofSeconds(3), Duration.ofSeconds(1)), time.sleeps());
    }

    @Test
    void serverErrorsUntilTheLastAttemptEndAsFailed() throws Exception {
        pagerDuty.respondNext(500, 2).respondNext(502, 1).respondNext(503, 1);
        DeliveryResult result = client(4, 100).send(AlertEventTest.visaBrazilSpike());

        assertEquals(DeliveryResult.FAILED, result.status());
        assertEquals(List.of(500, 500, 502, 503), statuses(result));
        assertEquals(0, pagerDuty.events().size());
        assertEquals(4, pagerDuty.requests().size());
        List<Duration> waits = time.sleeps();
        assertEquals(3, waits.size(), "no wait after the last attempt");
        assertBetween(Duration.ofMillis(50), Duration.ofMillis(100), waits.get(0));
        assertBetween(Duration.ofMillis(100), Duration.ofMillis(200), waits.get(1));
        assertBetween(Duration.ofMillis(200), Duration.ofMillis(400), waits.get(2));
    }

    @Test
    void backoffStopsGrowingAtTheMaximum() throws Exception {
        pagerDuty.respondNext(500, 6);
        DeliveryResult result = client(6, 100).send(AlertEventTest.visaBrazilSpike());

        assertEquals(DeliveryResult.FAILED, result.status());
        for (Duration wait : time.sleeps()) {
            assertBetween(Duration.ZERO, MAX_BACKOFF, wait);
        }
        assertBetween(MAX_BACKOFF.dividedBy(2), MAX_BACKOFF, time.sleeps().get(4));
    }

    @Test
    void anInvalidEventIsRejectedWithoutRetrying() throws Exception {
        pagerDuty.respondNext(new ScriptedResponse(400,
                "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\",\"errors\":[\"'payload.source' is missing\"]}",
                null), 1);
        DeliveryResult result = client(4, 100).send(AlertEventTest.visaBrazilSpike());

        assertEquals(DeliveryResult.REJECTED, result.status());
        assertEquals(1, result.attempts().size());
        assertEquals(400, result.attempts().get(0).httpStatus());
        assertTrue(result.attempts().get(0).responseBody().contains("'payload.source' is missing"));
        assertEquals(List.of(), time.sleeps());
        assertEquals(1, pagerDuty.requests().size());
    }

    @Test
    void aWrongEventsUrlIsRejectedNotRetried() throws Exception {
        URI wrongPath = pagerDuty.eventsUrl().resolve("/v1/enqueue");
        DeliveryResult result = client(wrongPath, 4, 100).send(AlertEventTest.visaBrazilSpike());

        assertEquals(DeliveryResult.REJECTED, result.status());
        assertEquals(List.of(404), statuses(result));
    }

    @Test
    void networkErrorsAreRetriedThenFail() throws Exception {
        URI nobodyListens = URI.create("http://" + FreePorts.HOST + ":" + FreePorts.pick() + "/v2/enqueue");
        DeliveryResult result = client(nobodyListens, 3, 100).send(AlertEventTest.visaBrazilSpike());

        assertEquals(DeliveryResult.FAILED, result.status());
        assertEquals(List.of(0, 0, 0), statuses(result));
        for (DeliveryAttempt attempt : result.attempts()) {
            assertFalse(attempt.answered());
            assertEquals("", attempt.responseBody());
            assertNotNull(attempt.error());
            assertTrue(attempt.error().startsWith("ConnectException"), attempt.error());
        }
        assertEquals(2, time.sleeps().size());
    }

    @Test
    void withoutARoutingKeyNothingIsSent() throws Exception {
        PagerDutyConfig disabled = PagerDutyConfig.fromEnv(Map.of(PagerDutyConfig.ENV_EVENTS_URL,
                pagerDuty.eventsUrl().toString()));
        PagerDutyClient client = register(new PagerDutyClient(disabled, Clock.systemUTC(), time, time, new SplittableRandom(1)));
        AlertEvent spike = AlertEventTest.visaBrazilSpike();
        DeliveryResult result;
        try (LogCapture log = new LogCapture(PagerDutyClient.class)) {
            result = client.send(spike);
            assertEquals(1, log.lines().size());
            String line = log.lines().get(0);
            assertTrue(line.startsWith("WARN event=pagerduty_not_sent reason=no_routing_key action=trigger"), line);
            assertTrue(line.contains("summary=\"" + spike.summary() + "\""), line);
        }
        assertEquals(DeliveryResult.NOT_SENT, result.status());
        assertEquals(List.of(), result.attempts());
        assertEquals(List.of(), pagerDuty.requests());
    }

    @Test
    void theRateLimiterSpacesRequestsToTheConfiguredRate() throws Exception {
        PagerDutyClient client = client(4, 2);
        for (int i = 0; i < 5; i++) {
            assertTrue(client.send(AlertEvent.trigger("incident-" + i, "s", "src", Severity.INFO, null)).delivered());
        }
        // Two per sliding minute: the third and fifth wait for the oldest of the window to age out.
        assertEquals(List.of(Duration.ofMinutes(1), Duration.ofMinutes(1)), time.sleeps());
        assertEquals(5, pagerDuty.events().size());
    }

    @Test
    void retriesCountAgainstTheRateLimit() throws Exception {
        pagerDuty.respondNext(429, 1, Duration.ofSeconds(10));
        DeliveryResult result = client(4, 1).send(AlertEventTest.visaBrazilSpike());

        assertTrue(result.delivered());
        // Retry-After asks for 10 s; the limiter then holds the retry until a minute after the first request.
        assertEquals(List.of(Duration.ofSeconds(10), Duration.ofSeconds(50)), time.sleeps());
    }

    @Test
    void theRoutingKeyAppearsInNoRecordNoMessageAndNoLogLine() throws Exception {
        // A server that echoes the request, as some proxies and error pages do.
        String echo = "{\"status\":\"error\",\"message\":\"bad gateway for routing_key " + KEY + "\"}";
        pagerDuty.respondNext(new ScriptedResponse(502, echo, null), 1);
        pagerDuty.respondNext(new ScriptedResponse(400, "{\"status\":\"invalid event\",\"errors\":[\"" + KEY + "\"]}", null), 1);
        PagerDutyClient client = client(4, 100);
        List<DeliveryResult> results = new ArrayList<>();
        List<String> logLines;
        try (LogCapture log = new LogCapture(PagerDutyClient.class)) {
            results.add(client.send(AlertEventTest.visaBrazilSpike()));
            results.add(client.send(AlertEventTest.visaBrazilSpike()));
            logLines = log.lines();
        }
        assertEquals(List.of(502, 400), statuses(results.get(0)));
        assertTrue(results.get(0).attempts().get(0).responseBody().contains("[REDACTED]"));
        assertFalse(logLines.isEmpty());
        List<String> everything = new ArrayList<>(logLines);
        results.forEach(r -> everything.add(r.toString()));
        everything.add(client.config().toString());
        everything.add(AlertEventTest.visaBrazilSpike().toJson());
        for (String text : everything) {
            assertFalse(text.contains(KEY), "routing key leaked: " + text);
        }
    }

    @Test
    void anInterruptDuringABackoffStopsTheSend() {
        pagerDuty.respondNext(500, 1);
        PagerDutyConfig config = new PagerDutyConfig(KEY, pagerDuty.eventsUrl(), Duration.ofSeconds(5), 4,
                INITIAL_BACKOFF, MAX_BACKOFF, 100);
        PagerDutyClient client = register(new PagerDutyClient(config, Clock.systemUTC(), time,
                d -> { throw new InterruptedException("stop"); }, new SplittableRandom(3)));
        assertThrows(InterruptedException.class, () -> client.send(AlertEventTest.visaBrazilSpike()));
        assertEquals(1, pagerDuty.requests().size());
    }

    @Test
    void aClosedClientRefusesToSend() {
        PagerDutyClient client = client(4, 100);
        client.close();
        assertThrows(IllegalStateException.class, () -> client.send(AlertEventTest.visaBrazilSpike()));
    }

    private PagerDutyClient client(int maxAttempts, int perMinute) {
        return client(pagerDuty.eventsUrl(), maxAttempts, perMinute);
    }

    private PagerDutyClient client(URI url, int maxAttempts, int perMinute) {
        PagerDutyConfig config = new PagerDutyConfig(KEY, url, Duration.ofSeconds(5), maxAttempts, INITIAL_BACKOFF,
                MAX_BACKOFF, perMinute);
        return register(new PagerDutyClient(config, Clock.systemUTC(), time, time, new SplittableRandom(42)));
    }

    private PagerDutyClient register(PagerDutyClient client) {
        closeables.add(client);
        return client;
    }

    private static List<Integer> statuses(DeliveryResult result) {
        return result.attempts().stream().map(DeliveryAttempt::httpStatus).toList();
    }

    private static void assertBetween(Duration low, Duration high, Duration actual) {
        assertTrue(actual.compareTo(low) >= 0 && actual.compareTo(high) <= 0,
                "expected a wait between " + low + " and " + high + ", got " + actual);
    }
}
