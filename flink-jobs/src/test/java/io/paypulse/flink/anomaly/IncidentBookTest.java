package io.paypulse.flink.anomaly;

import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IncidentBookTest {

    private static final long T0 = 1_793_000_000L - 1_793_000_000L % 60;
    private static final String VISA_BR = "card_brand=visa,card_country=BR";

    private final List<AlertRequest> alerts = new ArrayList<>();
    private final List<AnomalyRow> rows = new ArrayList<>();

    @Test
    void relatedSeriesInOneWindowAreOneIncidentNamedByTheMostSpecific() {
        IncidentBook book = new IncidentBook(60, 3, 1800);
        // "all" is judged first, the segment last: the page must still name the segment.
        feed(book, rate("", "all", 0, 0.12, 2000, 0.06, true));
        feed(book, rate("card_brand=visa", "card_brand", 0, 0.20, 900, 0.06, true));
        feed(book, rate("card_country=BR", "card_country", 0, 0.30, 500, 0.07, true));
        feed(book, rate("currency=brl", "currency", 0, 0.29, 520, 0.07, true));
        feed(book, rate(VISA_BR, "card_brand,card_country", 0, 0.38, 412, 0.06, true));

        assertEquals(1, book.openIncidents());
        assertEquals(1, alerts.stream().filter(a -> a.action().equals(AlertRequest.TRIGGER)).count());
        String incident = alerts.get(0).incidentId();
        AlertRequest trigger = book.currentTrigger(incident, T0).orElseThrow();
        assertEquals("Visa declines in BR at 38% (412 attempts) vs 6% expected; 4 related series moved too",
                trigger.summary());
        assertEquals("critical", trigger.severity());
        assertEquals("paypulse-" + incident, trigger.dedupKey());
        assertEquals(5, rows.size());
        assertTrue(rows.stream().allMatch(r -> r.incidentId().equals(incident) && r.status().equals("open")));
    }

    @Test
    void unrelatedSegmentsAreSeparateIncidents() {
        IncidentBook book = new IncidentBook(60, 3, 1800);
        feed(book, rate(VISA_BR, "card_brand,card_country", 0, 0.38, 412, 0.06, true));
        feed(book, rate("card_brand=mastercard,card_country=US", "card_brand,card_country", 0, 0.30, 300, 0.05, true));
        assertEquals(2, book.openIncidents());
        assertEquals(2, triggers());
    }

    @Test
    void resolvesOnceAfterEnoughNormalWindowsAndNotBefore() {
        IncidentBook book = new IncidentBook(60, 3, 1800);
        feed(book, rate(VISA_BR, "card_brand,card_country", 0, 0.38, 412, 0.06, true));
        feed(book, rate(VISA_BR, "card_brand,card_country", 1, 0.40, 400, 0.06, true));
        feed(book, rate(VISA_BR, "card_brand,card_country", 2, 0.06, 400, 0.06, false));
        feed(book, rate(VISA_BR, "card_brand,card_country", 3, 0.06, 400, 0.06, false));
        assertEquals(1, book.openIncidents());
        assertEquals(0, resolves());
        feed(book, rate(VISA_BR, "card_brand,card_country", 4, 0.06, 400, 0.06, false));
        assertEquals(0, book.openIncidents());
        assertEquals(1, resolves());
        AnomalyRow last = rows.get(rows.size() - 1);
        assertEquals("resolved", last.status());
        assertEquals(T0 + 4 * 60, last.resolvedAt());
        assertEquals(T0 + 60, last.windowStart(), "the row keeps the worst window");
        assertEquals(0.40, last.observed());
        feed(book, rate(VISA_BR, "card_brand,card_country", 5, 0.06, 400, 0.06, false));
        assertEquals(1, resolves());
        assertEquals(1, triggers());
    }

    @Test
    void anAnomalyBackWithinTheCooldownReopensWithoutPagingAndResolvesSilently() {
        IncidentBook book = new IncidentBook(60, 2, 600);
        feed(book, rate(VISA_BR, "card_brand,card_country", 0, 0.38, 412, 0.06, true));
        feed(book, rate(VISA_BR, "card_brand,card_country", 1, 0.06, 400, 0.06, false));
        feed(book, rate(VISA_BR, "card_brand,card_country", 2, 0.06, 400, 0.06, false));
        assertEquals(1, resolves());
        feed(book, rate(VISA_BR, "card_brand,card_country", 4, 0.30, 400, 0.06, true));
        assertEquals(1, book.openIncidents());
        assertEquals(1, triggers());
        assertEquals(1, alerts.stream().filter(a -> a.action().equals(AlertRequest.SUPPRESSED)).count());
        feed(book, rate(VISA_BR, "card_brand,card_country", 5, 0.06, 400, 0.06, false));
        feed(book, rate(VISA_BR, "card_brand,card_country", 6, 0.06, 400, 0.06, false));
        assertEquals(0, book.openIncidents());
        assertEquals(1, resolves(), "a reopening that was not paged is not resolved on PagerDuty either");
        // after the cooldown, the same series pages again, as a new incident
        feed(book, rate(VISA_BR, "card_brand,card_country", 30, 0.35, 400, 0.06, true));
        assertEquals(2, triggers());
        assertTrue(!alerts.get(alerts.size() - 1).incidentId().equals(alerts.get(0).incidentId()));
    }

    @Test
    void aRelapseWithinTheResolveHoldKeepsTheSamePageOpenAndPagerDutyHearsOneResolve() {
        IncidentBook book = new IncidentBook(60, 2, 1800).resolveHold(300);
        feed(book, rate(VISA_BR, "card_brand,card_country", 0, 0.38, 412, 0.06, true));
        feed(book, rate(VISA_BR, "card_brand,card_country", 1, 0.06, 400, 0.06, false));
        feed(book, rate(VISA_BR, "card_brand,card_country", 2, 0.06, 400, 0.06, false));
        assertEquals(0, book.openIncidents(), "resolved here after 2 normal windows");
        assertEquals(0, resolves(), "but PagerDuty's incident stays open through the hold");
        // The adaptive baseline flags the lasting rise again: the same incident, the same page.
        feed(book, rate(VISA_BR, "card_brand,card_country", 4, 0.30, 400, 0.06, true));
        assertEquals(1, book.openIncidents());
        assertEquals(List.of(AlertRequest.TRIGGER), alerts.stream().map(AlertRequest::action).toList(),
                "no new page and nothing suppressed");
        for (int w = 5; w <= 10; w++) {
            feed(book, rate(VISA_BR, "card_brand,card_country", w, 0.06, 400, 0.06, false));
        }
        // Resolved at window 6 (two normal windows); the hold of 5 windows ends at window 11.
        assertEquals(0, resolves());
        feed(book, rate(VISA_BR, "card_brand,card_country", 11, 0.06, 400, 0.06, false));
        assertEquals(List.of(AlertRequest.TRIGGER, AlertRequest.RESOLVE), alerts.stream().map(AlertRequest::action).toList());
        assertEquals(alerts.get(0).dedupKey(), alerts.get(1).dedupKey());
        assertEquals((T0 + 11 * 60) * 1000, alerts.get(1).timestampMillis());
        assertTrue(alerts.get(1).summary().endsWith("; back to normal for 7 windows"), alerts.get(1).summary());
    }

    @Test
    void aRestoredBookFollowsTheSettingsInForce() throws Exception {
        IncidentBook book = new IncidentBook(60, 5, 1800);
        feed(book, rate(VISA_BR, "card_brand,card_country", 0, 0.38, 412, 0.06, true));
        // Restarted with PAYPULSE_RESOLVE_AFTER_WINDOWS=2 and no hold.
        IncidentBook restored = InstantiationUtil.clone(book).configure(60, 2, 1800, 120, 0);
        feed(restored, rate(VISA_BR, "card_brand,card_country", 1, 0.06, 400, 0.06, false));
        feed(restored, rate(VISA_BR, "card_brand,card_country", 2, 0.06, 400, 0.06, false));
        assertEquals(0, restored.openIncidents(), "two normal windows now resolve it, not five");
        assertEquals(1, resolves());
    }

    @Test
    void aBookRestoredWithoutAHoldResolvesAtOnceAsBefore() throws Exception {
        IncidentBook book = new IncidentBook(60, 2, 1800);
        feed(book, rate(VISA_BR, "card_brand,card_country", 0, 0.38, 412, 0.06, true));
        feed(book, rate(VISA_BR, "card_brand,card_country", 1, 0.06, 400, 0.06, false));
        feed(book, rate(VISA_BR, "card_brand,card_country", 2, 0.06, 400, 0.06, false));
        assertEquals(1, resolves());
    }

    @Test
    void volumeSurgesAndFasterWebhooksDoNotPageButDropsAndSlowdownsDo() {
        IncidentBook book = new IncidentBook(60, 3, 1800);
        feed(book, verdict(SeriesPoints.FAMILY_VOLUME, SeriesPoints.WEBHOOK_VOLUME, "", 0, 900, 300, "UP"));
        feed(book, verdict(SeriesPoints.FAMILY_LATENCY, SeriesPoints.LATENCY_P99, "", 0, 50, 2000, "DOWN"));
        assertEquals(0, triggers());
        feed(book, verdict(SeriesPoints.FAMILY_VOLUME, SeriesPoints.WEBHOOK_VOLUME, "event_type=charge.succeeded", 1, 0, 120,
                "DOWN"));
        assertEquals(1, triggers());
        assertTrue(alerts.get(0).summary().startsWith("No charge.succeeded webhooks in the minute from"),
                alerts.get(0).summary());
    }

    @Test
    void aSeriesThatStopsReportingStillLetsItsIncidentResolve() {
        IncidentBook book = new IncidentBook(60, 3, 1800);
        feed(book, rate(VISA_BR, "card_brand,card_country", 0, 0.9, 40, 0.06, true));
        // Visa x BR has no more attempts at all; other series keep the family's time moving
        for (int w = 1; w <= 3; w++) {
            feed(book, rate("card_brand=amex", "card_brand", w, 0.05, 100, 0.05, false));
        }
        assertEquals(0, book.openIncidents());
        assertEquals(1, resolves());
    }

    @Test
    void anEndpointOutagePagedAgainAfterARestartKeepsItsDedupKey() throws Exception {
        IncidentBook book = new IncidentBook(60, 2, 1800);
        for (int w = 0; w < 3; w++) {
            feed(book, endpoint(w, 120, false));
        }
        feed(book, endpoint(3, 0, false));
        // The checkpoint the job restarts from: taken during the silence, before the page.
        IncidentBook restored = InstantiationUtil.clone(book);
        feed(book, endpoint(4, 0, true));
        // The restarted job judges the silence again, in a later bucket of processing time.
        List<AlertRequest> before = new ArrayList<>(alerts);
        feed(restored, endpoint(6, 0, true));
        assertEquals(2, triggers());
        assertEquals(alerts.get(before.size() - 1).dedupKey(), alerts.get(alerts.size() - 1).dedupKey(),
                "PagerDuty folds the second trigger into the open incident");
        List<String> anomalyIds = rows.stream().map(AnomalyRow::id).distinct().toList();
        assertEquals(1, anomalyIds.size(), "the restarted job rewrites the same anomaly row: " + anomalyIds);
        // Its versions keep growing across the restart, so the newest row wins in ClickHouse.
        AnomalyRow last = rows.get(rows.size() - 1);
        assertTrue(rows.stream().allMatch(r -> r.version() <= last.version()), rows.toString());

        // Webhooks come back, the outage resolves; a later, separate outage is a new incident.
        for (int w = 7; w < 10; w++) {
            feed(restored, endpoint(w, 120, false));
        }
        assertEquals(0, restored.openIncidents());
        AnomalyRow resolvedRow = rows.get(rows.size() - 1);
        assertEquals(AnomalyRow.RESOLVED, resolvedRow.status());
        assertTrue(rows.stream().filter(r -> r != resolvedRow && r.id().equals(resolvedRow.id()))
                .allMatch(r -> r.version() < resolvedRow.version()), "the resolved row has the highest version: " + rows);
        feed(restored, endpoint(80, 0, true));
        assertTrue(!alerts.get(alerts.size() - 1).dedupKey().equals(alerts.get(0).dedupKey()));
    }

    private static SeriesVerdict endpoint(int bucket, long arrivals, boolean anomalous) {
        SeriesPoint p = SeriesPoints.arrivals(T0 + bucket * 60L, arrivals);
        return new SeriesVerdict(p, 120, anomalous ? 0.99 : 0.1, anomalous, anomalous ? "DOWN" : "NONE");
    }

    @Test
    void survivesJavaSerializationAsFlinkStateDoes() throws Exception {
        IncidentBook book = new IncidentBook(60, 2, 600);
        feed(book, rate(VISA_BR, "card_brand,card_country", 0, 0.38, 412, 0.06, true));
        // Java serialization, as Flink's state of this operator uses it.
        IncidentBook restored = InstantiationUtil.clone(book);
        feed(restored, rate(VISA_BR, "card_brand,card_country", 1, 0.06, 400, 0.06, false));
        feed(restored, rate(VISA_BR, "card_brand,card_country", 2, 0.06, 400, 0.06, false));
        assertEquals(1, resolves());
        assertEquals(alerts.get(0).dedupKey(), alerts.get(alerts.size() - 1).dedupKey());
    }

    @Test
    void aBookCheckpointedBeforeItHadAQuietTimeKeepsItsOpenIncidentOpen() throws Exception {
        IncidentBook book = new IncidentBook(60, 2, 600);
        feed(book, rate(VISA_BR, "card_brand,card_country", 0, 0.38, 412, 0.06, true));
        // As a book written before the field existed restores it.
        java.lang.reflect.Field quiet = IncidentBook.class.getDeclaredField("quietSeconds");
        quiet.setAccessible(true);
        quiet.setLong(book, 0);
        // Java serialization, as Flink's state of this operator uses it.
        IncidentBook restored = InstantiationUtil.clone(book);
        // Another series' verdict one window later: the Visa BR member has been quiet for one window only.
        feed(restored, rate("card_brand=mastercard,card_country=US", "card_brand,card_country", 1, 0.06, 400, 0.06,
                false));
        assertEquals(1, restored.openIncidents());
        assertEquals(0, resolves());
        // Quiet for resolveAfter (2) windows: gone, so normal, so resolved, as before the field existed.
        feed(restored, rate("card_brand=mastercard,card_country=US", "card_brand,card_country", 2, 0.06, 400, 0.06,
                false));
        assertEquals(0, restored.openIncidents());
        assertEquals(1, resolves());
    }

    @Test
    void anAlertStormPagesAFewTimesKeepsEveryOpenIncidentAndResolvesEveryPage() {
        IncidentBook book = new IncidentBook(60, 3, 1800);
        int accounts = 3 * IncidentBook.MAX_INCIDENTS;
        for (int i = 0; i < accounts; i++) {
            feed(book, rate("account=acct_" + i, "account", 0, 0.9, 400, 0.06, true));
        }
        // Memory stays bounded, and no open incident is dropped to make room: its resolve would never go out.
        assertEquals(IncidentBook.MAX_INCIDENTS, book.openIncidents());
        assertEquals(accounts - IncidentBook.MAX_INCIDENTS, book.overCapacity());
        assertEquals(IncidentBook.MAX_PAGED_OPEN, triggers(), "a storm pages a few times, not once per account");
        assertEquals(IncidentBook.MAX_INCIDENTS - IncidentBook.MAX_PAGED_OPEN,
                alerts.stream().filter(a -> a.action().equals(AlertRequest.SUPPRESSED)).count());
        assertTrue(alerts.stream().filter(a -> a.action().equals(AlertRequest.SUPPRESSED))
                .allMatch(a -> a.summary().startsWith("Not paged yet, 10 incidents of this kind are open already (it pages"
                        + " when one resolves): ")));
        for (int w = 1; w <= 3; w++) {
            for (int i = 0; i < accounts; i++) {
                feed(book, rate("account=acct_" + i, "account", w, 0.06, 400, 0.06, false));
            }
        }
        assertEquals(0, book.openIncidents());
        List<String> paged = alerts.stream().filter(a -> a.action().equals(AlertRequest.TRIGGER))
                .map(AlertRequest::dedupKey).sorted().toList();
        List<String> resolvedPages = alerts.stream().filter(a -> a.action().equals(AlertRequest.RESOLVE))
                .map(AlertRequest::dedupKey).sorted().toList();
        assertEquals(paged, resolvedPages, "every page is resolved, and nothing that was not paged");
        // Every incident resolved in the same window: nothing held back is paged on its way out.
        assertEquals(List.of(), book.windowDone());
        // With room again, the next incident pages.
        feed(book, rate("account=acct_new", "account", 10, 0.9, 400, 0.06, true));
        assertEquals(IncidentBook.MAX_PAGED_OPEN + 1, triggers());
    }

    @Test
    void anIncidentHeldBackByThePageBudgetPagesOnceAPagedOneResolves() {
        IncidentBook book = new IncidentBook(60, 3, 1800);
        int accounts = IncidentBook.MAX_PAGED_OPEN + 2;
        for (int i = 0; i < accounts; i++) {
            feed(book, rate("account=acct_" + i, "account", 0, 0.9, 400, 0.06, true));
        }
        alerts.addAll(book.windowDone());
        assertEquals(IncidentBook.MAX_PAGED_OPEN, triggers());
        // The paged ten recover; the last two stay anomalous.
        for (int w = 1; w <= 3; w++) {
            for (int i = 0; i < accounts; i++) {
                feed(book, rate("account=acct_" + i, "account", w, i < IncidentBook.MAX_PAGED_OPEN ? 0.06 : 0.9, 400,
                        0.06, i >= IncidentBook.MAX_PAGED_OPEN));
            }
            alerts.addAll(book.windowDone());
        }
        assertEquals(IncidentBook.MAX_PAGED_OPEN, resolves());
        assertEquals(accounts, triggers(), "the two held back page once there is room");
        for (int w = 4; w <= 6; w++) {
            for (int i = 0; i < accounts; i++) {
                feed(book, rate("account=acct_" + i, "account", w, 0.06, 400, 0.06, false));
            }
            alerts.addAll(book.windowDone());
        }
        assertEquals(accounts, resolves());
        List<String> paged = alerts.stream().filter(a -> a.action().equals(AlertRequest.TRIGGER))
                .map(AlertRequest::dedupKey).sorted().toList();
        assertEquals(paged, alerts.stream().filter(a -> a.action().equals(AlertRequest.RESOLVE))
                .map(AlertRequest::dedupKey).sorted().toList());
    }

    @Test
    void aHeldResolveFallsDueWithEventTimeWithoutANewVerdict() {
        IncidentBook book = new IncidentBook(60, 2, 1800, 24 * 3600).resolveHold(600);
        feed(book, payout("currency=eur,method=standard", 0, 432_000, 259_200, true));
        feed(book, payout("currency=eur,method=standard", 1, 259_200, 259_200, false));
        feed(book, payout("currency=eur,method=standard", 2, 259_200, 259_200, false));
        assertEquals(0, book.openIncidents());
        assertEquals(0, resolves());
        assertEquals(java.util.OptionalLong.of(T0 + 2 * 60 + 600), book.nextHeldResolveAt());
        // No payout for hours: the watermark alone brings the resolve.
        assertEquals(List.of(), book.advanceTo(T0 + 2 * 60 + 599));
        List<AlertRequest> due = book.advanceTo(T0 + 2 * 60 + 600);
        assertEquals(List.of(AlertRequest.RESOLVE), due.stream().map(AlertRequest::action).toList());
        assertEquals((T0 + 2 * 60 + 600) * 1000, due.get(0).timestampMillis());
        assertEquals(java.util.OptionalLong.empty(), book.nextHeldResolveAt());
    }

    @Test
    void aSparseSeriesStaysOpenWhileItIsQuietAndResolvesOnNormalWindows() {
        long quiet = IncidentTrackerFunction.quietSeconds(SeriesPoints.FAMILY_SETTLEMENT, 60, 3);
        assertEquals(24 * 3600, quiet);
        IncidentBook book = new IncidentBook(60, 3, 1800, quiet);
        feed(book, payout("currency=eur,method=standard", 0, 432_000, 259_200, true));
        // Other currencies' payouts keep coming on time for hours; the euro series has nothing new to say.
        for (int w = 10; w <= 300; w += 10) {
            feed(book, payout("currency=usd,method=standard", w, 172_800, 172_800, false));
        }
        assertEquals(1, book.openIncidents(), "a late payout is not resolved by the next one not being created yet");
        for (int w = 301; w <= 303; w++) {
            feed(book, payout("currency=eur,method=standard", w, 259_200, 259_200, false));
        }
        assertEquals(0, book.openIncidents());
        assertEquals(1, triggers());
        assertEquals(1, resolves());
    }

    /** The detector found the run of the last 7 payouts, 6 of them failed, stronger evidence than the window's. */
    @Test
    void aPayoutFailurePageDescribesTheRunOfPayoutsThatWasJudged() {
        IncidentBook book = new IncidentBook(60, 3, 1800);
        SeriesPoint window = payoutFailures("currency=usd,method=instant", 0, 1, 1);
        feed(book, new SeriesVerdict(window, 6, 7, 0.7, 0.8, true, "UP"));

        AlertRequest trigger = book.currentTrigger(alerts.get(0).incidentId(), T0).orElseThrow();
        assertEquals("6 of 7 payouts (usd, instant) up to " + java.time.Instant.ofEpochSecond(T0) + " failed, vs 0.7 expected",
                trigger.summary());
        assertEquals("error", trigger.severity());
        assertEquals(List.of(6.0), rows.stream().map(AnomalyRow::observed).toList());

        // Payouts succeed again: the resolve names the same run, by its time, not as "the last" payouts.
        for (int w = 1; w <= 3; w++) {
            SeriesPoint ok = payoutFailures("currency=usd,method=instant", w, 0, 1);
            feed(book, new SeriesVerdict(ok, 0.1, 0, false, "DOWN"));
        }
        assertEquals(1, resolves());
        AlertRequest resolve = alerts.stream().filter(a -> a.action().equals(AlertRequest.RESOLVE)).findFirst().orElseThrow();
        assertTrue(resolve.summary().startsWith("Resolved: 6 of 7 payouts (usd, instant) up to "
                + java.time.Instant.ofEpochSecond(T0) + " failed, vs 0.7 expected"), resolve.summary());
    }

    @Test
    void aPayoutFailurePageOnOnePayoutSaysSo() {
        IncidentBook book = new IncidentBook(60, 3, 1800);
        SeriesPoint window = payoutFailures("currency=eur,method=standard", 0, 1, 1);
        feed(book, new SeriesVerdict(window, 1, 1, 0.002, 0.7, true, "UP"));
        assertEquals("A payout (eur, standard) failed at " + java.time.Instant.ofEpochSecond(T0)
                        + ", vs under 0.1 failures expected",
                book.currentTrigger(alerts.get(0).incidentId(), T0).orElseThrow().summary());
    }

    /** A verdict held in state by a job from before the verdict had a value and count comes back with 0 and 0. */
    @Test
    void aVerdictWithoutAValueOfItsOwnIsAboutItsPoint() {
        IncidentBook book = new IncidentBook(60, 3, 1800);
        SeriesPoint window = payoutFailures("currency=usd,method=standard", 0, 3, 4);
        feed(book, new SeriesVerdict(window, 0, 0, 0.2, 0.8, true, "UP"));
        assertEquals("3 of 4 payouts (usd, standard) up to " + java.time.Instant.ofEpochSecond(T0) + " failed, vs 0.2 expected",
                book.currentTrigger(alerts.get(0).incidentId(), T0).orElseThrow().summary());
    }

    /** A window of a payout-failure series: {@code failed} of {@code payouts} failed. */
    private static SeriesPoint payoutFailures(String dims, int window, double failed, long payouts) {
        return new SeriesPoint(SeriesPoints.FAMILY_SETTLEMENT, SeriesPoints.PAYOUT_FAILURES, "FAILURES", "currency,method",
                dims, T0 + window * 60L, failed, payouts);
    }

    private static SeriesVerdict payout(String dims, int window, double seconds, double expected, boolean anomalous) {
        SeriesPoint p = new SeriesPoint(SeriesPoints.FAMILY_SETTLEMENT, SeriesPoints.SETTLEMENT_P95, "SETTLEMENT",
                "currency,method", dims, T0 + window * 60L, seconds, 1);
        return new SeriesVerdict(p, expected, anomalous ? 0.9 : 0.1, anomalous, seconds > expected ? "UP" : "NONE");
    }

    private void feed(IncidentBook book, SeriesVerdict v) {
        IncidentBook.Changes changes = book.accept(v);
        rows.addAll(changes.anomalies());
        alerts.addAll(changes.alerts());
    }

    private long triggers() {
        return alerts.stream().filter(a -> a.action().equals(AlertRequest.TRIGGER)).count();
    }

    private long resolves() {
        return alerts.stream().filter(a -> a.action().equals(AlertRequest.RESOLVE)).count();
    }

    private static SeriesVerdict rate(String dims, String set, int window, double rate, long attempts, double expected,
                                      boolean anomalous) {
        SeriesPoint p = new SeriesPoint(SeriesPoints.FAMILY_DECLINES, SeriesPoints.DECLINE_RATE, "RATE", set, dims,
                T0 + window * 60L, rate, attempts);
        return new SeriesVerdict(p, expected, anomalous ? 0.9999 : 0.2, anomalous, rate > expected ? "UP" : "NONE");
    }

    private static SeriesVerdict verdict(String family, String metric, String dims, int window, double value,
                                         double expected, String direction) {
        SeriesPoint p = new SeriesPoint(family, metric, "VOLUME", dims.isEmpty() ? "all" : "event_type", dims,
                T0 + window * 60L, value, (long) value);
        return new SeriesVerdict(p, expected, 0.9999, true, direction);
    }
}
