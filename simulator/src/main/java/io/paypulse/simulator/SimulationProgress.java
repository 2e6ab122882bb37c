package io.paypulse.simulator;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a simulation stands: its clock, and what it has created and delivered so far.
 *
 * @param simulatedMillis  the simulated clock (epoch millis), which sets {@code created}
 * @param scenarioOffset   simulated millis since the scenario began
 * @param phase            replaying (sped up, backdated), live, or done
 * @param events           distinct events created
 * @param requests         HTTP requests sent, retries included
 * @param accepted         requests answered 2xx
 * @param rejectedByStatus requests answered with another status that is not retried (4xx), by status
 * @param retries          requests sent again after a 5xx, 408, 429, timeout or connection error
 * @param lost             events none of whose deliveries was accepted, after every retry
 * @param eventsDelivered  distinct events accepted at least once
 * @param duplicates       duplicate deliveries sent (same event id again)
 * @param late             deliveries minutes late (first or again)
 * @param inFlight         requests awaiting an answer
 * @param retrying         failed requests waiting for their retry
 * @param retryCause       why the latest retried request failed ({@code "connection refused"}, {@code "HTTP 503"},
 *                         ...), or empty if none has
 * @param behindMillis     how far (simulated) the oldest due delivery is overdue: the bridge is not keeping up
 * @param rejectionCause   the status and error code of the first rejected request ({@code "400 signature_mismatch"}),
 *                         or empty if none was
 */
public record SimulationProgress(long simulatedMillis, long scenarioOffset, Phase phase, long events, long charges,
                                 long declines, long payouts, long requests, long accepted,
                                 Map<Integer, Long> rejectedByStatus, long retries, long lost, long eventsDelivered,
                                 long duplicates, long late, long inFlight, long retrying, String retryCause,
                                 long behindMillis, String rejectionCause) {

    public enum Phase { REPLAY, LIVE, FLUSHING, DONE }

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("EEE HH:mm:ss").withZone(ZoneOffset.UTC);

    public long rejected() {
        return rejectedByStatus.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Events not yet settled: neither accepted nor lost, because a delivery is still due or being retried. */
    public long unsettled() {
        return events - eventsDelivered - lost;
    }

    /** {@code ", 12 waiting to retry (connection refused)"}, or empty while nothing waits to be retried. */
    public String retryingText() {
        return retrying == 0 ? "" : String.format(", %,d waiting to retry%s", retrying,
                retryCause.isEmpty() ? "" : " (" + retryCause + ")");
    }

    /**
     * What a person should do when nothing is accepted and the endpoint refuses everything sent so far (at least
     * 20 requests), or nothing even accepts the connections: the refusal and its likely cause; empty otherwise.
     */
    public String rejectionHint() {
        if (accepted == 0 && rejected() == 0 && retries >= 20 && retryCause.equals("connection refused")) {
            return "nothing accepts connections at --url: start the bridge (./paypulse bridge, or ./paypulse run) or fix --url";
        }
        if (accepted > 0 || rejected() < 20 || rejected() < requests - retries) {
            return "";
        }
        String code = rejectionCause.contains(" ") ? rejectionCause.substring(rejectionCause.indexOf(' ') + 1) : "";
        String what;
        if (code.startsWith("signature") || code.startsWith("timestamp")) {
            what = "the webhook secret is not the bridge's: give the simulator the bridge's STRIPE_WEBHOOK_SECRET"
                    + " (--secret-file; under ./paypulse run it is in <data dir>/webhook-secret)";
        } else if (rejectionCause.startsWith("404") || rejectionCause.startsWith("405")) {
            what = "nothing takes webhooks at that path: the bridge's endpoint is POST /webhooks/stripe";
        } else {
            what = "check --url and the bridge's log";
        }
        return "every request so far was refused (" + rejectionCause + "): " + what;
    }

    /** One line for a person at a terminal. */
    public String line() {
        String rejectedText = rejectedByStatus.isEmpty() ? "0" : rejected() + " ("
                + rejectedByStatus.entrySet().stream().map(e -> e.getKey() + "×" + e.getValue()).collect(Collectors.joining(" "))
                + (rejectionCause.isEmpty() ? "" : ", first: " + rejectionCause) + ")";
        return String.format("%s %s UTC +%s | events %,d (%,d charges, %.1f%% declined, %,d payouts) | sent %,d accepted %,d"
                        + " rejected %s retries %,d lost %,d | dup %,d late %,d | in flight %,d%s%s",
                phase.name().toLowerCase(java.util.Locale.ROOT), CLOCK.format(Instant.ofEpochMilli(simulatedMillis)),
                SimDurations.format(java.time.Duration.ofSeconds(Math.max(0, scenarioOffset / 1000))), events, charges,
                charges == 0 ? 0.0 : 100.0 * declines / charges, payouts, requests, accepted, rejectedText, retries, lost,
                duplicates, late, inFlight, retryingText(), behindMillis > 5_000 ? String.format(" | behind %,ds", behindMillis / 1000) : "");
    }
}
