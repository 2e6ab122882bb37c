package io.paypulse.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import io.paypulse.dashboards.GrafanaDashboards.Dashboard;
import io.paypulse.dashboards.GrafanaDashboards.Kind;
import io.paypulse.dashboards.GrafanaDashboards.Query;
import io.paypulse.dashboards.GrafanaMacros.QueryContext;
import io.paypulse.dashboards.GrafanaMacros.Variable;
import io.paypulse.flink.PaymentHealthJob;
import io.paypulse.flink.health.PipelineHealth;
import io.paypulse.flink.PaymentHealthRunner;
import io.paypulse.flink.config.AlertingConfig;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.infra.SharedInfra;
import io.paypulse.schemas.ClickHouseConfig;
import io.paypulse.schemas.ClickHouseMigrator;
import io.paypulse.schemas.EnvelopeHeaders;
import io.paypulse.schemas.TopicProvisioner;
import io.paypulse.schemas.TopicSpec;
import io.paypulse.schemas.TopicSpecs;
import io.paypulse.schemas.Topics;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every query of both dashboards, run the way Grafana runs it against what a real run wrote: simulated
 * Stripe traffic (with a decline spike, late events, dead letters and counter snapshots) on Kafka in the
 * bridge's record format, the production job on a MiniCluster into a freshly migrated ClickHouse; then each
 * panel, variable and annotation query is expanded as the ClickHouse plugin does ({@link GrafanaMacros})
 * for a time range over the run, with the variables at All and at one selection, and must return rows. The
 * run's tables hold exactly what was sent, and the key panels show its exact figures.
 */
class DashboardQueriesITCase {

    private static final Duration DEADLINE = Duration.ofSeconds(240);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    private static final int MINUTES = 135;
    private static final int SPIKE_FROM = 90;
    private static final int SPIKE_TO = 105;
    /** Every USD instant payout fails in these minutes; one in ten fails otherwise. */
    private static final int PAYOUT_FAILURES_FROM = 60;
    private static final int PAYOUT_FAILURES_TO = 70;
    /** Grafana's default for a panel as wide as the dashboards' half-width panels. */
    private static final int MAX_DATA_POINTS = 1000;
    /** The dashboards name their tables paypulse.x; this run has a database of its own. */
    private static final Pattern DATABASE = Pattern.compile("\\bpaypulse\\.");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String bootstrapServers;
    private static List<String> topics;
    private static ClickHouseConfig clickHouse;
    private static Instant from;
    private static Instant to;
    /** What the run must have written, query by query, checked by {@link #theRunFilledEveryTableTheDashboardsRead}. */
    private static final Map<String, Long> expectedCounts = new LinkedHashMap<>();
    /** What those queries counted once the job had stopped. */
    private static final Map<String, Long> finalCounts = new LinkedHashMap<>();
    /** The run's figures, from the records sent, for the panels of {@link #keyPanelsShowTheRunsExactFigures}. */
    private static long charges;
    private static long declines;
    /** Payouts per "currency method": {all, failed}. */
    private static final Map<String, long[]> payouts = new LinkedHashMap<>();
    private static List<String> lateEventIds = List.of();

