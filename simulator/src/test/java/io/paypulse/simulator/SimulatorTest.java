package io.paypulse.simulator;

import com.stripe.net.Webhook;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulator against a scripted endpoint that checks every signature with stripe-java. */
class SimulatorTest {

    private static final String SECRET = "whsec_simulator_unit_7d1e";
    private static final Pattern ID = Pattern.compile("^\\{\"id\":\"(evt_[0-9A-Za-z]+)\"");

    private Server server;
    private final Map<String, AtomicInteger> attemptsById = new ConcurrentHashMap<>();
    private final Set<String> acceptedIds = ConcurrentHashMap.newKeySet();
    private final AtomicInteger badSignatures = new AtomicInteger();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void every503IsRetriedUntilAcceptedAndNothingIsLost() throws Exception {
        // Every fifth event's first attempt finds the bridge unavailable, as when Kafka does not acknowledge.
        URI url = endpoint(attempt -> attempt.number() == 1 && Math.floorMod(attempt.id().hashCode(), 5) == 0 ? 503 : 200);
        SimulationProgress done = simulate(url, new DeliveryProfile(Duration.ofMillis(500), Duration.ofSeconds(5), 0.05, 0.05,
                Duration.ofMinutes(1), Duration.ofMinutes(3)));

        assertEquals(0, badSignatures.get());
        assertEquals(0, done.lost());
        assertEquals(done.events(), done.eventsDelivered());
        assertEquals(done.events(), acceptedIds.size(), "every event accepted at least once");
        assertEquals(done.events(), attemptsById.size());
        long unavailable = attemptsById.keySet().stream().filter(id -> Math.floorMod(id.hashCode(), 5) == 0).count();
        assertTrue(done.retries() >= unavailable, done.retries() + " retries for " + unavailable + " events answered 503");
        assertTrue(done.duplicates() > 0 && done.late() > 0, done.line());
        assertEquals(Map.of(), done.rejectedByStatus());
        assertEquals(done.requests(), done.accepted() + done.retries());
    }

    @Test
    void a400IsARejectionThatIsCountedByStatusAndNotRetried() throws Exception {
        URI url = endpoint(attempt -> 400);
        SimulationProgress done = simulate(url, DeliveryProfile.perfect());
        assertEquals(0, done.retries());
        assertEquals(Map.of(400, done.requests()), done.rejectedByStatus());
        assertEquals(done.events(), done.lost(), "an event that is only ever rejected is lost");
        // This endpoint answers without a body: the status alone.
        assertEquals("400", done.rejectionCause());
        assertEquals("every request so far was refused (400): check --url and the bridge's log", done.rejectionHint());
    }

    @Test
    void aBridgeThatIsDownIsRetriedAndThenGivenUp() throws Exception {
        // Nothing listens on this port.
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Scenario scenario = new Scenario("down", "", 30, 0, 60, Optional.of(Duration.ofMinutes(1)), DeliveryProfile.perfect(),
                List.of());
        SimulatorConfig config = SimulatorConfig.of(URI.create("http://127.0.0.1:" + port + "/webhooks/stripe"), SECRET, scenario, 1)
                .withRetries(3, Duration.ofSeconds(2));
        List<SimulationProgress> lines = new ArrayList<>();
        SimulationProgress done = Simulator.create(config).run(false, Duration.ofSeconds(1), lines::add);
        assertTrue(done.events() > 0);
        assertEquals(done.events(), done.lost());
        assertEquals(2 * done.events(), done.retries(), "three attempts each");
        assertEquals(0, done.accepted());
        assertEquals(0, done.unsettled());
        // A person watching sees why nothing gets through, not only that retries pile up.
        assertEquals("connection refused", done.retryCause());
        assertEquals("nothing accepts connections at --url: start the bridge (./paypulse bridge, or ./paypulse run) or fix"
                + " --url", done.rejectionHint());
        assertTrue(lines.stream().anyMatch(p -> p.retrying() > 0
                        && p.line().endsWith(String.format(", %,d waiting to retry (connection refused)", p.retrying()))),
                lines.stream().map(SimulationProgress::line).toList().toString());
    }

    @Test
    void aRetriedFailureIsNamedInAFewWords() {
        assertEquals("connection refused", WebhookSender.describe(
                new java.util.concurrent.ExecutionException(new java.net.ConnectException("Connection refused"))));
        assertEquals("no answer in time", WebhookSender.describe(new java.util.concurrent.TimeoutException("Total timeout 5000 ms")));
        assertEquals("connection closed", WebhookSender.describe(new java.io.EOFException()));
        assertEquals("IllegalStateException", WebhookSender.describe(new IllegalStateException("stopped")));
    }

    @Test
    void anEventWhoseDeliveryIsStillDueIsNeitherDeliveredNorLost() {
        SimulationProgress p = new SimulationProgress(0, 0, SimulationProgress.Phase.DONE, 10, 0, 0, 0, 7, 7, Map.of(), 0, 1, 6,
                0, 0, 0, 0, "", 0, "");
        assertEquals(3, p.unsettled());
        assertEquals("", p.rejectionHint(), "something was accepted");
        assertEquals("", p.retryingText());
    }

    private SimulationProgress simulate(URI url, DeliveryProfile delivery) throws Exception {
        // Ten simulated minutes at 120 times: five seconds.
        Scenario scenario = new Scenario("unit", "", 240, 60, 120, Optional.of(Duration.ofMinutes(10)), delivery, List.of());
        SimulatorConfig config = SimulatorConfig.of(url, SECRET, scenario, 3).withRetries(6, Duration.ofSeconds(5));
        List<SimulationProgress> lines = new ArrayList<>();
        Simulator simulator = Simulator.create(config);
        SimulationProgress done = simulator.run(false, Duration.ofSeconds(2), lines::add);
        assertTrue(!lines.isEmpty(), "progress is reported while it runs");
        assertEquals(SimulationProgress.Phase.DONE, done.phase());
        assertEquals(0, done.inFlight());
        assertEquals(0, done.retrying());
        return done;
    }

    private record Attempt(String id, int number) {
    }

    private URI endpoint(Function<Attempt, Integer> status) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                String signature = request.getHeaders().get("Stripe-Signature");
                try {
                    Webhook.Signature.verifyHeader(body, signature, SECRET, 300);
                } catch (Exception e) {
                    badSignatures.incrementAndGet();
                }
                Matcher m = ID.matcher(body);
                String id = m.find() ? m.group(1) : "none";
                int n = attemptsById.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                int code = status.apply(new Attempt(id, n));
                if (code == 200) {
                    acceptedIds.add(id);
                }
                response.setStatus(code);
                callback.succeeded();
                return true;
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/webhooks/stripe");
    }
}
