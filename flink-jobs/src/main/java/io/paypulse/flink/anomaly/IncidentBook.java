package io.paypulse.flink.anomaly;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The incidents of one family (decline rates, webhook latency, ...): which anomalies share a cause,
 * when an incident opens (and pages), when it resolves, and when a reopening is only flapping.
 *
 * <ul>
 *   <li><b>Grouping.</b> An anomalous series joins an open incident of its family when its dimension
 *       values contradict none of a member's: Visa×BR, Visa, BR, BRL and {@code all} are one incident;
 *       Visa×BR and Mastercard×US are two (unless {@code all}, compatible with both, joined the first).</li>
 *   <li><b>Paging.</b> A new incident triggers once. Members that join later update its anomaly rows,
 *       not the page.</li>
 *   <li><b>Resolution.</b> An incident resolves once every member has had {@code resolveAfter}
 *       consecutive normal windows, or has not reported for {@code quietSeconds} of the family's time
 *       (by default that many windows).</li>
 *   <li><b>Resolve hold.</b> PagerDuty gets the resolve of a paged incident only once it has stayed
 *       resolved for {@code resolveHoldSeconds}; an anomaly related to it before then reopens it under
 *       the same page, which never went quiet on PagerDuty.</li>
 *   <li><b>Cooldown.</b> A resolved incident is remembered for {@code cooldownSeconds}; an anomaly
 *       related to it in that time reopens it without paging again (recorded as suppressed), and it
 *       resolves again silently. After the cooldown, a new incident pages.</li>
 * </ul>
 *
 * <p>Plain Java, so the rules are tested without Flink; {@link IncidentTrackerFunction} keeps one
 * book per family in keyed state. Memory is bounded: at most {@link #MAX_INCIDENTS} incidents of at
 * most {@link #MAX_MEMBERS} members each. An open incident is never forgotten (its resolve would
 * never be sent): when the book is full of open incidents, an anomaly that would open another is
 * counted ({@link #overCapacity()}) and not tracked. At most {@link #MAX_PAGED_OPEN} open incidents
 * of a family page; more are recorded as suppressed.
 */
public final class IncidentBook implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;
    static final int MAX_INCIDENTS = 64;
    static final int MAX_MEMBERS = 32;
    /**
     * Open paged incidents per family beyond which a new incident is recorded but not paged: in an
     * alert storm (an issuer failing for many connected accounts at once) on-call gets this many pages,
     * not one per account.
     */
    static final int MAX_PAGED_OPEN = 10;

    // Not final: the tracker applies the configuration in force to a book restored from a checkpoint
    // (configure), and a book checkpointed before quietSeconds existed restores it as 0 (see readObject).
    private long windowSeconds;
    private long quietSeconds;
    private int resolveAfter;
    private long cooldownSeconds;
    private final ArrayList<Incident> incidents = new ArrayList<>();
    private long latestWindow;
    private long overCapacity;
    // Not final: a book checkpointed before it existed restores 0 (resolve at once, as it did then);
    // the tracker sets the configured value on every load.
    private long resolveHoldSeconds;
    // The endpoint family's last bucket with webhooks, and the incidents opened since: an outage's
    // incident is named by them, not by the processing-time bucket that flagged it, so a job restarted
    // from a checkpoint taken during the silence pages it under the same dedup key (PagerDuty folds it).
    private long lastEndpointArrival;
    private int endpointOpenedSinceArrival;

    public IncidentBook(long windowSeconds, int resolveAfter, long cooldownSeconds) {
        this(windowSeconds, resolveAfter, cooldownSeconds, resolveAfter * windowSeconds);
    }

    /**
     * @param quietSeconds how long a member may go without a verdict before it counts as gone (and so
     *                     as normal); sparse series such as payouts need far longer than busy ones
     */
    public IncidentBook(long windowSeconds, int resolveAfter, long cooldownSeconds, long quietSeconds) {
        configure(windowSeconds, resolveAfter, cooldownSeconds, quietSeconds, 0);
    }

    /**
     * A book from a checkpoint or savepoint written before {@code quietSeconds} existed reads it as 0,
     * which would count every member as gone and resolve every open incident at the next verdict. Such
     * a book keeps the quiet time it had then: {@code resolveAfter} windows.
     */
    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (quietSeconds == 0) {
            quietSeconds = resolveAfter * windowSeconds;
        }
    }

    /** What a verdict changed: anomaly rows to write and alerts to send, in order. */
    public record Changes(List<AnomalyRow> anomalies, List<AlertRequest> alerts) {
        boolean isEmpty() {
            return anomalies.isEmpty() && alerts.isEmpty();
        }
    }

    /**
     * Applies the configuration in force, also to a book restored from a checkpoint taken under other
     * settings: its incidents keep their state, and the new rules apply from the next verdict.
     */
    public IncidentBook configure(long windowSeconds, int resolveAfter, long cooldownSeconds, long quietSeconds,
                                  long resolveHoldSeconds) {
        if (windowSeconds < 1 || resolveAfter < 1 || cooldownSeconds < 0 || quietSeconds < windowSeconds) {
            throw new IllegalArgumentException("windowSeconds and resolveAfter must be at least 1, cooldown not negative,"
                    + " quiet at least one window");
        }
        this.windowSeconds = windowSeconds;
        this.resolveAfter = resolveAfter;
        this.cooldownSeconds = cooldownSeconds;
        this.quietSeconds = quietSeconds;
        return resolveHold(resolveHoldSeconds);
    }

    /** How long a paged incident must stay resolved before PagerDuty gets its resolve; 0 = at once. */
    public IncidentBook resolveHold(long seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("the resolve hold must not be negative, got " + seconds);
        }
        this.resolveHoldSeconds = seconds;
        return this;
    }

    /** Anomalies not tracked because the book was full of open incidents, since this book began. */
    public long overCapacity() {
        return overCapacity;
    }

    /** Open incidents, for tests and metrics. */
    public int openIncidents() {
        return (int) incidents.stream().filter(i -> i.open).count();
    }

    /** Takes one verdict of one series of this family. */
    public Changes accept(SeriesVerdict verdict) {
        List<AnomalyRow> rows = new ArrayList<>();
        List<AlertRequest> alerts = new ArrayList<>();
        SeriesPoint p = verdict.point();
        latestWindow = Math.max(latestWindow, p.windowStart());
        if (SeriesPoints.FAMILY_ENDPOINT.equals(p.family()) && p.value() > 0 && p.windowStart() > lastEndpointArrival) {
            lastEndpointArrival = p.windowStart();
            endpointOpenedSinceArrival = 0;
        }
        if (verdict.anomalous() && pages(verdict)) {
            onAnomaly(verdict, rows, alerts);
        } else {
            for (Incident incident : incidents) {
                Member m = incident.members.get(p.seriesId());
                if (m != null && p.windowStart() > m.lastAnomalous) {
                    m.normalStreak++;
                    m.lastSeen = Math.max(m.lastSeen, p.windowStart());
                }
            }
        }
        resolveQuiet(rows, alerts);
        sendHeldResolves(latestWindow, alerts);
        forgetOld();
        return new Changes(rows, alerts);
    }

    /**
     * After every verdict of a window is in: incidents the page budget held back page, oldest first,
     * if paged ones have resolved and made room. Not per verdict, so that at the end of a storm, when
     * every incident resolves in the same window, the held-back ones are not paged on their way out.
     */
    public List<AlertRequest> windowDone() {
        List<AlertRequest> alerts = new ArrayList<>();
        promoteHeldBack(alerts);
        return alerts;
    }

    /**
     * Moves this family's clock to {@code nowSeconds} (event time) without a verdict: held resolves
     * that fall due go out, and incidents held back by the page budget page if there is room now.
     */
    public List<AlertRequest> advanceTo(long nowSeconds) {
        List<AlertRequest> alerts = new ArrayList<>();
        sendHeldResolves(Math.max(latestWindow, nowSeconds), alerts);
        promoteHeldBack(alerts);
        return alerts;
    }

    /** When the next held resolve falls due (epoch seconds), if one is held. */
    public java.util.OptionalLong nextHeldResolveAt() {
        return incidents.stream().filter(i -> i.resolvePending && !i.open)
                .mapToLong(i -> i.resolvedAt + resolveHoldSeconds).min();
    }

    /** Incidents open and paged, or resolved but not yet on PagerDuty: what on-call sees open. */
    private long pagedOpen() {
        return incidents.stream().filter(i -> (i.open || i.resolvePending) && i.paged).count();
    }

    /** Incidents the page budget held back page, oldest first, as paged ones resolve and make room. */
    private void promoteHeldBack(List<AlertRequest> alerts) {
        long paged = pagedOpen();
        for (Incident incident : incidents) {
            if (paged >= MAX_PAGED_OPEN) {
                return;
            }
            if (incident.open && incident.heldBack) {
                incident.heldBack = false;
                incident.paged = true;
                alerts.add(trigger(incident, latestWindow));
                paged++;
            }
        }
    }

    /**
     * Which directions are an incident: a drop in webhook volume is, a surge is not; slower webhooks
     * and payouts are, faster ones are not; decline rates page both ways; the endpoint only when silent.
     */
    static boolean pages(SeriesVerdict v) {
        String family = v.point().family();
        String direction = v.direction();
        return switch (family) {
            case SeriesPoints.FAMILY_DECLINES -> true;
            case SeriesPoints.FAMILY_VOLUME -> "DOWN".equals(direction);
            // The endpoint watch is the outage alarm: nothing arrived at all. Fewer webhooks than usual
            // is the volume series' business, on event time.
            case SeriesPoints.FAMILY_ENDPOINT -> "DOWN".equals(direction) && v.point().value() == 0;
            default -> !"DOWN".equals(direction);
        };
    }

    private void onAnomaly(SeriesVerdict v, List<AnomalyRow> rows, List<AlertRequest> alerts) {
        SeriesPoint p = v.point();
        Incident target = null;
        for (Incident incident : incidents) {
            if (incident.open && incident.relatesTo(p)) {
                target = incident;
                break;
            }
        }
        if (target == null) {
            for (Incident incident : incidents) {
                if (!incident.open && incident.resolvePending && incident.relatesTo(p)) {
                    // Back before PagerDuty heard it resolved: the same page stays open, nothing to send.
                    target = incident;
                    target.open = true;
                    target.resolvePending = false;
                    target.resolvedAt = 0;
                    for (Member m : target.members.values()) {
                        m.normalStreak = 0;
                        bump(m);
                        rows.add(row(target, m));
                    }
                    break;
                }
            }
        }
        if (target == null) {
            for (Incident incident : incidents) {
                if (!incident.open && incident.relatesTo(p)
                        && p.windowStart() - incident.resolvedAt <= cooldownSeconds) {
                    target = incident;
                    target.reopen();
                    Member root = target.root();
                    alerts.add(alert(AlertRequest.SUPPRESSED, target, root, p.windowStart(),
                            "Reopened within the cooldown of " + cooldownSeconds + " s, not paged again: "
                                    + Summaries.sentence(root)));
                    for (Member m : target.members.values()) {
                        bump(m);
                        rows.add(row(target, m));
                    }
                    break;
                }
            }
        }
        boolean opened = false;
        if (target == null) {
            forgetOld();
            if (incidents.size() >= MAX_INCIDENTS) {
                overCapacity++;
                return;
            }
            target = new Incident(newIncidentId(p), p.windowStart());
            incidents.add(target);
            opened = true;
        }
        Member m = target.members.get(p.seriesId());
        if (m == null) {
            if (target.members.size() >= MAX_MEMBERS) {
                target.lastAnomalous = Math.max(target.lastAnomalous, p.windowStart());
                return;
            }
            // An endpoint outage's member is named by its incident alone, like the incident itself, so a
            // restarted job rewrites the same anomaly row instead of leaving the first one open.
            String memberId = SeriesPoints.FAMILY_ENDPOINT.equals(p.family()) ? id(target.id, p.seriesId())
                    : id(target.id, p.seriesId(), Long.toString(p.windowStart()));
            m = new Member(memberId, p, v);
            target.members.put(p.seriesId(), m);
            bump(m);
            rows.add(row(target, m));
        } else if (!m.anomalousEpisode || v.score() > m.score || (v.score() == m.score
                && Math.abs(v.observed() - v.expected()) > Math.abs(m.observed - m.expected))) {
            m.worst(p, v);
            bump(m);
            rows.add(row(target, m));
        }
        m.anomalousEpisode = true;
        m.normalStreak = 0;
        m.lastAnomalous = Math.max(m.lastAnomalous, p.windowStart());
        m.lastSeen = Math.max(m.lastSeen, p.windowStart());
        target.lastAnomalous = Math.max(target.lastAnomalous, p.windowStart());
        if (opened) {
            long pagedOpen = pagedOpen();
            if (pagedOpen >= MAX_PAGED_OPEN) {
                target.heldBack = true;
                alerts.add(alert(AlertRequest.SUPPRESSED, target, target.root(), p.windowStart(),
                        "Not paged yet, " + pagedOpen + " incidents of this kind are open already (it pages when"
                                + " one resolves): " + Summaries.sentence(target.root())));
            } else {
                target.paged = true;
                alerts.add(trigger(target, p.windowStart()));
            }
        }
    }

    private void resolveQuiet(List<AnomalyRow> rows, List<AlertRequest> alerts) {
        for (Incident incident : incidents) {
            if (!incident.open) {
                continue;
            }
            boolean allNormal = true;
            for (Member m : incident.members.values()) {
                boolean streak = m.normalStreak >= resolveAfter;
                boolean gone = latestWindow - m.lastSeen >= quietSeconds;
                if (!streak && !gone) {
                    allNormal = false;
                    break;
                }
            }
            if (!allNormal) {
                continue;
            }
            incident.open = false;
            incident.heldBack = false;
            incident.resolvedAt = latestWindow;
            Member root = incident.root();
            for (Member m : incident.members.values()) {
                m.anomalousEpisode = false;
                bump(m);
                rows.add(row(incident, m));
            }
            if (incident.paged) {
                if (resolveHoldSeconds > 0) {
                    incident.resolvePending = true;
                } else {
                    alerts.add(resolve(incident, root, latestWindow));
                }
            }
        }
    }

    /** The resolves of paged incidents that have stayed resolved for the hold by {@code now}. */
    private void sendHeldResolves(long now, List<AlertRequest> alerts) {
        for (Incident incident : incidents) {
            if (incident.resolvePending && !incident.open && now - incident.resolvedAt >= resolveHoldSeconds) {
                incident.resolvePending = false;
                alerts.add(resolve(incident, incident.root(), now));
            }
        }
    }

    private AlertRequest resolve(Incident incident, Member root, long now) {
        long normalSeconds = now - incident.resolvedAt + resolveAfter * windowSeconds;
        return alert(AlertRequest.RESOLVE, incident, root, now, "Resolved: " + Summaries.sentence(root)
                + "; back to normal for " + Math.max(resolveAfter, normalSeconds / windowSeconds) + " windows");
    }

    private void forgetOld() {
        incidents.removeIf(i -> !i.open && !i.resolvePending && latestWindow - i.resolvedAt > cooldownSeconds);
        // The oldest resolved ones go first, still within their cooldown; an open one never does, nor one
        // whose resolve PagerDuty has not had yet.
        for (int i = 0; i < incidents.size() && incidents.size() >= MAX_INCIDENTS; ) {
            if (incidents.get(i).open || incidents.get(i).resolvePending) {
                i++;
            } else {
                incidents.remove(i);
            }
        }
    }

    /**
     * The trigger of incident {@code incidentId} as it stands now, named by its most specific member:
     * the tracker sends it once every verdict of the opening window is in, so that a Visa×BR spike is
     * paged as that, not as whichever related series was judged first. Empty when the incident is gone
     * or no longer open.
     */
    public java.util.Optional<AlertRequest> currentTrigger(String incidentId, long windowStart) {
        for (Incident incident : incidents) {
            if (incident.id.equals(incidentId) && incident.open && incident.paged) {
                return java.util.Optional.of(trigger(incident, windowStart));
            }
        }
        return java.util.Optional.empty();
    }

    private AlertRequest trigger(Incident incident, long windowStart) {
        Member root = incident.root();
        String summary = Summaries.sentence(root);
        int others = incident.members.size() - 1;
        if (others > 0) {
            summary += "; " + others + " related series moved too";
        }
        return alert(AlertRequest.TRIGGER, incident, root, windowStart, summary);
    }

    private AnomalyRow row(Incident incident, Member m) {
        return new AnomalyRow(m.id, incident.id, m.metric, m.dimensionSet, m.dimensions, m.window, m.observed,
                m.expected, m.score, Summaries.severity(m), incident.open ? AnomalyRow.OPEN : AnomalyRow.RESOLVED,
                m.openedAt, incident.open ? 0 : incident.resolvedAt, Summaries.sentence(m), m.version);
    }

    private AlertRequest alert(String action, Incident incident, Member root, long windowStart, String summary) {
        String severity = incident.members.values().stream().map(Summaries::severity)
                .min((a, b) -> Integer.compare(Summaries.rank(a), Summaries.rank(b))).orElse("warning");
        return new AlertRequest(action, AlertRequest.dedupKey(incident.id), incident.id, summary, severity,
                windowStart * 1000, root.family, root.dimensionSet, root.metric + (root.direction.equals("DOWN")
                ? "_drop" : "_spike"), Summaries.details(incident.id, root, incident.members.values()));
    }

    /**
     * The next version of a member's anomaly row. An endpoint outage's versions also follow the
     * processing-time bucket, so that after a restart (which starts its member again) the rows written
     * later still win in ClickHouse's ReplacingMergeTree.
     */
    private void bump(Member m) {
        m.version = SeriesPoints.FAMILY_ENDPOINT.equals(m.family) ? Math.max(m.version + 1, latestWindow) : m.version + 1;
    }

    private String newIncidentId(SeriesPoint p) {
        if (SeriesPoints.FAMILY_ENDPOINT.equals(p.family())) {
            return id(p.family(), p.seriesId(), "after", Long.toString(lastEndpointArrival),
                    Integer.toString(endpointOpenedSinceArrival++));
        }
        return id(p.family(), p.seriesId(), Long.toString(p.windowStart()));
    }

    static String id(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0x1f);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static final class Incident implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        final String id;
        final long openedAt;
        final LinkedHashMap<String, Member> members = new LinkedHashMap<>();
        boolean open = true;
        boolean paged;
        /** Resolved here, but PagerDuty has not had the resolve yet (the hold). */
        boolean resolvePending;
        /** Open but not paged because the family's page budget was used up; pages when there is room. */
        boolean heldBack;
        long lastAnomalous;
        long resolvedAt;

        Incident(String id, long openedAt) {
            this.id = id;
            this.openedAt = openedAt;
        }

        /**
         * Whether {@code p} can share this incident's cause: its dimension values contradict no member's
         * (no dimension with another value). Visa×BR, Visa, BR, BRL and all are compatible; Visa×BR and
         * Mastercard×US are not.
         */
        boolean relatesTo(SeriesPoint p) {
            Map<String, String> values = Summaries.map(p.dimensions());
            for (Member m : members.values()) {
                if (compatible(values, Summaries.map(m.dimensions))) {
                    return true;
                }
            }
            return false;
        }

        private static boolean compatible(Map<String, String> a, Map<String, String> b) {
            for (Map.Entry<String, String> e : a.entrySet()) {
                String other = b.get(e.getKey());
                if (other != null && !other.equals(e.getValue())) {
                    return false;
                }
            }
            return true;
        }

        void reopen() {
            open = true;
            paged = false;
            resolvedAt = 0;
            for (Member m : members.values()) {
                m.normalStreak = 0;
            }
        }

        /** The member that names the incident: the most specific series, then the highest score. */
        Member root() {
            Member best = null;
            for (Member m : members.values()) {
                if (best == null || m.specificity() > best.specificity()
                        || (m.specificity() == best.specificity() && m.score > best.score)) {
                    best = m;
                }
            }
            return best;
        }
    }

    /** One series within an incident, with its worst window so far. */
    static final class Member implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        final String id;
        final String family;
        final String metric;
        final String dimensionSet;
        final String dimensions;
        final long openedAt;
        long window;
        double observed;
        double expected;
        double score;
        long count;
        String direction;
        long lastAnomalous;
        long lastSeen;
        int normalStreak;
        boolean anomalousEpisode;
        long version;

        Member(String id, SeriesPoint p, SeriesVerdict v) {
            this.id = id;
            this.family = p.family();
            this.metric = p.metric();
            this.dimensionSet = p.dimensionSet();
            this.dimensions = p.dimensions();
            this.openedAt = p.windowStart();
            worst(p, v);
        }

        void worst(SeriesPoint p, SeriesVerdict v) {
            window = p.windowStart();
            observed = v.observed();
            expected = v.expected();
            score = v.score();
            count = v.volume();
            direction = v.direction();
        }

        int specificity() {
            return dimensions.isEmpty() ? 0 : dimensions.split(",").length;
        }
    }

    /** For tests: the members of the open incidents, by incident id. */
    Map<String, List<String>> openMembers() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Incident i : incidents) {
            if (i.open) {
                out.put(i.id, new ArrayList<>(i.members.keySet()));
            }
        }
        return out;
    }
}
