package io.paypulse.bridge;

import io.paypulse.infra.Eventually;
import io.paypulse.infra.SharedInfra;
import io.paypulse.infra.stripe.StripeEventSamples;
import io.paypulse.schemas.EnvelopeHeaders;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpecs;
import io.paypulse.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bridge against a real KRaft broker, over real HTTP. */
class IngestBridgeITCase {

    private static final String OLD_SECRET = "whsec_it_old_5f2b7c9d1e3a";
    private static final String NEW_SECRET = "whsec_it_new_8a4c6e0f2b1d";
    private static final String INSTANCE = "bridge-it";

    private static String kafka;
    private static IngestBridge bridge;
    private static SignedWebhooks webhooks;
    private static KafkaTopicReader reader;

    @BeforeAll
    static void start() throws Exception {
        kafka = SharedInfra.kafka().bootstrapServers();
        TopicProvisioner.provision(kafka, TopicSpecs.load().all(), Duration.ofSeconds(30));
        BridgeConfig config = BridgeConfig.fromEnv(Map.of(
                        BridgeConfig.ENV_SECRETS, OLD_SECRET + "," + NEW_SECRET,
                        BridgeConfig.ENV_KAFKA, kafka,
                        BridgeConfig.ENV_INSTANCE_ID, INSTANCE,
                        BridgeConfig.ENV_BIND_HOST, "127.0.0.1",
                        BridgeConfig.ENV_MAX_BODY, "65536"))
                .withPort(0);
        bridge = IngestBridge.start(config);
        webhooks = new SignedWebhooks(bridge.webhookUri());
        reader = new KafkaTopicReader(kafka);
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (reader != null) {
            reader.close();
        }
    }

    @Test
    void signedEventsLandOnKafkaUntouchedWithTheirEnvelope() throws Exception {
        Map<TopicPartition, Long> before = reader.endOffsets(Topics.STRIPE_EVENTS);
        String run = run();
        long created = Instant.now().getEpochSecond() - 3;
        Map<String, String> sent = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            String n = run + i;
            sent.put("evt_cs" + n, StripeEventSamples.chargeSucceeded("evt_cs" + n, "ch_cs" + n, created, "visa", "BR", 1000 + i, "brl"));
            sent.put("evt_cf" + n, StripeEventSamples.chargeFailed("evt_cf" + n, "ch_cf" + n, created, "mastercard", "US", 2500, "usd",
                    "card_declined", "do_not_honor"));
            sent.put("evt_pp" + n, StripeEventSamples.payout("evt_pp" + n, "payout.paid", "po_pp" + n, created, created + 86_400 * 2,
                    50_000, "usd", "standard"));
            sent.put("evt_pi" + n, StripeEventSamples.paymentIntent("evt_pi" + n,
                    i % 2 == 0 ? "payment_intent.succeeded" : "payment_intent.payment_failed", "pi_" + n, created, 1000, "eur"));
        }
        String connect = "{\"id\":\"evt_acct" + run + "\",\"object\":\"event\",\"account\":\"acct_1Q2w3E\",\"api_version\":\"2024-06-20\","
                + "\"created\":" + created + ",\"data\":{\"object\":{\"id\":\"po_acct\",\"object\":\"payout\"}},\"livemode\":false,"
                + "\"pending_webhooks\":1,\"request\":{\"id\":null,\"idempotency_key\":null},\"type\":\"payout.paid\"}";
        sent.put("evt_acct" + run, connect);

        long sentFrom = System.currentTimeMillis();
        for (Map.Entry<String, String> e : sent.entrySet()) {
            HttpResponse<String> response = webhooks.send(e.getValue(), NEW_SECRET);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("{\"received\":true,\"id\":\"" + e.getKey() + "\"}", response.body());
        }
        long sentUntil = System.currentTimeMillis();

