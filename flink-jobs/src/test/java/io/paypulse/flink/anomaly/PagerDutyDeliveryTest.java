package io.paypulse.flink.anomaly;

import io.paypulse.alert.PagerDutyConfig;
import io.paypulse.infra.pagerduty.LocalPagerDuty;
import io.paypulse.infra.pagerduty.ReceivedEvent;
import io.paypulse.infra.pagerduty.ReceivedRequest;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The PagerDuty outbox against a local receiver that holds to the Events API v2 contract: nothing is
 * dropped while PagerDuty fails, across a restart too, and nothing overtakes what came before it.
 * Processing time is the harness's, so retries are due when the test says so.
 */
class PagerDutyDeliveryTest {

    private static final String ROUTING_KEY = "R0ut1ngKeyForTheOutboxUnitTest42";
    private static final long WINDOW = 1_793_000_000_000L;
    private static final long HOUR = 3_600_000L;

    private LocalPagerDuty pagerDuty;

    @BeforeEach
    void startReceiver() {
        pagerDuty = LocalPagerDuty.start();
    }

    @AfterEach
    void stopReceiver() {
        pagerDuty.close();
    }

    @Test
    void anOutageLongerThanTheRetriesDelaysThePageButDoesNotDropItAndTheResolveWaitsBehindIt() throws Exception {
        pagerDuty.respondNext(503, 6);
        try (var harness = harness(env(Map.of(PagerDutyConfig.ENV_MAX_ATTEMPTS, "2")))) {
            harness.processElement(alert(AlertRequest.TRIGGER, "a", 0), 0);
            harness.processElement(alert(AlertRequest.RESOLVE, "a", 5), 0);
            assertEquals(List.of(503), statuses(), "one request, then the outbox waits for its timer");
            assertEquals(1, harness.numProcessingTimeTimers());

            advanceUntilEmpty(harness);

            assertEquals(List.of(503, 503, 503, 503, 503, 503, 202, 202), statuses());
            assertEquals(List.of("trigger", "resolve"), pagerDuty.events().stream().map(ReceivedEvent::action).toList());
            assertEquals(1, pagerDuty.triggeredIncidents());
            assertEquals(0, pagerDuty.openIncidents());
            assertEquals(List.of(), pagerDuty.violations());
            assertEquals(List.of("trigger|1|retrying|503", "trigger|2|retrying|503", "trigger|3|retrying|503",
                    "trigger|4|retrying|503", "trigger|5|retrying|503", "trigger|6|retrying|503",
                    "trigger|7|delivered|202", "resolve|1|delivered|202"), rows(harness));
        }
    }

    @Test
    void aResolveWaitsForACheckpointTakenAfterItsTriggerWasDeliveredAndNothingElseWaitsForIt() throws Exception {
        try (var harness = harness(env(Map.of()), null, true)) {
            // A checkpoint before the trigger: completing it later covers nothing.
            harness.snapshot(1, 0);
            harness.processElement(alert(AlertRequest.TRIGGER, "g", 0), 0);
            harness.processElement(alert(AlertRequest.RESOLVE, "g", 15), 0);
            // Another incident's page passes the resolve that waits.
            harness.processElement(alert(AlertRequest.TRIGGER, "h", 16), 0);
            assertEquals(List.of("trigger|1|delivered|202", "trigger|1|delivered|202"), rows(harness));
            assertEquals(List.of("trigger:g", "trigger:h"), actions());

            harness.notifyOfCompletedCheckpoint(1);
            harness.setProcessingTime(PagerDutyDelivery.COVERAGE_POLL_MILLIS);
            assertEquals(List.of("trigger:g", "trigger:h"), actions(), "checkpoint 1 was taken before g's page");

            // Taken after g's page, but a restore from 1 is still possible until it completes.
            harness.snapshot(2, PagerDutyDelivery.COVERAGE_POLL_MILLIS);
            harness.setProcessingTime(2 * PagerDutyDelivery.COVERAGE_POLL_MILLIS);
            assertEquals(List.of("trigger:g", "trigger:h"), actions(), "checkpoint 2 has not completed");

            harness.notifyOfCompletedCheckpoint(2);
            harness.setProcessingTime(3 * PagerDutyDelivery.COVERAGE_POLL_MILLIS);
            assertEquals(List.of("trigger:g", "trigger:h", "resolve:g"), actions());
            assertEquals(0, harness.numProcessingTimeTimers(), "nothing waits any more");
        }
        assertEquals(1, pagerDuty.openIncidents(), "h is open, g opened and resolved once");
        assertEquals(2, pagerDuty.triggeredIncidents());
        assertEquals(List.of(), pagerDuty.violations());
    }

