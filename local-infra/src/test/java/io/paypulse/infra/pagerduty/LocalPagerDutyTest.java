package io.paypulse.infra.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalPagerDutyTest {

    static final String KEY = "R0UTINGKEY0123456789abcdefghijkl";
    static final String OTHER_KEY = "0THERKEY0123456789abcdefghijklmn";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private LocalPagerDuty pagerDuty;

    @BeforeEach
    void start() {
        pagerDuty = LocalPagerDuty.start();
    }

    @AfterEach
    void stop() {
        pagerDuty.close();
    }

    @Test
    void listensOnLoopbackAtTheEnqueuePath() {
        assertEquals(URI.create("http://127.0.0.1:" + pagerDuty.port() + "/v2/enqueue"), pagerDuty.eventsUrl());
    }

    @Test
    void acceptsAValidTriggerAsPagerDutyDoes() throws Exception {
        HttpResponse<String> response = post(trigger("incident-1", "Visa declines in BR at 38%"));

        assertEquals(202, response.statusCode());
        assertEquals(JSON.readTree("{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"incident-1\"}"),
                JSON.readTree(response.body()));
        assertEquals(List.of(), pagerDuty.violations());
        ReceivedEvent event = pagerDuty.events().get(0);
        assertEquals("trigger", event.action());
        assertEquals("incident-1", event.dedupKey());
        assertEquals(ReceivedEvent.Effect.OPENED, event.effect());
        assertEquals("Visa declines in BR at 38%", event.summary());
        assertEquals("critical", event.severity());
        assertEquals(1, pagerDuty.triggeredIncidents());
        assertEquals(1, pagerDuty.openIncidents());
    }

    @Test
    void acceptsEveryDocumentedField() throws Exception {
        String full = """
                {"routing_key": "%s", "event_action": "trigger", "dedup_key": "full",
                 "payload": {"summary": "s", "source": "src", "severity": "info",
                             "timestamp": "2015-07-17T08:42:58.315+0000", "component": "postgres",
                             "group": "prod-datapipe", "class": "deploy",
                             "custom_details": {"ping time": "1500ms", "load avg": 0.75}},
                 "images": [{"src": "https://example.com/logo.png", "href": "https://example.com/", "alt": "Example"}],
                 "links": [{"href": "https://example.com/", "text": "Link text"}, {"href": "http://grafana.local/d/1"}],
                 "client": "Sample Monitoring Service", "client_url": "https://monitoring.example.com"}
                """.formatted(KEY);
        assertEquals(202, post(full).statusCode());
        assertEquals(List.of(), pagerDuty.violations());
    }

    @Test
    void acceptsTheIsoTimestampsPeopleWrite() {
        for (String ts : List.of("2026-11-02T10:15:30Z", "2026-11-02T10:15:30.123Z", "2026-11-02T10:15:30.123456789+02:00",
                "2015-07-17T08:42:58.315+0000", "2015-07-17T08:42:58-0500")) {
            assertTrue(EventsApiV2Contract.isIsoTimestamp(ts), ts);
        }
        for (String ts : List.of("2026-11-02T10:15:30", "2026-11-02", "yesterday", "1762078530", "2026-13-02T10:15:30Z")) {
            assertFalse(EventsApiV2Contract.isIsoTimestamp(ts), ts);
        }
    }

    @Test
    void aTriggerWithoutDedupKeyGetsAFreshKeyAndAFreshIncident() throws Exception {
        String bare = """
                {"routing_key": "%s", "event_action": "trigger",
                 "payload": {"summary": "s", "source": "src", "severity": "warning"}}
                """.formatted(KEY);
        String first = JSON.readTree(post(bare).body()).path("dedup_key").asText();
        String second = JSON.readTree(post(bare).body()).path("dedup_key").asText();

        assertFalse(first.isEmpty());
        assertFalse(first.equals(second));
        assertEquals(2, pagerDuty.triggeredIncidents());
        assertEquals(first, pagerDuty.events().get(0).dedupKey());
    }

    @Test
    void keepsIncidentStateByDedupKeyAsPagerDutyDoes() throws Exception {
        post(trigger("incident-1", "first"));
        post(trigger("incident-1", "again"));
        post(action("acknowledge", "incident-1", KEY));
        post(action("resolve", "incident-1", KEY));
        post(action("resolve", "incident-1", KEY));
        post(trigger("incident-1", "back"));

        assertEquals(List.of(ReceivedEvent.Effect.OPENED, ReceivedEvent.Effect.DEDUPLICATED,
                        ReceivedEvent.Effect.ACKNOWLEDGED, ReceivedEvent.Effect.RESOLVED, ReceivedEvent.Effect.DROPPED,
                        ReceivedEvent.Effect.OPENED),
                pagerDuty.events().stream().map(ReceivedEvent::effect).toList());
        List<Incident> incidents = pagerDuty.incidents();
        assertEquals(2, incidents.size(), "a trigger after the resolve is a new incident");
        assertEquals(Incident.Status.RESOLVED, incidents.get(0).status());
        assertEquals(2, incidents.get(0).triggers());
        assertNotNull(incidents.get(0).resolvedAt());
        assertTrue(incidents.get(1).open());
        assertEquals(2, pagerDuty.triggeredIncidents());
        assertEquals(1, pagerDuty.openIncidents());
        assertEquals(List.of(), pagerDuty.violations());
    }

    @Test
    void aResolveThroughAnotherRoutingKeyDoesNotCloseTheIncident() throws Exception {
        post(trigger("incident-1", "first"));
        assertEquals(202, post(action("resolve", "incident-1", OTHER_KEY)).statusCode());

        assertEquals(ReceivedEvent.Effect.DROPPED, pagerDuty.events().get(1).effect());
        assertEquals(1, pagerDuty.openIncidents());
    }

    @Test
    void refusesEachBreachOfTheContractWith400AndRecordsIt() throws Exception {
        String longKey = "k".repeat(256);
        String longSummary = "s".repeat(1025);
        List<Breach> breaches = List.of(
                new Breach("{\"event_action\":\"trigger\",\"dedup_key\":\"d\",\"payload\":" + payload() + "}",
                        "'routing_key' is missing"),
                new Breach(body("\"short\"", "\"trigger\"", "\"d\"", payload()),
                        "Length of 'routing_key' is incorrect (should be 32 characters, got 5)"),
                new Breach(body(q(KEY), "\"escalate\"", "\"d\"", payload()),
                        "'event_action' must be one of trigger, acknowledge, resolve; got \"escalate\""),
                new Breach("{\"routing_key\":" + q(KEY) + ",\"event_action\":\"resolve\"}",
                        "'dedup_key' is required for resolve events"),
                new Breach(body(q(KEY), "\"trigger\"", q(longKey), payload()),
                        "'dedup_key' is longer than 255 characters (256)"),
                new Breach(body(q(KEY), "\"trigger\"", "42", payload()), "'dedup_key' must be a string; got number"),
                new Breach(body(q(KEY), "\"trigger\"", "\"\"", payload()), "'dedup_key' must not be empty"),
                new Breach("{\"routing_key\":" + q(KEY) + ",\"event_action\":\"trigger\",\"dedup_key\":\"d\"}",
                        "'payload' is required for trigger events"),
                new Breach(body(q(KEY), "\"trigger\"", "\"d\"", "{\"source\":\"src\",\"severity\":\"info\"}"),
                        "'payload.summary' is missing"),
                new Breach(body(q(KEY), "\"trigger\"", "\"d\"",
                        "{\"summary\":" + q(longSummary) + ",\"source\":\"src\",\"severity\":\"info\"}"),
                        "'payload.summary' is longer than 1024 characters (1025)"),
                new Breach(body(q(KEY), "\"trigger\"", "\"d\"", "{\"summary\":\"s\",\"severity\":\"info\"}"),
                        "'payload.source' is missing"),
                new Breach(body(q(KEY), "\"trigger\"", "\"d\"", "{\"summary\":\"s\",\"source\":\" \",\"severity\":\"info\"}"),
                        "'payload.source' must not be blank"),
                new Breach(body(q(KEY), "\"trigger\"", "\"d\"", "{\"summary\":\"s\",\"source\":\"src\",\"severity\":\"high\"}"),
                        "'payload.severity' must be one of critical, error, warning, info; got \"high\""),
                new Breach(body(q(KEY), "\"trigger\"", "\"d\"", "{\"summary\":\"s\",\"source\":\"src\",\"severity\":\"INFO\"}"),
                        "'payload.severity' must be one of critical, error, warning, info; got \"INFO\""),
                new Breach(body(q(KEY), "\"trigger\"", "\"d\"",
                        "{\"summary\":\"s\",\"source\":\"src\",\"severity\":\"info\",\"timestamp\":\"yesterday\"}"),
                        "'payload.timestamp' is not an ISO-8601 date-time with an offset: 'yesterday'"),
                new Breach(body(q(KEY), "\"trigger\"", "\"d\"",
                        "{\"summary\":\"s\",\"source\":\"src\",\"severity\":\"info\",\"timestamp\":1762078530}"),
                        "'payload.timestamp' must be an ISO-8601 string"),
                new Breach(body(q(KEY), "\"trigger\"", "\"d\"",
                        "{\"summary\":\"s\",\"source\":\"src\",\"severity\":\"info\",\"custom_details\":\"observed 38%\"}"),
                        "'payload.custom_details' must be an object"),
                new Breach(body(q(KEY), "\"trigger\"", "\"d\"",
                        "{\"summary\":\"s\",\"source\":\"src\",\"severity\":\"info\",\"details\":{}}"),
                        "unknown field 'payload.details' (PagerDuty would ignore it)"),
                new Breach("{\"routing_key\":" + q(KEY) + ",\"event_action\":\"resolve\",\"dedupKey\":\"d\"}",
                        "unknown field 'dedupKey' (PagerDuty would ignore it)"),
                new Breach(withExtra("\"links\":{\"href\":\"https://example.com\"}"),
                        "'links' must be an array of {href, text} objects"),
                new Breach(withExtra("\"links\":[{\"text\":\"Grafana dashboard\"}]"), "'links[0].href' is missing"),
                new Breach(withExtra("\"links\":[{\"href\":\"/d/1\"}]"), "'links[0].href' must be an absolute URL"),
                new Breach(withExtra("\"links\":[{\"href\":\"https://example.com\",\"url\":\"x\"}]"),
                        "unknown field 'links[0].url' (PagerDuty would ignore it)"),
                new Breach(withExtra("\"images\":[{\"src\":\"http://example.com/a.png\"}]"),
                        "'images[0].src' must be an https URL"),
                new Breach(withExtra("\"client_url\":\"monitoring\""), "'client_url' must be an absolute URL"),
                new Breach("[]", "the body must be a JSON object"),
                new Breach("{\"routing_key\":" + q(KEY) + ",", "the body is not valid JSON"),
                new Breach("{\"routing_key\":" + q(KEY) + ",\"event_action\":\"resolve\",\"dedup_key\":\"a\",\"dedup_key\":\"b\"}",
                        "the body is not valid JSON: Duplicate field 'dedup_key'"));

        int sequence = 0;
        for (Breach breach : breaches) {
            sequence++;
            HttpResponse<String> response = post(breach.body());
            assertEquals(400, response.statusCode(), breach.body());
            JsonNode answer = JSON.readTree(response.body());
            assertEquals("invalid event", answer.path("status").asText());
            assertEquals("Event object is invalid", answer.path("message").asText());
            List<String> errors = JSON.convertValue(answer.path("errors"),
                    JSON.getTypeFactory().constructCollectionType(List.class, String.class));
            assertTrue(errors.stream().anyMatch(e -> e.startsWith(breach.expected())),
                    "expected an error starting with [" + breach.expected() + "], got " + errors);
            String recorded = "request " + sequence + ": ";
            assertTrue(pagerDuty.violations().stream().anyMatch(v -> v.startsWith(recorded + breach.expected())),
                    pagerDuty.violations().toString());
            assertFalse(response.body().contains(KEY), "the routing key is never echoed");
        }
        assertEquals(List.of(), pagerDuty.events());
        assertEquals(0, pagerDuty.triggeredIncidents());
    }

    @Test
    void refusesTheWrongContentTypeMethodAndPath() throws Exception {
        HttpResponse<String> text = send(HttpRequest.newBuilder(pagerDuty.eventsUrl())
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(trigger("d", "s"))).build());
        assertEquals(400, text.statusCode());
        assertTrue(text.body().contains("Content-Type must be application/json, got text/plain"), text.body());

        HttpResponse<String> get = send(HttpRequest.newBuilder(pagerDuty.eventsUrl()).GET().build());
        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));

        HttpResponse<String> v1 = send(HttpRequest.newBuilder(pagerDuty.eventsUrl().resolve("/generic/2010-04-15/create_event.json"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(trigger("d", "s"))).build());
        assertEquals(404, v1.statusCode());

        assertEquals(List.of(400, 405, 404), pagerDuty.requests().stream().map(ReceivedRequest::status).toList());
        assertEquals(3, pagerDuty.violations().size(), pagerDuty.violations().toString());
        assertEquals(List.of(), pagerDuty.events());
    }

    @Test
    void acceptsAContentTypeWithACharset() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(pagerDuty.eventsUrl())
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(trigger("d", "s"))).build());
        assertEquals(202, response.statusCode());
    }

    @Test
    void scriptedAnswersComeFirstThenNormalOnesResume() throws Exception {
        pagerDuty.respondNext(429, 2, Duration.ofSeconds(1)).respondNext(500, 1);
        HttpResponse<String> first = post(trigger("incident-1", "s"));
        HttpResponse<String> second = post(trigger("incident-1", "s"));
        HttpResponse<String> third = post(trigger("incident-1", "s"));
        HttpResponse<String> fourth = post(trigger("incident-1", "s"));

        assertEquals(List.of(429, 429, 500, 202),
                List.of(first.statusCode(), second.statusCode(), third.statusCode(), fourth.statusCode()));
        assertEquals("1", first.headers().firstValue("Retry-After").orElse(""));
        assertEquals("throttle event", JSON.readTree(first.body()).path("status").asText());
        assertTrue(third.headers().firstValue("Retry-After").isEmpty());
        assertEquals(1, pagerDuty.events().size(), "scripted answers accept nothing");
        assertEquals(1, pagerDuty.triggeredIncidents());
        assertEquals(List.of(), pagerDuty.violations());
    }

    @Test
    void aScriptedAnswerStillChecksTheRequest() throws Exception {
        pagerDuty.respondNext(429, 1);
        assertEquals(429, post("{}").statusCode());
        assertEquals(List.of("request 1: 'routing_key' is missing", "request 1: 'event_action' is missing"),
                pagerDuty.violations());
    }

    @Test
    void awaitEventsReturnsOnceEnoughHaveArrived() throws Exception {
        Thread sender = new Thread(() -> {
            try {
                post(trigger("a", "s"));
                post(trigger("b", "s"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        sender.start();
        List<ReceivedEvent> events = pagerDuty.awaitEvents(2, Duration.ofSeconds(30));
        sender.join();
        assertEquals(List.of("a", "b"), events.stream().map(ReceivedEvent::dedupKey).toList());
    }

    @Test
    void awaitEventsSaysWhatArrivedWhenTimeRunsOut() throws Exception {
        pagerDuty.respondNext(500, 1);
        post(trigger("a", "s"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> pagerDuty.awaitEvents(1, Duration.ofMillis(20)));
        assertEquals("expected 1 accepted events within 20 ms; got 0 events from 1 requests with statuses [500];"
                + " violations: []", e.getMessage());
    }

    private HttpResponse<String> post(String body) throws Exception {
        return send(HttpRequest.newBuilder(pagerDuty.eventsUrl())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static String trigger(String dedupKey, String summary) {
        return """
                {"routing_key": "%s", "event_action": "trigger", "dedup_key": "%s",
                 "payload": {"summary": "%s", "source": "stripe:acct_1", "severity": "critical",
                             "timestamp": "2026-11-02T10:15:30.123Z"}}
                """.formatted(KEY, dedupKey, summary);
    }

    private static String action(String action, String dedupKey, String routingKey) {
        return "{\"routing_key\":" + q(routingKey) + ",\"event_action\":" + q(action) + ",\"dedup_key\":" + q(dedupKey) + "}";
    }

    private static String body(String routingKey, String action, String dedupKey, String payload) {
        return "{\"routing_key\":" + routingKey + ",\"event_action\":" + action + ",\"dedup_key\":" + dedupKey
                + ",\"payload\":" + payload + "}";
    }

    private static String withExtra(String field) {
        return "{\"routing_key\":" + q(KEY) + ",\"event_action\":\"trigger\",\"dedup_key\":\"d\",\"payload\":" + payload()
                + "," + field + "}";
    }

    private static String payload() {
        return "{\"summary\":\"s\",\"source\":\"src\",\"severity\":\"info\"}";
    }

    private static String q(String text) {
        return "\"" + text + "\"";
    }

    private record Breach(String body, String expected) {
    }
}
