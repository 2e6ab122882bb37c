package io.paypulse.flink.anomaly;

import io.paypulse.detect.DetectorConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The endpoint watch on processing time the test sets, bucket by bucket, with its verdicts fed to the
 * incident tracker as the job wires them: which buckets are judged, with which counts, and what pages.
 * Two-second buckets and a warm-up of ten, as {@code AnomalyAlertingITCase} runs the job.
 */
class EndpointWatchTest {

    private static final long BUCKET = 2000;
    private static final int WARMUP = 10;
    /** A bucket boundary (epoch millis). */
    private static final long T0 = 1_793_000_000_000L;
    private static final DetectorConfig CONFIG = DetectorConfig.defaults().withWarmupWindows(WARMUP);

    private KeyedOneInputStreamOperatorTestHarness<String, Long, SeriesVerdict> watch;
    private KeyedOneInputStreamOperatorTestHarness<String, SeriesVerdict, AnomalyRow> tracker;
    private int verdictsSeen;

    @BeforeEach
    void open() throws Exception {
        watch = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EndpointWatch(CONFIG, BUCKET)), n -> EndpointWatch.KEY, Types.STRING);
        watch.open();
        watch.setProcessingTime(T0);
        // Resolve after 5 normal buckets, 30 min cooldown, 2 s buckets, no resolve hold.
        tracker = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new IncidentTrackerFunction(5, 1800, BUCKET / 1000, 0)),
                (SeriesVerdict v) -> v.point().family(), Types.STRING);
        tracker.open();
        verdictsSeen = 0;
    }

    @AfterEach
    void close() throws Exception {
        try (var w = watch; var t = tracker) {
            // Both closed, even when one close fails.
        }
    }

    @Test
    void aSilenceAfterTheWarmUpPagesOnceAtItsFirstBucketAndTheReturnOfTrafficResolvesIt() throws Exception {
        List<SeriesVerdict> warmUp = steadyTraffic();
        assertEquals(WARMUP, warmUp.size());
        for (int k = 0; k < WARMUP; k++) {
            assertVerdict(warmUp.get(k), k, 50, false);
        }
        assertEquals(List.of(), alerts());

        // Stripe stops: the first silent bucket pages...
        List<SeriesVerdict> first = bucket(WARMUP, 0);
        assertEquals(1, first.size());
        assertVerdict(first.get(0), WARMUP, 0, true);
        assertEquals("DOWN", first.get(0).direction());
        List<AlertRequest> alerts = alerts();
        assertEquals(List.of(AlertRequest.TRIGGER), actions(alerts));
        AlertRequest trigger = alerts.get(0);
        assertEquals(bucketStart(WARMUP) * 1000, trigger.timestampMillis());
        assertEquals("No Stripe webhooks reached paypulse since " + Instant.ofEpochSecond(bucketStart(WARMUP))
                + " (about 50 per bucket expected): check the bridge's /readyz, Kafka, and the endpoint in Stripe's"
                + " dashboard", trigger.summary());

        // ...and the silence going on is the same incident: every bucket anomalous, no second page.
        for (int k = WARMUP + 1; k < WARMUP + 6; k++) {
            List<SeriesVerdict> silent = bucket(k, 0);
            assertEquals(1, silent.size());
            assertVerdict(silent.get(0), k, 0, true);
            assertEquals(List.of(AlertRequest.TRIGGER), actions(alerts()), "bucket " + k);
        }

        // Traffic returns: after five normal buckets, and not before, the incident resolves under the same key.
        int back = WARMUP + 6;
        for (int k = back; k < back + 4; k++) {
            List<SeriesVerdict> normal = bucket(k, 50);
            assertEquals(1, normal.size());
            assertVerdict(normal.get(0), k, 50, false);
            assertEquals(List.of(AlertRequest.TRIGGER), actions(alerts()), "bucket " + k);
        }
        assertVerdict(bucket(back + 4, 50).get(0), back + 4, 50, false);
        alerts = alerts();
        assertEquals(List.of(AlertRequest.TRIGGER, AlertRequest.RESOLVE), actions(alerts));
        assertEquals(trigger.dedupKey(), alerts.get(1).dedupKey());
        assertEquals(bucketStart(back + 4) * 1000, alerts.get(1).timestampMillis());

        // Steady traffic after that pages nobody.
        for (int k = back + 5; k < back + 10; k++) {
            assertVerdict(bucket(k, 50).get(0), k, 50, false);
        }
        assertEquals(List.of(AlertRequest.TRIGGER, AlertRequest.RESOLVE), actions(alerts()));
    }

    @Test
    void aBucketThatEndsWhileTheJobIsStalledIsSkippedNotJudgedAsSilence() throws Exception {
        steadyTraffic();
        // 50 webhooks in bucket 10, then the job stalls: its timer (end of bucket 10) fires 19.35 buckets late.
        watch.setProcessingTime(T0 + WARMUP * BUCKET + 100);
        watch.processElement(50L, T0 + WARMUP * BUCKET + 100);
        watch.setProcessingTime(T0 + 30 * BUCKET + 700);
        assertEquals(List.of(), newVerdicts(), "the late bucket is not judged");
        assertEquals(List.of(), alerts());

        // The next bucket starts at the bucket boundary before the clock, and counts only its own arrivals:
        // bucket 10's 50 went with it.
        watch.setProcessingTime(T0 + 30 * BUCKET + 800);
        watch.processElement(50L, T0 + 30 * BUCKET + 800);
        watch.setProcessingTime(T0 + 31 * BUCKET - 1);
        assertEquals(List.of(), newVerdicts());
        watch.setProcessingTime(T0 + 31 * BUCKET);
        List<SeriesVerdict> after = newVerdicts();
        assertEquals(1, after.size());
        assertVerdict(after.get(0), 30, 50, false);
        assertEquals(List.of(), alerts());
    }

    @Test
    void aSilentBucketIsJudgedUpToExactlyTwoBucketsAfterItsStartAndSkippedOneMillisecondLater() throws Exception {
        // Bucket 10 is silent; its timer (at its end) fires exactly one bucket late: the bucket started two
        // buckets before the clock, which is not more than two, so it is judged, and pages.
        steadyTraffic();
        watch.setProcessingTime(T0 + (WARMUP + 2) * BUCKET);
        List<SeriesVerdict> judged = newVerdicts();
        assertEquals(1, judged.size());
        assertVerdict(judged.get(0), WARMUP, 0, true);
        assertEquals(List.of(AlertRequest.TRIGGER), actions(alerts()));
        // Bucket 11 is never judged: the next one starts at the clock's bucket, 12.
        List<SeriesVerdict> next = bucket(WARMUP + 2, 50);
        assertEquals(1, next.size());
        assertVerdict(next.get(0), WARMUP + 2, 50, false);
        close();

        open();
        steadyTraffic();
        watch.setProcessingTime(T0 + (WARMUP + 2) * BUCKET + 1);
        assertEquals(List.of(), newVerdicts(), "a bucket more than two buckets behind the clock");
        assertEquals(List.of(), alerts());
        next = bucket(WARMUP + 2, 50);
        assertEquals(1, next.size());
        assertVerdict(next.get(0), WARMUP + 2, 50, false);
        assertEquals(List.of(), alerts());
    }

    /** {@link #WARMUP} buckets of 50 webhooks each, arriving as two counts of 25; their verdicts. */
    private List<SeriesVerdict> steadyTraffic() throws Exception {
        List<SeriesVerdict> verdicts = new ArrayList<>();
        for (int k = 0; k < WARMUP; k++) {
            verdicts.addAll(bucket(k, 50));
        }
        return verdicts;
    }

    /**
     * Bucket {@code k}: {@code arrivals} in two counts within it (none for 0), then the clock at its end.
     * Returns the verdicts that produced, after feeding them to the tracker.
     */
    private List<SeriesVerdict> bucket(int k, long arrivals) throws Exception {
        long start = T0 + k * BUCKET;
        if (arrivals > 0) {
            watch.setProcessingTime(start + 100);
            watch.processElement(arrivals / 2, start + 100);
            watch.setProcessingTime(start + 1100);
            watch.processElement(arrivals - arrivals / 2, start + 1100);
        }
        watch.setProcessingTime(start + BUCKET - 1);
        assertEquals(List.of(), newVerdicts(), "bucket " + k + " judged before its end");
        watch.setProcessingTime(start + BUCKET);
        return newVerdicts();
    }

    /** The watch's verdicts since the last call, also fed to the tracker. */
    private List<SeriesVerdict> newVerdicts() throws Exception {
        List<SeriesVerdict> all = watch.extractOutputValues();
        List<SeriesVerdict> fresh = new ArrayList<>(all.subList(verdictsSeen, all.size()));
        verdictsSeen = all.size();
        for (SeriesVerdict v : fresh) {
            tracker.processElement(v, watch.getProcessingTime());
        }
        return fresh;
    }

    private List<AlertRequest> alerts() {
        var out = tracker.getSideOutput(IncidentTrackerFunction.ALERTS);
        return out == null ? List.of() : new ArrayList<>(out.stream().map(StreamRecord::getValue).toList());
    }

    private static List<String> actions(List<AlertRequest> alerts) {
        return alerts.stream().map(AlertRequest::action).toList();
    }

    private static long bucketStart(int k) {
        return (T0 + k * BUCKET) / 1000;
    }

    private static void assertVerdict(SeriesVerdict v, int k, long arrivals, boolean anomalous) {
        assertEquals(SeriesPoints.arrivals(bucketStart(k), arrivals), v.point(), "bucket " + k);
        assertEquals(anomalous, v.anomalous(), "bucket " + k + ": " + v);
    }
}