    @Test
    void afterARestoreTheTriggersTheStateKnowsAreCheckpointedAndTheirResolvesGo() throws Exception {
        OperatorSubtaskState checkpoint;
        try (var harness = harness(env(Map.of()), null, true)) {
            harness.processElement(alert(AlertRequest.TRIGGER, "k", 0), 0);
            checkpoint = harness.snapshot(1, 0);
        }
        // The job failed before checkpoint 1 was confirmed and restarts from it: k's page is in that state.
        try (var restarted = harness(env(Map.of()), checkpoint, true)) {
            restarted.processElement(alert(AlertRequest.RESOLVE, "k", 15), 0);
            assertEquals(List.of("resolve|1|delivered|202"), rows(restarted));
        }
        assertEquals(List.of("trigger:k", "resolve:k"), actions());
        assertEquals(0, pagerDuty.openIncidents());
    }

    @Test
    void anAlertWaitingInTheOutboxAtACheckpointIsSentAfterTheRestart() throws Exception {
        pagerDuty.respondNext(500, 1);
        OperatorSubtaskState checkpoint;
        try (var harness = harness(env(Map.of()))) {
            harness.processElement(alert(AlertRequest.TRIGGER, "b", 0), 0);
            assertEquals(List.of(500), statuses());
            checkpoint = harness.snapshot(1, 0);
        }
        try (var restarted = harness(env(Map.of()), checkpoint)) {
            assertEquals(1, restarted.numProcessingTimeTimers(), "the retry's timer came back with the checkpoint");
            advanceUntilEmpty(restarted);
            assertEquals(List.of("trigger|2|delivered|202"), rows(restarted));
        }
        assertEquals(List.of(500, 202), statuses());
        assertEquals(1, pagerDuty.openIncidents());
    }

    @Test
    void aRefusedAlertIsNotRetriedAndTheNextOneGoesOut() throws Exception {
        pagerDuty.respondNext(400, 1);
        try (var harness = harness(env(Map.of()))) {
            harness.processElement(alert(AlertRequest.TRIGGER, "c", 0), 0);
            harness.processElement(alert(AlertRequest.TRIGGER, "d", 1), 0);
            assertEquals(List.of("trigger|1|rejected|400", "trigger|1|delivered|202"), rows(harness));
            assertEquals(0, harness.numProcessingTimeTimers());
        }
        assertEquals(List.of(400, 202), statuses());
    }

    @Test
    void overTheRateLimitTheRestWaitsForATimerInsteadOfBlocking() throws Exception {
        try (var harness = harness(env(Map.of(PagerDutyConfig.ENV_MAX_EVENTS_PER_MINUTE, "2")))) {
            for (int i = 0; i < 3; i++) {
                harness.processElement(alert(AlertRequest.TRIGGER, "e" + i, i), 0);
            }
            assertEquals(List.of(202, 202), statuses());
            assertEquals(1, harness.numProcessingTimeTimers());
            assertEquals(2, rows(harness).size());
        }
    }

