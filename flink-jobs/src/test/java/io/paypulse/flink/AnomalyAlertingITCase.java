package io.paypulse.flink;

import io.paypulse.infra.Eventually;
import io.paypulse.alert.PagerDutyConfig;
import io.paypulse.flink.config.AlertingConfig;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.infra.pagerduty.LocalPagerDuty;
import io.paypulse.infra.pagerduty.ReceivedEvent;
import io.paypulse.infra.pagerduty.ReceivedRequest;
import io.paypulse.infra.stripe.SimulatedCardTraffic;
import io.paypulse.infra.stripe.StripeEventSamples;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Anomaly detection and paging end to end: Stripe charge webhooks on Kafka as the bridge writes them,
 * the production job on a MiniCluster, a migrated ClickHouse, and a local PagerDuty that checks every
 * request against the Events API v2 contract and keeps incidents as PagerDuty does.
 */
class AnomalyAlertingITCase {

    private static final String ROUTING_KEY = "R0ut1ngKeyForTheIntegrationTst42";
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    /** Monday 2026-11-02 00:00 UTC. */
    private static final long MIDNIGHT = Instant.parse("2026-11-02T00:00:00Z").getEpochSecond();

    private BridgeTopic topic;
    private PaymentHealthDatabase db;
    private LocalPagerDuty pagerDuty;

    @BeforeEach
    void ownTopicDatabaseAndPagerDuty() {
        topic = BridgeTopic.create("it-alerting");
        db = PaymentHealthDatabase.migrated("it_alerting");
        pagerDuty = LocalPagerDuty.start();
    }

    @AfterEach
    void close() throws Exception {
        try (BridgeTopic t = topic; PaymentHealthDatabase d = db; LocalPagerDuty p = pagerDuty) {
            // All closed, even when one close fails.
        }
    }

