package io.paypulse.flink;

import io.paypulse.flink.config.Dimension;
import io.paypulse.flink.config.DimensionSet;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.flink.functions.JobMetrics;
import io.paypulse.flink.model.DeclineRateWindow;
import io.paypulse.flink.model.LateEvent;
import io.paypulse.flink.model.PaymentAttempt;
import io.paypulse.flink.model.SettlementTimeWindow;
import io.paypulse.flink.model.StripeEvent;
import io.paypulse.flink.model.StripeEventRow;
import io.paypulse.flink.model.WebhookLatencyWindow;
import io.paypulse.flink.sketch.DurationSketch;
import io.paypulse.infra.stripe.StripeEventSamples;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.paypulse.flink.TestEvents.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole topology of {@link PaymentHealthJob#build} on a MiniCluster, fed from bounded sources of
 * events shaped like Stripe's, with answers computed by hand.
 */
class PaymentHealthJobITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = JobCluster.reportingTo(METRICS);

    private static final long DAY = TestEvents.DAY;

    private static final Set<String> SCRIPTED_DECLINES = Set.of(
            "0 all [] 4/2/2",
            "0 payment_method_type [card] 4/2/2",
            "0 card_brand [visa] 2/1/1",
            "0 card_brand [mastercard] 2/1/1",
            "0 card_country [US] 3/1/2",
            "0 card_country [GB] 1/1/0",
            "0 card_brand,card_country [visa,US] 2/1/1",
            "0 card_brand,card_country [mastercard,GB] 1/1/0",
            "0 card_brand,card_country [mastercard,US] 1/0/1",
            "0 currency [usd] 3/1/2",
            "0 currency [eur] 1/1/0",
            "0 failure_code [] 2/2/0",
            "0 failure_code [card_declined] 1/0/1",
            "0 failure_code [insufficient_funds] 1/0/1",
            "0 account [] 4/2/2",
            "60 all [] 2/1/1",
            "60 payment_method_type [card] 2/1/1",
            "60 card_brand [visa] 2/1/1",
            "60 card_country [US] 1/1/0",
            "60 card_country [BR] 1/0/1",
            "60 card_brand,card_country [visa,US] 1/1/0",
            "60 card_brand,card_country [visa,BR] 1/0/1",
            "60 currency [usd] 1/1/0",
            "60 currency [brl] 1/0/1",
            "60 failure_code [] 1/1/0",
            "60 failure_code [card_declined] 1/0/1",
            "60 account [] 2/1/1");

    @Test
    void scriptedStreamGivesTheHandComputedRows() throws Exception {
        Run run = run(TestEvents.scripted(), JobConfig.defaults(), 2);

        assertEquals(SCRIPTED_DECLINES, describeDeclines(run.declineRates));
        DeclineRateWindow all = latest(run.declineRates, PaymentHealthJobITCase::declineKey).get("0 all []");
        assertEquals(List.of(2L, 2L, 0L, 0L, 0L, 0L), List.of(all.outcomeAuthorized(), all.outcomeIssuerDeclined(),
                all.outcomeManualReview(), all.outcomeBlocked(), all.outcomeInvalid(), all.outcomeOther()));
        assertEquals(0.5, all.declineRate(), 0.0);

        // Attempts: one row per charge outcome; the PaymentIntent is not one.
        assertEquals(Set.of("ch_a1 approved", "ch_a2 failed card_declined", "ch_a3 approved",
                        "ch_a4 failed insufficient_funds", "ch_b1 approved", "ch_b2 failed card_declined"),
                run.paymentAttempts.stream().map(a -> (a.chargeId() + " " + a.status() + " " + a.failureCode()).strip())
                        .collect(Collectors.toSet()));

        // Raw: every event once, redacted.
        assertEquals(11, run.rawEvents.size());
        run.rawEvents.forEach(r -> assertFalse(r.payload().contains("jenny"), r.payload()));
        assertTrue(run.rawEvents.stream().anyMatch(r -> r.payload().contains("\"brand\":\"visa\"")));

        // Settlement: paid payouts measured, the failed one counted.
        Map<String, SettlementTimeWindow> settlements = latest(run.settlementTimes,
                s -> (s.windowStart() - T0) + " " + s.dimensionSet() + " " + s.currency() + " " + s.method());
        assertEquals(Set.of("60 all  ", "60 currency,method usd standard", "60 currency,method eur instant"),
                settlements.keySet());
        assertSettlement(settlements.get("60 all  "), 4, 3, 1, 2 * DAY + DAY + 1800, 2 * DAY, DAY);
        assertSettlement(settlements.get("60 currency,method usd standard"), 3, 2, 1, 3 * DAY, 2 * DAY, DAY);
        assertSettlement(settlements.get("60 currency,method eur instant"), 1, 1, 0, 1800, 1800, 1800);

        // Latency: per window overall and per event type.
        Map<String, WebhookLatencyWindow> latency = latest(run.webhookLatency,
                l -> (l.windowStart() - T0) + " " + l.dimensionSet() + " " + l.eventType());
        assertEquals(Set.of("0 all ", "0 event_type charge.succeeded", "0 event_type charge.failed",
                "0 event_type payment_intent.payment_failed", "60 all ", "60 event_type charge.succeeded",
                "60 event_type charge.failed", "60 event_type payout.paid", "60 event_type payout.failed"), latency.keySet());
        WebhookLatencyWindow first = latency.get("0 all ");
        assertEquals(List.of(5L, 1300L, 100L, 300L), List.of(first.events(), first.sumMs(), first.minMs(), first.maxMs()));

        assertTrue(run.lateEvents.isEmpty());
        assertEquals(0, run.counter(JobMetrics.EVENTS_MALFORMED));
        assertEquals(0, run.counter(JobMetrics.EVENTS_DUPLICATE));
        assertEquals(1, run.counter(JobMetrics.EVENTS_RAW_ONLY));
    }

    @Test
    void testModeEventsAreStoredButCountInNoMetricUnlessAsked() throws Exception {
        // Stripe sends a Connect platform's live endpoint its connected accounts' test-mode events too:
        // a developer trying decline test cards must not move the platform's decline rates.
        List<StripeEvent> events = new ArrayList<>(TestEvents.scripted());
        events.add(testMode(TestEvents.failed("t1", T0 + 2, "visa", "US", "usd", "card_declined", "05")));
        events.add(testMode(TestEvents.failed("t2", T0 + 3, "visa", "US", "usd", "card_declined", "05")));
        events.add(testMode(TestEvents.payout("t3", "payout.paid", T0 + 84, 9 * DAY, "usd", "standard")));

        Run live = run(events, JobConfig.defaults(), 2);
        assertEquals(SCRIPTED_DECLINES, describeDeclines(live.declineRates));
        assertEquals(6, live.paymentAttempts.size());
        assertEquals(14, live.rawEvents.size(), "every event is stored, test-mode ones too");
        assertEquals(3, live.rawEvents.stream().filter(r -> !r.livemode()).count());
        assertEquals(3, live.counter(JobMetrics.EVENTS_OTHER_MODE));
        Map<String, WebhookLatencyWindow> latency = latest(live.webhookLatency,
                l -> (l.windowStart() - T0) + " " + l.dimensionSet() + " " + l.eventType());
        assertEquals(5L, latency.get("0 all ").events());
        assertEquals(3, latest(live.settlementTimes, s -> (s.windowStart() - T0) + " " + s.dimensionSet())
                .get("60 all").paid());

        Run any = run(events, JobConfig.fromEnv(Map.of(JobConfig.ENV_LIVEMODE, "any")), 2);
        assertEquals(8, any.paymentAttempts.size());
        assertEquals(0, any.counter(JobMetrics.EVENTS_OTHER_MODE));
        assertTrue(describeDeclines(any.declineRates).contains("0 all [] 6/2/4"), describeDeclines(any.declineRates).toString());
        assertEquals(4, latest(any.settlementTimes, s -> (s.windowStart() - T0) + " " + s.dimensionSet())
                .get("60 all").paid());
    }

    /** {@code event} as a connected account's test-mode event: its envelope and body say livemode false. */
    private static StripeEvent testMode(StripeEvent event) {
        String body = new String(event.payload(), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"livemode\":true", "\"livemode\":false");
        return new StripeEvent(event.eventId(), event.type(), event.created(), event.apiVersion(), event.account(),
                false, event.receivedAtMillis(), event.bridgeInstance(), body);
    }

    @Test
    void latencyQuantilesAreWithinTheSketchAccuracy() throws Exception {
        Random random = new Random(42);
        String[] types = {"charge.succeeded", "invoice.paid", "customer.updated"};
        Map<String, List<Long>> byKey = new TreeMap<>();
        List<StripeEvent> events = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            String type = types[i % types.length];
            long latency = 50 + (long) Math.exp(6 + 1.5 * random.nextGaussian());
            long created = T0 + (i % 60);
            events.add(new StripeEvent("evt_l" + i, type, created, "", "", true, created * 1000 + latency, "b",
                    "{\"id\":\"evt_l" + i + "\",\"type\":\"" + type + "\"}"));
            byKey.computeIfAbsent("all ", k -> new ArrayList<>()).add(latency);
            byKey.computeIfAbsent("event_type " + type, k -> new ArrayList<>()).add(latency);
        }

        Run run = run(events, JobConfig.defaults(), 2);

        Map<String, WebhookLatencyWindow> rows = latest(run.webhookLatency, l -> l.dimensionSet() + " " + l.eventType());
        assertEquals(byKey.keySet(), rows.keySet());
        byKey.forEach((key, values) -> {
            WebhookLatencyWindow row = rows.get(key);
            long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
            assertEquals(sorted.length, row.events(), key);
            assertEquals(sorted[sorted.length - 1], row.maxMs(), key);
            assertEquals(sorted[0], row.minMs(), key);
            assertEquals(Arrays.stream(sorted).sum(), row.sumMs(), key);
            assertWithinAccuracy(sorted, 0.5, row.p50Ms(), key);
            assertWithinAccuracy(sorted, 0.9, row.p90Ms(), key);
            assertWithinAccuracy(sorted, 0.99, row.p99Ms(), key);
            assertEquals(row.p90Ms(), DurationSketch.decodeBase64(row.sketch()).getValueAtQuantile(0.9), 1e-9, key);
        });
    }

    @Test
    void duplicatesAndShuffledOrderGiveIdenticalResults() throws Exception {
        // Out-of-orderness wider than the script, so a shuffle makes nothing late.
        JobConfig config = JobConfig.fromEnv(Map.of(JobConfig.ENV_OUT_OF_ORDERNESS, "10m"));
        Run inOrder = run(TestEvents.scripted(), config, 2);

        List<StripeEvent> messy = new ArrayList<>(TestEvents.scripted());
        // Redeliveries, and a replay of the same records as after a restart.
        messy.addAll(TestEvents.scripted().subList(0, 4));
        messy.add(TestEvents.scripted().get(7));
        messy.add(TestEvents.scripted().get(1));
        Collections.shuffle(messy, new Random(3));
        Run shuffled = run(messy, config, 2);

        assertEquals(SCRIPTED_DECLINES, describeDeclines(inOrder.declineRates));
        assertEquals(latest(inOrder.declineRates, PaymentHealthJobITCase::declineKey),
                latest(shuffled.declineRates, PaymentHealthJobITCase::declineKey));
        assertEquals(latest(inOrder.webhookLatency, l -> l.windowStart() + l.dimensionSet() + l.eventType()),
                latest(shuffled.webhookLatency, l -> l.windowStart() + l.dimensionSet() + l.eventType()));
        assertEquals(latest(inOrder.settlementTimes, s -> s.windowStart() + s.dimensionSet() + s.currency() + s.method()),
                latest(shuffled.settlementTimes, s -> s.windowStart() + s.dimensionSet() + s.currency() + s.method()));
        assertEquals(Set.copyOf(inOrder.paymentAttempts), Set.copyOf(shuffled.paymentAttempts));
        assertEquals(Set.copyOf(inOrder.rawEvents), Set.copyOf(shuffled.rawEvents));
        assertEquals(inOrder.paymentAttempts.size(), shuffled.paymentAttempts.size());
        assertEquals(inOrder.rawEvents.size(), shuffled.rawEvents.size());
        assertEquals(6, shuffled.counter(JobMetrics.EVENTS_DUPLICATE));
    }

    @Test
    void lateEventWithinTheLatenessUpdatesItsWindowAndATooLateOneIsReported() throws Exception {
        JobConfig config = JobConfig.fromEnv(Map.of(JobConfig.ENV_OUT_OF_ORDERNESS, "0s",
                JobConfig.ENV_ALLOWED_LATENESS, "5m", JobConfig.ENV_DIMENSION_SETS, "all;card_brand"));
        List<StripeEvent> events = List.of(
                TestEvents.succeeded("e1", T0 + 5, "visa", "US", "usd"),
                TestEvents.failed("e2", T0 + 10, "visa", "US", "usd", "card_declined", "05"),
                // Moves the watermark past the first window: it fires with two attempts.
                TestEvents.succeeded("e3", T0 + 125, "visa", "US", "usd"),
                // Late but within five minutes: the first window fires again with three.
                TestEvents.failed("e4", T0 + 20, "visa", "US", "usd", "do_not_honor", "05"),
                // Moves the watermark past the first window's lateness: it is closed for good.
                TestEvents.succeeded("e5", T0 + 700, "visa", "US", "usd"),
                TestEvents.failed("e6", T0 + 30, "visa", "US", "usd", "card_declined", "05"));

        // Parallelism 1: the firing sequence, not only the final rows, is part of what is checked.
        Run run = run(events, config, 1);

        List<DeclineRateWindow> firstWindow = run.declineRates.stream()
                .filter(r -> r.windowStart() == T0 && r.dimensionSet().equals("all")).toList();
        assertEquals(List.of(2L, 3L), firstWindow.stream().map(DeclineRateWindow::version).toList());
        assertEquals(List.of(2L, 3L), firstWindow.stream().map(DeclineRateWindow::attempts).toList());
        assertEquals(2, firstWindow.get(1).declined());

        long watermark = (T0 + 700) * 1000 - 1;
        assertEquals(List.of(new LateEvent("evt_e6", "charge.failed", T0 + 30, (T0 + 30) * 1000 + 300, T0, T0 + 60,
                watermark, LateEvent.REASON_BEYOND_ALLOWED_LATENESS)), run.lateEvents);
        assertEquals(1, run.counter(JobMetrics.EVENTS_TOO_LATE));
        // Too late for the metrics, but still an attempt and a raw event.
        assertTrue(run.paymentAttempts.stream().anyMatch(a -> a.chargeId().equals("ch_e6")));
        assertEquals(6, run.paymentAttempts.size());
        assertEquals(6, run.rawEvents.size());
    }

    @Test
    void malformedEventsAreCountedAndSkippedWithoutFailingTheJob() throws Exception {
        List<StripeEvent> events = List.of(
                TestEvents.raw("evt_m1", "charge.succeeded", T0 + 1, "{\"id\":\"evt_m1\",\"data\":\"oops\"}"),
                TestEvents.raw("evt_m2", "charge.failed", T0 + 2,
                        "{\"id\":\"evt_m2\",\"data\":{\"object\":{\"id\":\"ch_m2\",\"currency\":\"usd\"}}}"),
                TestEvents.raw("evt_m3", "payout.paid", T0 + 3,
                        "{\"id\":\"evt_m3\",\"data\":{\"object\":{\"id\":\"po_m3\",\"currency\":\"usd\",\"created\":1}}}"),
                TestEvents.raw("evt_m4", "customer.updated", T0 + 4, "[1,2]"),
                TestEvents.raw("evt_m5", "customer.created", T0 + 5, "{\"id\":\"evt_m5\",\"data\":{\"object\":{}}}"),
                // arrival_date in milliseconds: no settlement, or its window's mean would read 55,000 years.
                TestEvents.raw("evt_m6", "payout.paid", T0 + 7, StripeEventSamples.payout("evt_m6", "payout.paid", "po_m6",
                        T0 + 7, (T0 + 7 + DAY) * 1000, 5000, "usd", "standard")),
                TestEvents.succeeded("ok", T0 + 6, "visa", "US", "usd"));

        Run run = run(events, JobConfig.defaults(), 2);

        assertEquals(5, run.counter(JobMetrics.EVENTS_MALFORMED));
        assertEquals(1, run.counter(JobMetrics.EVENTS_RAW_ONLY));
        assertEquals(Set.of("evt_m1", "evt_m2", "evt_m3", "evt_m5", "evt_m6", "evt_ok"),
                run.rawEvents.stream().map(StripeEventRow::eventId).collect(Collectors.toSet()));
        assertEquals(List.of("ch_ok"), run.paymentAttempts.stream().map(PaymentAttempt::chargeId).toList());
        assertTrue(describeDeclines(run.declineRates).contains("0 all [] 1/1/0"));
        assertTrue(run.settlementTimes.isEmpty());
    }

    private static void assertSettlement(SettlementTimeWindow row, long payouts, long paid, long failed, long sum,
                                         long max, long p50) {
        assertEquals(List.of(payouts, paid, failed, sum, max, payouts),
                List.of(row.payouts(), row.paid(), row.failed(), row.sumSeconds(), row.maxSeconds(), row.version()));
        assertEquals(p50, row.p50Seconds(), p50 * DurationSketch.RELATIVE_ACCURACY);
    }

    private static void assertWithinAccuracy(long[] sorted, double q, double estimate, String key) {
        // DDSketch's quantile q is the value at rank floor(q * (n - 1)).
        long exact = sorted[(int) Math.floor(q * (sorted.length - 1))];
        assertTrue(Math.abs(estimate - exact) <= DurationSketch.RELATIVE_ACCURACY * exact,
                key + " q=" + q + " exact=" + exact + " estimate=" + estimate);
    }

    /** The final row of each key: what ReplacingMergeTree keeps. */
    private static <T> Map<String, T> latest(List<T> rows, Function<T, String> key) {
        Map<String, T> result = new TreeMap<>();
        for (T row : rows) {
            result.merge(key.apply(row), row, (a, b) -> version(b) >= version(a) ? b : a);
        }
        return result;
    }

    private static long version(Object row) {
        if (row instanceof DeclineRateWindow d) {
            return d.version();
        }
        if (row instanceof WebhookLatencyWindow w) {
            return w.version();
        }
        return ((SettlementTimeWindow) row).version();
    }

    private static String declineKey(DeclineRateWindow r) {
        List<String> values = new ArrayList<>();
        for (Dimension d : DimensionSet.parse(r.dimensionSet()).dimensions()) {
            values.add(switch (d) {
                case PAYMENT_METHOD_TYPE -> r.paymentMethodType();
                case CARD_BRAND -> r.cardBrand();
                case CARD_COUNTRY -> r.cardCountry();
                case CARD_FUNDING -> r.cardFunding();
                case CURRENCY -> r.currency();
                case FAILURE_CODE -> r.failureCode();
                case NETWORK_DECLINE_CODE -> r.networkDeclineCode();
                case ACCOUNT -> r.account();
            });
        }
        return (r.windowStart() - T0) + " " + r.dimensionSet() + " [" + String.join(",", values) + "]";
    }

    private static Set<String> describeDeclines(List<DeclineRateWindow> rows) {
        return latest(rows, PaymentHealthJobITCase::declineKey).values().stream()
                .map(r -> declineKey(r) + " " + r.attempts() + "/" + r.approved() + "/" + r.declined())
                .collect(Collectors.toSet());
    }

    /** Everything one run of the job produced, in emission order, and its counters. */
    private record Run(List<StripeEventRow> rawEvents, List<PaymentAttempt> paymentAttempts,
                       List<DeclineRateWindow> declineRates, List<WebhookLatencyWindow> webhookLatency,
                       List<SettlementTimeWindow> settlementTimes, List<LateEvent> lateEvents,
                       Map<String, Long> counters) {

        long counter(String name) {
            return counters.getOrDefault(name, 0L);
        }
    }

    private static Run run(List<StripeEvent> events, JobConfig config, int parallelism) throws Exception {
        Configuration conf = new Configuration();
        // Every type on the wire must have a real serializer, never a Kryo fallback.
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);

        JobOutputs out = PaymentHealthJob.build(env.fromData(events, Types.POJO(StripeEvent.class)), config);
        CloseableIterator<StripeEventRow> raw = out.rawEvents().collectAsync();
        CloseableIterator<PaymentAttempt> attempts = out.paymentAttempts().collectAsync();
        CloseableIterator<DeclineRateWindow> declines = out.declineRates().collectAsync();
        CloseableIterator<WebhookLatencyWindow> latency = out.webhookLatency().collectAsync();
        CloseableIterator<SettlementTimeWindow> settlements = out.settlementTimes().collectAsync();
        CloseableIterator<LateEvent> late = out.lateEvents().collectAsync();
        JobClient client = env.executeAsync("payment-health-test");

        Run run = new Run(drain(raw), drain(attempts), drain(declines), drain(latency), drain(settlements), drain(late),
                counters(client));
        client.getJobExecutionResult().get();
        return run;
    }

    private static Map<String, Long> counters(JobClient client) throws Exception {
        client.getJobExecutionResult().get();
        Map<String, Long> sums = new TreeMap<>();
        String jobId = client.getJobID().toString();
        METRICS.getMetricsByGroup().forEach((group, metrics) -> {
            if (!jobId.equals(group.getAllVariables().get("<job_id>"))) {
                return;
            }
            metrics.forEach((name, metric) -> {
                if (name.startsWith("paypulse_") && metric instanceof Counter counter) {
                    sums.merge(name, counter.getCount(), Long::sum);
                }
            });
        });
        return sums;
    }

    private static <T> List<T> drain(CloseableIterator<T> it) throws Exception {
        List<T> items = new ArrayList<>();
        try (it) {
            it.forEachRemaining(items::add);
        }
        return items;
    }

}