    @Test
    void withoutARoutingKeyAlertsAreRecordedAsNotSentAtTheirWindowsTime() throws Exception {
        Map<String, String> env = new HashMap<>(env(Map.of()));
        env.remove(PagerDutyConfig.ENV_ROUTING_KEY);
        try (var harness = harness(env)) {
            harness.processElement(alert(AlertRequest.TRIGGER, "f", 0), 0);
            harness.processElement(alert(AlertRequest.SUPPRESSED, "f", 7), 0);
            List<AlertRecord> out = records(harness);
            assertEquals(List.of("trigger|0|not_sent|0", "suppressed|0|suppressed|0"), rows(harness));
            assertEquals(List.of(WINDOW, WINDOW + 7 * 60_000L), out.stream().map(AlertRecord::sentAtMillis).toList());
        }
        assertEquals(List.of(), statuses());
    }

    /** Moves processing time on an hour at a time until the outbox has no timer left. */
    private static void advanceUntilEmpty(KeyedOneInputStreamOperatorTestHarness<String, AlertRequest, AlertRecord> harness)
            throws Exception {
        long now = harness.getProcessingTime();
        for (int i = 0; i < 100 && harness.numProcessingTimeTimers() > 0; i++) {
            now += HOUR;
            harness.setProcessingTime(now);
        }
        assertEquals(0, harness.numProcessingTimeTimers(), "the outbox emptied");
    }

    /** What PagerDuty received, in order: action and incident. */
    private List<String> actions() {
        return pagerDuty.events().stream().map(e -> e.action() + ":" + e.dedupKey().substring(e.dedupKey().indexOf('-') + 1))
                .toList();
    }

    private List<Integer> statuses() {
        return pagerDuty.requests().stream().map(ReceivedRequest::status).toList();
    }

    private Map<String, String> env(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put(PagerDutyConfig.ENV_ROUTING_KEY, ROUTING_KEY);
        env.put(PagerDutyConfig.ENV_EVENTS_URL, pagerDuty.eventsUrl().toString());
        env.put(PagerDutyConfig.ENV_REQUEST_TIMEOUT, "5000");
        env.putAll(overrides);
        return env;
    }

    private static AlertRequest alert(String action, String incident, int minute) {
        return new AlertRequest(action, AlertRequest.dedupKey(incident), incident, "Visa declines in BR at 40%",
                "critical", WINDOW + minute * 60_000L, SeriesPoints.FAMILY_DECLINES, "card_brand,card_country",
                "decline_rate_spike", "{\"observed\":0.4}");
    }

    /** An outbox whose resolves do not wait for checkpoints: these tests take none. */
    private static KeyedOneInputStreamOperatorTestHarness<String, AlertRequest, AlertRecord> harness(
            Map<String, String> env) throws Exception {
        return harness(env, null, false);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AlertRequest, AlertRecord> harness(
            Map<String, String> env, OperatorSubtaskState restoreFrom) throws Exception {
        return harness(env, restoreFrom, false);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AlertRequest, AlertRecord> harness(
            Map<String, String> env, OperatorSubtaskState restoreFrom, boolean resolveAfterCheckpoint) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PagerDutyDelivery(env, null, resolveAfterCheckpoint)),
                (AlertRequest a) -> PagerDutyDelivery.KEY, Types.STRING);
        harness.setProcessingTime(0);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    private static List<AlertRecord> records(KeyedOneInputStreamOperatorTestHarness<String, AlertRequest, AlertRecord> h) {
        return h.getOutput().stream().filter(o -> o instanceof StreamRecord<?>)
                .map(o -> (AlertRecord) ((StreamRecord<?>) o).getValue()).toList();
    }

    private static List<String> rows(KeyedOneInputStreamOperatorTestHarness<String, AlertRequest, AlertRecord> h) {
        return records(h).stream().map(r -> r.action() + "|" + r.attempt() + "|" + r.status() + "|" + r.httpStatus())
                .toList();
    }
}