    @Test
    void aDeclineSpikePagesOnceThroughA429ResolvesOnceAndARestartDoesNotPageAgain(@TempDir Path checkpoints)
            throws Exception {
        pagerDuty.respondNext(429, 1);
        SimulatedCharges traffic = new SimulatedCharges(topic, 7, 160, false);
        long start = MIDNIGHT + 9 * 3600;
        // 90 normal minutes (the detectors warm up on 30), Visa x BR declines at 45% for 15, 30 normal.
        topic.send(traffic.minutes(start, 135, new SimulatedCharges.Spike(SimulatedCardTraffic.VISA_BR, 90, 105, 0.45)));

        JobConfig job = topic.jobConfig("alerting", Map.of(JobConfig.ENV_CHECKPOINT_INTERVAL, "1s"));
        AlertingConfig alerting = alerting(Duration.ofMinutes(1), 30);
        JobClient running = PaymentHealthRunner.startLocal(job, alerting, db.config(), 0, checkpoints);
        try {
            List<ReceivedEvent> pages = pagerDuty.awaitEvents(2, DEADLINE);
            assertEquals(List.of("trigger", "resolve"), pages.stream().map(ReceivedEvent::action).toList());
            assertEquals(pages.get(0).dedupKey(), pages.get(1).dedupKey());
            String summary = pages.get(0).summary();
            // Visa x BR, the most specific series, names the page; the spike's windows run at 45% of about
            // 40 attempts, and the baseline learned the segment's usual 7% from 90 minutes of ~40 attempts.
            Matcher m = Pattern.compile("Visa declines in BR at (\\d+)% \\((\\d+) attempts\\) vs (\\d+)% expected; "
                    + "\\d+ related series moved too").matcher(summary);
            assertTrue(m.matches(), summary);
            assertTrue(Integer.parseInt(m.group(1)) >= 30, summary);
            assertTrue(Integer.parseInt(m.group(2)) >= 30, "at least minAttempts behind the page: " + summary);
            int expected = Integer.parseInt(m.group(3));
            assertTrue(expected >= 5 && expected <= 9, summary);
            assertEquals("critical", pages.get(0).severity());
            assertEquals(1, pagerDuty.triggeredIncidents());
            assertEquals(0, pagerDuty.openIncidents());
            assertEquals(List.of(), pagerDuty.violations());
            assertEquals(List.of(429, 202, 202), pagerDuty.requests().stream().map(ReceivedRequest::status).toList());

            String incident = pages.get(0).dedupKey().substring("paypulse-".length());
            awaitRows("SELECT count() FROM {db}.alerts FINAL", "3");
            assertEquals(List.of("trigger|1|retrying|429", "trigger|2|delivered|202", "resolve|1|delivered|202"),
                    db.rows("SELECT action, attempt, status, http_status FROM {db}.alerts FINAL"
                            + " ORDER BY sent_at, attempt"));
            awaitRows("SELECT countIf(status = 'open') FROM {db}.anomalies FINAL", "0");
            // One incident: Visa x BR, and the series it moved with it, all resolved.
            assertEquals(List.of(incident + "|resolved"),
                    db.rows("SELECT DISTINCT incident_id, status FROM {db}.anomalies FINAL"));
            List<String> series = db.rows("SELECT dimensions FROM {db}.anomalies FINAL ORDER BY dimensions");
            assertTrue(series.contains("card_brand=visa,card_country=BR"), series.toString());
            assertEquals(List.of("1|resolved"), db.rows("SELECT count(), status FROM {db}.incidents GROUP BY status"));

            // A checkpoint taken after the resolve, then the job is stopped and started again from it.
            int resolvedAt = newestCheckpoint(checkpoints).orElseThrow();
            Eventually.until("a checkpoint after the resolve", DEADLINE,
                    () -> newestCheckpoint(checkpoints).orElse(0) > resolvedAt + 1);
        } finally {
            running.cancel().get(30, TimeUnit.SECONDS);
        }

        topic.send(traffic.minutes(start + 135 * 60, 30, null));
        JobClient restarted = PaymentHealthRunner.startLocal(job, alerting, db.config(), 0, checkpoints);
        try {
            long lastFullWindow = start + (135 + 28) * 60;
            awaitRows("SELECT count() FROM {db}.decline_rates WHERE dimension_set = 'all' AND window_start = "
                    + lastFullWindow, "1");
            assertEquals(1, pagerDuty.triggeredIncidents());
            assertEquals(3, pagerDuty.requests().size(), "no page for the resolved incident after the restart");
        } finally {
            restarted.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aNormalSimulatedDayPagesNobody() throws Exception {
        SimulatedCharges traffic = new SimulatedCharges(topic, 11, 80, true);
        topic.send(traffic.minutes(MIDNIGHT, 24 * 60, null));

        JobConfig job = topic.jobConfig("normal-day", Map.of(JobConfig.ENV_CHECKPOINT_INTERVAL, "2s"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                PaymentHealthRunner.flinkConfiguration(job));
        env.setParallelism(2);
        PaymentHealthRunner.define(env, job, alerting(Duration.ofMinutes(1), 30), db.config(),
                BridgeTopic.boundedSource(job));
        JobClient client = env.executeAsync("anomaly-normal-day");
        try {
            client.getJobExecutionResult().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            client.cancel();
            throw new AssertionError("the job did not finish within " + DEADLINE, e);
        }
        // The day went through the detectors...
        assertEquals(List.of("1440"), db.rows("SELECT count() FROM {db}.decline_rates WHERE dimension_set = 'all'"));
        // ...and nobody was paged: no anomaly, no alert, no request.
        assertEquals(List.of(), db.rows("SELECT metric, dimensions, toString(window_start), observed, expected, summary"
                + " FROM {db}.anomalies FINAL"));
        assertEquals(List.of("0"), db.rows("SELECT count() FROM {db}.alerts FINAL"));
        assertEquals(List.of(), pagerDuty.requests());
    }

    @Test
    void aWebhookSilencePagesOnce(@TempDir Path checkpoints) throws Exception {
        JobConfig job = topic.jobConfig("silence", Map.of(JobConfig.ENV_CHECKPOINT_INTERVAL, "1s"));
        // Two-second buckets, so ten buckets of steady traffic teach the watch what normal is.
        Duration bucket = Duration.ofSeconds(2);
        JobClient running = PaymentHealthRunner.startLocal(job, alerting(bucket, 10), db.config(), 0, checkpoints);
        try {
            long sent = 0;
            Instant lastSent = null;
            long stopAt = System.currentTimeMillis() + 20 * bucket.toMillis();
            while (System.currentTimeMillis() < stopAt) {
                List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
                long now = System.currentTimeMillis();
                for (int i = 0; i < 10; i++, sent++) {
                    String id = String.format("evt_3Live%012d", sent);
                    batch.add(topic.record(StripeEventSamples.chargeSucceeded(id, "ch_3Live" + sent, now / 1000,
                            "visa", "US", 1000 + sent, "usd"), now, "bridge-a"));
                }
                topic.send(batch);
                lastSent = Instant.now();
                Thread.sleep(200);
            }
            // Now Stripe stops sending.
            List<ReceivedEvent> pages = pagerDuty.awaitEvents(1, DEADLINE);
            assertEquals("trigger", pages.get(0).action());
            // The page is for the silence, not for a bucket of the traffic that a stalled machine left empty.
            assertTrue(pages.get(0).receivedAt().isAfter(lastSent),
                    "paged at " + pages.get(0).receivedAt() + ", before the last webhook was sent at " + lastSent);
            assertTrue(pages.get(0).summary().startsWith("No Stripe webhooks reached paypulse since "),
                    pages.get(0).summary());
            assertEquals("critical", pages.get(0).severity());
            // The silence goes on for several more buckets: still one page. Completed checkpoints (one per second)
            // show the job kept running through them, where a sleep alone would not on a starved machine.
            int pagedAt = newestCheckpoint(checkpoints).orElse(0);
            long buckets = 4;
            Eventually.until(buckets + " more buckets of silence, checkpointed", DEADLINE,
                    () -> newestCheckpoint(checkpoints).orElse(0) >= pagedAt + buckets * bucket.toSeconds());
            assertEquals(1, pagerDuty.requests().size());
            assertEquals(1, pagerDuty.openIncidents());
            assertEquals(List.of(), pagerDuty.violations());
            awaitRows("SELECT metric, status FROM {db}.anomalies FINAL", "webhook_arrivals|open");
        } finally {
            running.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private AlertingConfig alerting(Duration endpointBucket, int warmupWindows) {
        return new AlertingConfig(5, Duration.ofMinutes(30), endpointBucket, warmupWindows, "http://grafana.test:3000",
                Map.of(PagerDutyConfig.ENV_ROUTING_KEY, ROUTING_KEY,
                        PagerDutyConfig.ENV_EVENTS_URL, pagerDuty.eventsUrl().toString(),
                        PagerDutyConfig.ENV_INITIAL_BACKOFF, "50",
                        PagerDutyConfig.ENV_MAX_BACKOFF, "200"));
    }

    private void awaitRows(String sql, String expected) throws Exception {
        Eventually.get(DEADLINE, () -> {
            assertEquals(List.of(expected), db.rows(sql), sql);
            return null;
        });
    }

    /** The highest n of the completed checkpoints {@code <job>/chk-n/_metadata} under {@code dir}. */
    private static OptionalInt newestCheckpoint(Path dir) {
        try (Stream<Path> files = Files.find(dir, 3, (p, a) -> p.getFileName().toString().equals("_metadata"))) {
            return files.map(p -> p.getParent().getFileName().toString())
                    .filter(n -> n.startsWith("chk-"))
                    .mapToInt(n -> Integer.parseInt(n.substring(4)))
                    .max();
        } catch (java.io.IOException e) {
            return OptionalInt.empty();
        }
    }
}
