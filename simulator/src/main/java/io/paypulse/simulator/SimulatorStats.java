package io.paypulse.simulator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one simulation, updated from the dispatcher and the HTTP client's threads. */
final class SimulatorStats {

    final LongAdder events = new LongAdder();
    final LongAdder charges = new LongAdder();
    final LongAdder declines = new LongAdder();
    final LongAdder payouts = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder eventsDelivered = new LongAdder();
    final LongAdder lost = new LongAdder();
    final LongAdder duplicatesSent = new LongAdder();
    final LongAdder lateSent = new LongAdder();
    final AtomicLong inFlight = new AtomicLong();
    final AtomicLong retrying = new AtomicLong();
    /** Why the latest retried request failed, for the status line; empty until one has. */
    volatile String retryCause = "";
    /** The status and error code of the first rejected request, for the status line; empty until one is. */
    volatile String rejectionCause = "";
    private final Map<Integer, LongAdder> rejected = new ConcurrentHashMap<>();

    void rejected(int status, String errorCode) {
        rejected.computeIfAbsent(status, s -> new LongAdder()).increment();
        if (rejectionCause.isEmpty()) {
            rejectionCause = errorCode.isEmpty() ? Integer.toString(status) : status + " " + errorCode;
        }
    }

    Map<Integer, Long> rejectedByStatus() {
        Map<Integer, Long> out = new TreeMap<>();
        rejected.forEach((status, n) -> out.put(status, n.sum()));
        return out;
    }
}