        List<ConsumerRecord<byte[], byte[]>> records = reader.readSince(before, Duration.ofSeconds(30));
        assertEquals(sent.size(), records.size());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String id = new String(r.key(), StandardCharsets.UTF_8);
            String payload = sent.get(id);
            assertArrayEquals(payload.getBytes(StandardCharsets.UTF_8), r.value(), "payload bytes of " + id);
            Map<String, String> h = headers(r);
            boolean isConnect = id.startsWith("evt_acct");
            Map<String, String> expected = new HashMap<>();
            expected.put(EnvelopeHeaders.ENVELOPE_VERSION, "1");
            expected.put(EnvelopeHeaders.EVENT_ID, id);
            expected.put(EnvelopeHeaders.EVENT_TYPE, type(payload));
            expected.put(EnvelopeHeaders.EVENT_CREATED, Long.toString(created));
            expected.put(EnvelopeHeaders.EVENT_API_VERSION, "2024-06-20");
            // The samples are live-mode events; the Connect one is a test-mode event of a connected account.
            expected.put(EnvelopeHeaders.EVENT_LIVEMODE, Boolean.toString(!isConnect));
            expected.put(EnvelopeHeaders.BRIDGE_INSTANCE, INSTANCE);
            if (isConnect) {
                expected.put(EnvelopeHeaders.EVENT_ACCOUNT, "acct_1Q2w3E");
            }
            long receivedAt = Long.parseLong(h.get(EnvelopeHeaders.RECEIVED_AT));
            assertTrue(receivedAt >= sentFrom && receivedAt <= sentUntil, "received_at " + receivedAt + " within the test");
            h.remove(EnvelopeHeaders.RECEIVED_AT);
            assertEquals(expected, h, "envelope of " + id);
        }
        assertEquals(sent.keySet(), idsOf(records));
    }

    @Test
    void everyDeliveryOfOneEventLandsOnOnePartition() throws Exception {
        Map<TopicPartition, Long> before = reader.endOffsets(Topics.STRIPE_EVENTS);
        String id = "evt_redeliver" + run();
        String payload = StripeEventSamples.chargeSucceeded(id, "ch_" + run(), Instant.now().getEpochSecond(), "visa", "BR", 900, "brl");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, webhooks.send(payload, OLD_SECRET).statusCode());
        }
        List<ConsumerRecord<byte[], byte[]>> records = reader.readSince(before, Duration.ofSeconds(30));
        assertEquals(3, records.size());
        assertEquals(1, records.stream().map(ConsumerRecord::partition).distinct().count());
    }

    @Test
    void rotationAcceptsOldAndNewSecretsAndCountsWhichMatched() throws Exception {
        double oldBefore = secretMatches("0");
        double newBefore = secretMatches("1");
        long now = Instant.now().getEpochSecond();
        String a = StripeEventSamples.chargeSucceeded("evt_rot_a" + run(), "ch_ra" + run(), now, "visa", "DE", 100, "eur");
        String b = StripeEventSamples.chargeSucceeded("evt_rot_b" + run(), "ch_rb" + run(), now, "visa", "DE", 100, "eur");
        String c = StripeEventSamples.chargeSucceeded("evt_rot_c" + run(), "ch_rc" + run(), now, "visa", "DE", 100, "eur");
        assertEquals(200, webhooks.send(a, OLD_SECRET).statusCode());
        assertEquals(200, webhooks.send(b, NEW_SECRET).statusCode());
        String twoSignatures = "t=" + now + ",v1=" + StripeEventSamples.signature(c, "whsec_retired_000", now)
                + ",v1=" + StripeEventSamples.signature(c, NEW_SECRET, now);
        assertEquals(200, webhooks.sendWithHeader(c, twoSignatures).statusCode());
        assertEquals(oldBefore + 1, secretMatches("0"));
        assertEquals(newBefore + 2, secretMatches("1"));
        String metrics = webhooks.request("GET", "/metrics").body();
        assertTrue(!metrics.contains(OLD_SECRET) && !metrics.contains(NEW_SECRET), "metrics never name a secret");
    }

    @Test
    void badInputGetsItsStatusAndOnlyDeadLetterCasesReachTheDlq() throws Exception {
        Map<TopicPartition, Long> eventsBefore = reader.endOffsets(Topics.STRIPE_EVENTS);
        Map<TopicPartition, Long> dlqBefore = reader.endOffsets(Topics.STRIPE_EVENTS_DLQ);
        long now = Instant.now().getEpochSecond();
        String good = StripeEventSamples.chargeSucceeded("evt_bad" + run(), "ch_bad" + run(), now, "visa", "BR", 100, "brl");

        assertRejected(webhooks.sendWithHeader(good, null), 400, "signature_missing");
        assertRejected(webhooks.sendWithHeader(good, "t=yesterday,v1=abc"), 400, "signature_malformed");
        assertRejected(webhooks.sendWithHeader(good, StripeEventSamples.signatureHeader(good, "whsec_wrong", now)), 400,
                "signature_mismatch");
        assertRejected(webhooks.sendWithHeader(good, StripeEventSamples.signatureHeader(good, NEW_SECRET, now - 301)), 400,
                "timestamp_outside_tolerance");
        String big = good.substring(0, good.length() - 1) + ",\"padding\":\"" + "x".repeat(70_000) + "\"}";
        // Over a raw socket: the bridge answers 413 as soon as it sees the declared length and closes the
        // connection, so a client still writing the body can fail with a broken pipe before it reads
        // the answer (the JDK's HttpClient did, now and then). Sending the head and a little of the body,
        // as a client waiting for the answer would, makes the answer the thing under test.
        String answer = declaredTooLarge(big, StripeEventSamples.signatureHeader(big, NEW_SECRET, now));
        assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
        assertTrue(answer.contains("application/json"), answer);
        assertTrue(answer.contains("{\"error\":{\"code\":\"body_too_large\",\"message\":\""), answer);
        assertEquals(413, chunkedStatus(big, StripeEventSamples.signatureHeader(big, NEW_SECRET, now)));

        String notJson = "this is not json {";
        String noId = "{\"object\":\"event\",\"type\":\"charge.succeeded\",\"created\":" + now + "}";
        String noType = "{\"id\":\"evt_notype" + run() + "\",\"object\":\"event\",\"created\":" + now + "}";
        assertRejected(webhooks.send(notJson, NEW_SECRET), 400, "invalid_json");
        assertRejected(webhooks.send(noId, NEW_SECRET), 400, "missing_id");
        assertRejected(webhooks.send(noType, OLD_SECRET), 400, "missing_type");
        // Milliseconds sent as seconds: no table downstream could hold it, so it goes no further than the DLQ.
        String createdInMillis = StripeEventSamples.chargeSucceeded("evt_ms" + run(), "ch_ms" + run(), now * 1000, "visa",
                "BR", 100, "brl");
        HttpResponse<String> millis = webhooks.send(createdInMillis, NEW_SECRET);
        assertRejected(millis, 400, "missing_created");
        assertTrue(millis.body().contains("between 2010-01-01 and a day after receipt"), millis.body());

        HttpResponse<String> get = webhooks.request("GET", "/webhooks/stripe");
        assertRejected(get, 405, "method_not_allowed");
        assertEquals("POST", get.headers().firstValue("Allow").orElse(null));
        assertRejected(webhooks.request("POST", "/webhooks/paypal"), 404, "not_found");

        // Every accepted request was acknowledged before its answer, so the end offsets are final now.
        assertEquals(eventsBefore, reader.endOffsets(Topics.STRIPE_EVENTS), "nothing reached stripe.events");
        List<ConsumerRecord<byte[], byte[]>> dlq = reader.readSince(dlqBefore, Duration.ofSeconds(30));
        Map<String, String> reasons = new HashMap<>();
        Map<String, String> details = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dlq) {
            Map<String, String> h = headers(r);
            assertNull(r.key());
            assertEquals("1", h.get(EnvelopeHeaders.ENVELOPE_VERSION));
            assertEquals(INSTANCE, h.get(EnvelopeHeaders.BRIDGE_INSTANCE));
            assertTrue(h.get(EnvelopeHeaders.DLQ_DETAIL).length() > 5);
            reasons.put(new String(r.value(), StandardCharsets.UTF_8), h.get(EnvelopeHeaders.DLQ_REASON));
            details.put(new String(r.value(), StandardCharsets.UTF_8), h.get(EnvelopeHeaders.DLQ_DETAIL));
        }
        assertEquals(Map.of(notJson, "invalid_json", noId, "missing_id", noType, "missing_type",
                createdInMillis, "missing_created"), reasons);
        assertEquals("the event's 'created' (" + now * 1000 + ") is not epoch seconds between 2010-01-01 and a day"
                + " after receipt", details.get(createdInMillis));
    }

    @Test
    void anOversizedBodyIsRefusedWithoutBeingRead() throws Exception {
        long now = Instant.now().getEpochSecond();
        try (Socket socket = new Socket("127.0.0.1", bridge.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            // Declares 10 MiB but sends only a few bytes: the answer must come without waiting for the rest.
            out.write(("POST /webhooks/stripe HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Stripe-Signature: t=" + now + ",v1=00\r\nContent-Length: 10485760\r\n\r\n{\"id\":")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(socket.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 413 "), head);
        }
    }

    @Test
    void aClientThatGoesAwayMidBodyIsCountedAsAbandonedAndNothingLands() throws Exception {
        Map<TopicPartition, Long> before = reader.endOffsets(Topics.STRIPE_EVENTS);
        double received = metric("paypulse_bridge_webhooks_received_total");
        double abandoned = metric("paypulse_bridge_webhooks_abandoned_total");
        String payload = StripeEventSamples.chargeSucceeded("evt_gone_" + run(), "ch_gone", Instant.now().getEpochSecond(),
                "visa", "US", 500, "usd");
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", bridge.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhooks/stripe HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Stripe-Signature: " + StripeEventSamples.signatureHeader(payload, NEW_SECRET, Instant.now().getEpochSecond())
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 64);
            out.flush();
        }
        Eventually.until("the abandoned request is counted", Duration.ofSeconds(30),
                () -> metric("paypulse_bridge_webhooks_abandoned_total") == abandoned + 1);
        assertEquals(received + 1, metric("paypulse_bridge_webhooks_received_total"));
        // Only the scrape that reads it: the abandoned request left the gauge.
        assertEquals(1, metric("paypulse_bridge_requests_in_flight"));
        assertEquals(List.of(), reader.readSince(before, Duration.ofSeconds(2)));
    }

    @Test
    void manyConcurrentClientsLoseAndCorruptNothing() throws Exception {
        Map<TopicPartition, Long> before = reader.endOffsets(Topics.STRIPE_EVENTS);
        int clients = 16;
        int perClient = 150;
        String run = run();
        long created = Instant.now().getEpochSecond();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        Map<String, String> sent = new java.util.concurrent.ConcurrentHashMap<>();
        List<Future<Integer>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            results.add(pool.submit(() -> {
                SignedWebhooks own = new SignedWebhooks(bridge.webhookUri());
                int ok = 0;
                for (int i = 0; i < perClient; i++) {
                    String id = "evt_cc" + run + "_" + client + "_" + i;
                    String payload = i % 3 == 0
                            ? StripeEventSamples.chargeFailed(id, "ch_" + id, created, "amex", "MX", 700 + i, "mxn", "card_declined",
                            "insufficient_funds")
                            : StripeEventSamples.chargeSucceeded(id, "ch_" + id, created, "visa", "BR", 100 + i, "brl");
                    sent.put(id, payload);
                    HttpResponse<String> response = own.send(payload, client % 2 == 0 ? OLD_SECRET : NEW_SECRET);
                    if (response.statusCode() == 200) {
                        ok++;
                    }
                }
                return ok;
            }));
        }
        int accepted = 0;
        for (Future<Integer> f : results) {
            accepted += f.get();
        }
        pool.shutdown();
        assertEquals(clients * perClient, accepted);
        List<ConsumerRecord<byte[], byte[]>> records = reader.readSince(before, Duration.ofSeconds(60));
        assertEquals(clients * perClient, records.size());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String id = new String(r.key(), StandardCharsets.UTF_8);
            assertArrayEquals(sent.get(id).getBytes(StandardCharsets.UTF_8), r.value(), "payload of " + id);
        }
        assertEquals(sent.keySet(), idsOf(records));
    }

    @Test
    void healthReadinessAndMetricsAnswer() throws Exception {
        HttpResponse<String> health = webhooks.request("GET", "/healthz");
        assertEquals(200, health.statusCode());
        assertEquals("{\"status\":\"alive\"}", health.body());
        assertEquals(200, awaitStatus("/readyz", 200, Duration.ofSeconds(30)));
        HttpResponse<String> metrics = webhooks.request("GET", "/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        for (String name : List.of("paypulse_bridge_webhooks_received_total", "paypulse_bridge_webhooks_accepted_total",
                "paypulse_bridge_requests_rejected_total{reason=\"signature_mismatch\"}",
                "paypulse_bridge_kafka_produce_seconds_bucket", "paypulse_bridge_requests_in_flight",
                "paypulse_bridge_webhook_secret_matched_total{secret_index=\"1\"}")) {
            assertTrue(metrics.body().contains(name), name + " is exposed");
        }
    }

    private static int awaitStatus(String path, int wanted, Duration deadline) throws Exception {
        return Eventually.get(deadline, () -> {
            int status = webhooks.request("GET", path).statusCode();
            assertEquals(wanted, status, path);
            return status;
        });
    }

    /** The value of an unlabelled series on {@code /metrics}. */
    private static double metric(String name) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(webhooks.request("GET", "/metrics").body());
        assertTrue(m.find(), name);
        return Double.parseDouble(m.group(1));
    }

    private static double secretMatches(String index) throws Exception {
        Matcher m = Pattern.compile("paypulse_bridge_webhook_secret_matched_total\\{secret_index=\"" + index + "\"} (\\S+)")
                .matcher(webhooks.request("GET", "/metrics").body());
        assertTrue(m.find());
        return Double.parseDouble(m.group(1));
    }

    private static int chunkedStatus(String payload, String signature) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", bridge.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhooks/stripe HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Stripe-Signature: " + signature + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] body = payload.getBytes(StandardCharsets.UTF_8);
            try {
                for (int off = 0; off < body.length; off += 8192) {
                    int n = Math.min(8192, body.length - off);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, off, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedEarly) {
                // The bridge may answer and close before the rest is written; the answer is what counts.
            }
            String head = readHead(socket.getInputStream());
            return Integer.parseInt(head.substring(9, 12));
        }
    }

    /** The whole answer to a POST that declares {@code payload}'s length but sends only its first bytes. */
    private static String declaredTooLarge(String payload, String signature) throws IOException {
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", bridge.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhooks/stripe HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Stripe-Signature: " + signature + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 64);
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            int length = Integer.parseInt(head.lines()
                    .filter(l -> l.regionMatches(true, 0, "Content-Length:", 0, 15))
                    .findFirst().orElseThrow(() -> new AssertionError("no Content-Length in " + head))
                    .substring(15).strip());
            return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            byte[] bytes = head.toByteArray();
            int n = bytes.length;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') {
                break;
            }
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static void assertRejected(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue(response.body().startsWith("{\"error\":{\"code\":\"" + code + "\",\"message\":\""), response.body());
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> h = new HashMap<>();
        for (Header header : r.headers()) {
            h.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return h;
    }

    private static Set<String> idsOf(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> ids = new HashSet<>();
        records.forEach(r -> ids.add(new String(r.key(), StandardCharsets.UTF_8)));
        return ids;
    }

    private static String type(String payload) {
        Matcher m = Pattern.compile("\"type\":\"([a-z_.]+)\"}$").matcher(payload);
        assertTrue(m.find(), payload);
        return m.group(1);
    }

    private static String run() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