    @BeforeAll
    static void runTheJobOverSimulatedTraffic() throws Exception {
        String configured = System.getenv(JobConfig.ENV_KAFKA_BOOTSTRAP_SERVERS);
        bootstrapServers = configured != null && !configured.isBlank() ? configured : SharedInfra.kafka().bootstrapServers();
        String suffix = UUID.randomUUID().toString().replace("-", "");
        String events = "it-dashboards-events-" + suffix;
        String dlq = "it-dashboards-dlq-" + suffix;
        String metrics = "it-dashboards-metrics-" + suffix;
        topics = List.of(events, dlq, metrics);
        TopicSpec production = TopicSpecs.load().get(Topics.STRIPE_EVENTS);
        TopicProvisioner.provision(bootstrapServers, topics.stream().map(t -> new TopicSpec(t, production.description(),
                production.partitions(), production.replicationFactor(), production.config())).toList(), KAFKA_TIMEOUT);

        String chUrl = System.getenv(ClickHouseConfig.ENV_URL);
        ClickHouseConfig server = chUrl != null && !chUrl.isBlank() ? ClickHouseConfig.fromEnv()
                : ClickHouseConfig.fromEnv(Map.of(ClickHouseConfig.ENV_URL, SharedInfra.clickHouse().httpUrl()));
        clickHouse = server.withDatabase("it_dashboards_" + suffix);
        new ClickHouseMigrator(clickHouse).migrate();

        // The detectors' seasonal slots are hours and days (UTC) and start empty: a run that starts at the same time of
        // day every time is judged the same whatever the time now. The latest 09:00 UTC that leaves room for the run.
        Instant latest = Instant.now().minus(Duration.ofMinutes(MINUTES + 15));
        Instant nine = latest.truncatedTo(java.time.temporal.ChronoUnit.DAYS).plus(Duration.ofHours(9));
        long start = (nine.isAfter(latest) ? nine.minus(Duration.ofDays(1)) : nine).getEpochSecond();
        StripeTrafficRun.Records records = new StripeTrafficRun(events, dlq, metrics, 42)
                .run(start, MINUTES, 160, SPIKE_FROM, SPIKE_TO, 0.45, PAYOUT_FAILURES_FROM, PAYOUT_FAILURES_TO);
        tally(records);
        send(records.events());
        send(records.deadLetters());
        send(records.metrics());
        // The job reads the events topic up to the end it will have once the late events are on it.
        Map<TopicPartition, Long> stop = endOffsets(events);
        for (ProducerRecord<byte[], byte[]> late : records.lateEvents()) {
            stop.merge(new TopicPartition(events, late.partition()), 1L, Long::sum);
        }
        from = Instant.ofEpochSecond(start);
        to = Instant.ofEpochSecond(start + 60L * MINUTES + 120);

        Map<String, String> env = new HashMap<>();
        env.put(JobConfig.ENV_KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
        env.put(JobConfig.ENV_TOPIC, events);
        env.put("PAYPULSE_DLQ_TOPIC", dlq);
        env.put("PAYPULSE_METRICS_TOPIC", metrics);
        env.put(JobConfig.ENV_CONSUMER_GROUP, "it-dashboards-" + suffix);
        env.put(JobConfig.ENV_CHECKPOINT_INTERVAL, "1s");
        JobConfig job = JobConfig.fromEnv(env);
        // Detectors warm up on 30 windows, so the spike at minute 90 pages; no routing key: recorded only.
        AlertingConfig alerting = new AlertingConfig(5, Duration.ofMinutes(30), Duration.ofMinutes(1), 30,
                "http://localhost:3000", Map.of());
        StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment(
                PaymentHealthRunner.flinkConfiguration(job));
        flink.setParallelism(2);
        PaymentHealthRunner.define(flink, job, alerting, clickHouse,
                PaymentHealthJob.kafkaSourceBuilder(job).setBounded(OffsetsInitializer.offsets(stop)).build());
        // As `run` and the cluster entry point do: the dead-letter and metrics topics into ClickHouse.
        PaymentHealthJob.sinkToClickHouse(PipelineHealth.fromKafka(flink, job), clickHouse, job);
        JobClient client = flink.executeAsync("dashboards-it");
        try {
            // Once every partition's watermark is an hour into the run, events from before it are too late.
            Map<String, Long> firstHour = Map.of("SELECT count() FROM {db}.decline_rates WHERE dimension_set = 'all'", 60L);
            List<String> notYet = awaitCounts(firstHour, client);
            assertEquals(List.of(), notYet, "the job got an hour into the run");
            send(records.lateEvents());
            // The events source ends; the job's other sources may run on, so wait for the rows, not the job.
            Map<String, Long> expected = expectedCounts;
            // A window a minute, each minute with charges.
            expected.put("SELECT count() FROM {db}.decline_rates WHERE dimension_set = 'all'", (long) MINUTES);
            expected.put("SELECT sum(attempts) FROM {db}.decline_rates WHERE dimension_set = 'all'", charges);
            expected.put("SELECT sum(declined) FROM {db}.decline_rates WHERE dimension_set = 'all'", declines);
            // The decline spike and the instant payouts' outage, each one incident, opened within it; both resolve.
            // One payout in ten fails all along, ten times the detector's prior (1 %): steady, so no incident (it
            // paged twice here before the detector judged with the rate's uncertainty).
            expected.put("SELECT count() FROM {db}.incidents WHERE metric = 'decline_rate'", 1L);
            expected.put("SELECT count() FROM {db}.incidents WHERE metric = 'payout_failures'", 1L);
            expected.put("SELECT count() FROM {db}.incidents WHERE metric = 'payout_failures' AND opened_at >= toDateTime("
                    + (start + 60L * PAYOUT_FAILURES_FROM) + ") AND opened_at < toDateTime(" + (start + 60L * PAYOUT_FAILURES_TO)
                    + ")", 1L);
            expected.put("SELECT count() FROM {db}.incidents", 2L);
            expected.put("SELECT count() FROM {db}.incidents WHERE status = 'resolved'", 2L);
            expected.put("SELECT count() FROM {db}.late_events FINAL", (long) StripeTrafficRun.LATE_EVENTS);
            // Three payouts a minute (USD standard, EUR standard, USD instant), each in a window of its minute.
            expected.put("SELECT count() FROM {db}.payouts FINAL", 3L * MINUTES);
            expected.put("SELECT count() FROM {db}.settlement_times WHERE dimension_set = 'all'", (long) MINUTES);
            expected.put("SELECT sum(payouts) FROM {db}.settlement_times WHERE dimension_set = 'all'", 3L * MINUTES);
            expected.put("SELECT count() FROM {db}.settlement_times WHERE dimension_set = 'currency,method'", 3L * MINUTES);
            expected.put("SELECT count() FROM {db}.dlq_events FINAL", (long) StripeTrafficRun.DEAD_LETTERS);
            // Six of the eleven metrics of each snapshot are the bridge's.
            expected.put("SELECT count() FROM {db}.pipeline_metrics FINAL WHERE instance = '" + StripeTrafficRun.BRIDGE + "'",
                    records.metrics().size() * 6L / 11);
            // Whatever is still short by the deadline shows in the final counts.
            awaitCounts(expected, client);
        } finally {
            stop(client);
        }
        // With the job stopped nothing more arrives: the counts are final, and must be exact, not just enough.
        for (String sql : expectedCounts.keySet()) {
            finalCounts.put(sql, count(sql.replace("{db}", clickHouse.database())));
        }
    }

    /** Charges and declines, payouts per currency and method, and the late events' ids, from the records sent. */
    private static void tally(StripeTrafficRun.Records records) throws IOException {
        for (ProducerRecord<byte[], byte[]> record : records.events()) {
            String type = header(record, EnvelopeHeaders.EVENT_TYPE);
            if (type.equals("charge.succeeded") || type.equals("charge.failed")) {
                charges++;
                declines += type.equals("charge.failed") ? 1 : 0;
            } else if (type.startsWith("payout.")) {
                JsonNode payout = RepoFiles.JSON.readTree(record.value()).path("data").path("object");
                long[] counts = payouts.computeIfAbsent(payout.path("currency").asText() + " " + payout.path("method").asText(),
                        k -> new long[2]);
                counts[0]++;
                counts[1] += type.equals("payout.failed") ? 1 : 0;
            }
        }
        lateEventIds = records.lateEvents().stream().map(r -> header(r, EnvelopeHeaders.EVENT_ID)).sorted().toList();
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** Cancels the job unless it has finished on its own. */
    private static void stop(JobClient client) throws Exception {
        if (!ended(client)) {
            try {
                client.cancel().get(30, TimeUnit.SECONDS);
            } catch (IllegalStateException | java.util.concurrent.ExecutionException e) {
                // It finished between the two calls.
            }
        }
    }

    /** Whether the job has ended; a local environment shuts its MiniCluster down as soon as the job finishes. */
    private static boolean ended(JobClient client) throws Exception {
        try {
            return client.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState();
        } catch (IllegalStateException | java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    @AfterAll
    static void dropDatabaseAndTopics() throws Exception {
        if (clickHouse != null) {
            query("DROP DATABASE IF EXISTS " + clickHouse.database() + " SYNC");
        }
        if (topics != null) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
                admin.deleteTopics(topics).all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    @Test
    void theRunFilledEveryTableTheDashboardsRead() {
        // dlq_events and pipeline_metrics are the job's copies of the dead-letter and metrics topics.
        assertFalse(expectedCounts.isEmpty(), "the run finished");
        assertEquals(expectedCounts, finalCounts, "the run wrote exactly what was sent to every table the dashboards read");
    }

    @Test
    void keyPanelsShowTheRunsExactFigures() throws Exception {
        Dashboard financial = GrafanaDashboards.byUid(GrafanaDashboards.FINANCIAL_HEALTH_UID);
        Dashboard pipeline = GrafanaDashboards.byUid(GrafanaDashboards.PIPELINE_HEALTH_UID);
        JsonNode attempts = panel(financial, "Payment attempts");
        assertEquals(List.of(List.of(Long.toString(charges), Long.toString(declines))), cells(attempts, 2), shown(attempts));
        JsonNode open = panel(financial, "Open incidents");
        assertEquals(List.of(List.of("0", "2")), cells(open, 2), shown(open));
        // Newest first: status, summary (the page's: the opening window's) and metric.
        JsonNode incidents = panel(financial, "Incidents");
        assertEquals(List.of(
                        List.of("resolved", "Visa declines in BR at 42% (36 attempts) vs 9% expected; 3 related series moved too",
                                "decline_rate"),
                        // Paged at the outage's sixth failed payout: the run it judged, up to that window.
                        List.of("resolved", "6 of 6 payouts (usd, instant) up to "
                                + from.plusSeconds(60L * (PAYOUT_FAILURES_FROM + 5)) + " failed, vs 0.3 expected",
                                "payout_failures")),
                cells(incidents, 5).stream().map(r -> r.subList(2, 5)).toList(), shown(incidents));

        List<List<String>> expectedPayouts = new ArrayList<>();
        payouts.forEach((key, n) -> expectedPayouts.add(List.of(key.split(" ")[0], key.split(" ")[1], Long.toString(n[0]),
                Long.toString(n[0] - n[1]), Long.toString(n[1]))));
        assertEquals(java.util.Set.of("usd standard", "eur standard", "usd instant"), payouts.keySet());
        JsonNode byCurrency = panel(financial, "Payouts by currency and method");
        List<List<String>> shownPayouts = new ArrayList<>(cells(byCurrency, 5));
        // Ordered by total payouts, which are the same for all three.
        shownPayouts.sort(java.util.Comparator.comparing(Object::toString));
        expectedPayouts.sort(java.util.Comparator.comparing(Object::toString));
        assertEquals(expectedPayouts, shownPayouts, shown(byCurrency));

        JsonNode deadLettered = panel(pipeline, "Dead-lettered");
        assertEquals(List.of(List.of(Long.toString(StripeTrafficRun.DEAD_LETTERS))), cells(deadLettered, 1), shown(deadLettered));
        // Snapshots s = 0..270 every 30 s, the bridge restarting at s = 135 (no increase counted there): signature
        // mismatches at every 7th but the first (38), Kafka timeouts 2 at every 29th but the first (2 x 9 = 18).
        JsonNode rejected = panel(pipeline, "Rejected");
        assertEquals(List.of(List.of("56")), cells(rejected, 1), shown(rejected));
        JsonNode late = panel(pipeline, "Recent late events");
        assertEquals(lateEventIds, cells(late, 2).stream().map(r -> r.get(1)).sorted().toList(), shown(late));
    }

    private static String shown(JsonNode result) {
        return result.path("query").asText() + " showed " + result.path("data") + "; it ran:\n" + result.path("sql").asText();
    }

    /** The panel of {@code dashboard} with this title, as Grafana runs it with the variables at All. */
    private static JsonNode panel(Dashboard dashboard, String title) throws Exception {
        Query q = dashboard.queries().stream().filter(x -> x.kind() == Kind.PANEL && x.name().endsWith(" '" + title + "'"))
                .findFirst().orElseThrow(() -> new AssertionError("no panel '" + title + "' in " + dashboard.uid()));
        Map<String, Variable> all = new LinkedHashMap<>();
        for (JsonNode variable : dashboard.variables()) {
            all.put(variable.path("name").asText(), Variable.allOf(options(dashboard, variable.path("name").asText())));
        }
        JsonNode result = run(q, all);
        ((com.fasterxml.jackson.databind.node.ObjectNode) result).put("query", q.toString());
        return result;
    }

    /** The first {@code columns} cells of each row, as text; a whole number however ClickHouse typed it. */
    private static List<List<String>> cells(JsonNode result, int columns) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode row : result.path("data")) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < columns; i++) {
                JsonNode cell = row.path(i);
                cells.add(cell.isNumber() && cell.asDouble() == Math.rint(cell.asDouble()) ? Long.toString(cell.asLong())
                        : cell.asText());
            }
            rows.add(cells);
        }
        return rows;
    }

    @TestFactory
    Stream<DynamicTest> everyQueryReturnsRowsWithTheVariablesAtAll() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Dashboard dashboard : GrafanaDashboards.load()) {
            Map<String, Variable> all = new LinkedHashMap<>();
            for (JsonNode variable : dashboard.variables()) {
                all.put(variable.path("name").asText(), Variable.allOf(options(dashboard, variable.path("name").asText())));
            }
            for (Query q : dashboard.queries()) {
                tests.add(DynamicTest.dynamicTest(q.toString(), () -> assertRows(q, all)));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> financialHealthQueriesReturnRowsForOneBrandAndCountry() {
        Dashboard dashboard = GrafanaDashboards.byUid(GrafanaDashboards.FINANCIAL_HEALTH_UID);
        Map<String, Variable> selection = Map.of("brand", Variable.of("visa"), "country", Variable.of("BR"));
        return dashboard.queries().stream().filter(q -> q.kind() == Kind.PANEL && q.rawSql().contains("$__conditionalAll"))
                .map(q -> DynamicTest.dynamicTest(q + " (visa, BR)", () -> assertRows(q, selection)));
    }

    private static List<String> options(Dashboard dashboard, String name) throws Exception {
        Query variable = dashboard.queries().stream().filter(q -> q.kind() == Kind.VARIABLE && q.name().equals("variable $" + name))
                .findFirst().orElseThrow();
        List<String> values = new ArrayList<>();
        for (JsonNode row : run(variable, Map.of()).path("data")) {
            values.add(row.path(0).asText());
        }
        assertFalse(values.isEmpty(), variable + " offers values");
        return values;
    }

    private static void assertRows(Query q, Map<String, Variable> variables) throws Exception {
        JsonNode result = run(q, variables);
        JsonNode rows = result.path("data");
        assertTrue(rows.size() >= 1, q + " returns rows; it ran:\n" + result.path("sql").asText());
        boolean anyValue = false;
        for (JsonNode row : rows) {
            for (JsonNode cell : row) {
                anyValue |= !cell.isNull();
            }
        }
        assertTrue(anyValue, q + " returns values, not only NULLs: " + rows);
    }

    /** The query as Grafana would send it for the run's time range, against this run's database. */
    private static JsonNode run(Query q, Map<String, Variable> variables) throws Exception {
        Duration range = Duration.between(from, to);
        Duration auto = Duration.ofSeconds(Math.max(1, range.toSeconds() / MAX_DATA_POINTS));
        Duration interval = auto.compareTo(q.minInterval()) > 0 ? auto : q.minInterval();
        String sql = GrafanaMacros.expand(q.rawSql(), new QueryContext(from, to, interval, variables));
        assertFalse(sql.contains("$"), q + " is fully expanded: " + sql);
        sql = DATABASE.matcher(sql).replaceAll(clickHouse.database() + ".");
        JsonNode result = RepoFiles.JSON.readTree(query(sql));
        ((com.fasterxml.jackson.databind.node.ObjectNode) result).put("sql", sql);
        return result;
    }

    /** Runs {@code sql} over ClickHouse's HTTP interface, as the plugin's HTTP protocol does; JSONCompact out. */
    private static String query(String sql) throws IOException, InterruptedException {
        URI uri = URI.create(clickHouse.url() + "/?default_format=JSONCompact&output_format_json_quote_64bit_integers=0"
                + "&user=" + URLEncoder.encode(clickHouse.user(), StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(sql))
                .timeout(Duration.ofSeconds(60));
        if (!clickHouse.password().isEmpty()) {
            request.header("X-ClickHouse-Key", clickHouse.password());
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("ClickHouse answered " + response.statusCode() + ": " + response.body() + "\nfor:\n" + sql);
        }
        return response.body();
    }

    private static long count(String sql) throws IOException, InterruptedException {
        String text = query(sql + " FORMAT TabSeparated").strip();
        return Long.parseLong(text);
    }

    /**
     * Polls until every query counts at least its number, the job has ended (nothing more will come) or the
     * deadline passed; returns what is still short, each with what it saw.
     */
    private static List<String> awaitCounts(Map<String, Long> expected, JobClient client) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            boolean ended = ended(client);
            List<String> short_ = new ArrayList<>();
            for (Map.Entry<String, Long> e : expected.entrySet()) {
                String sql = e.getKey().replace("{db}", clickHouse.database());
                try {
                    long seen = count(sql);
                    if (seen < e.getValue()) {
                        short_.add(sql + ": " + seen + " < " + e.getValue());
                    }
                } catch (AssertionError failure) {
                    short_.add(sql + ": " + failure.getMessage().lines().findFirst().orElse("")); // e.g. a table not migrated
                }
            }
            if (short_.isEmpty() || ended || System.nanoTime() > deadline) {
                return short_;
            }
            Thread.sleep(250);
        }
    }

    private static Map<TopicPartition, Long> endOffsets(String topic) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, KAFKA_TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return new HashMap<>(consumer.endOffsets(partitions, KAFKA_TIMEOUT));
        }
    }

    private static void send(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> record : records) {
                acks.add(producer.send(record));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }
}
