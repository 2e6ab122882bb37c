package io.paypulse.simulator;

import org.eclipse.jetty.client.HttpClient;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Runs a {@link Scenario} against a bridge: creates the traffic slice by slice just ahead of the
 * {@link SimulatedClock}, plans Stripe-like deliveries, and sends each when the clock reaches it,
 * with at most {@code concurrency} requests in flight. If the bridge falls behind, creating waits
 * for sending, so memory stays bounded and the events still go out in their planned order.
 */
public final class Simulator {

    /** Traffic is created in slices of one simulated minute (the job's window), aligned to the minute. */
    private static final long SLICE_MILLIS = 60_000;
    /** Created this far ahead of the clock, so every delivery is planned before it is due. */
    private static final long LOOKAHEAD_MILLIS = 5_000;
    /** How long the end of a run waits for answers and retries. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);

    /** Told about a simulation's progress; called on the simulation's thread. */
    public interface Listener {
        void progress(SimulationProgress progress);

        /** The scenario's simulated time is over (the clock has caught up with the present). */
        default void scenarioEnded(SimulationProgress progress) {
        }
    }

    private final SimulatorConfig config;
    private final TrafficMix mix;
    private final LongSupplier wallMillis;
    private final SimulatorStats stats = new SimulatorStats();
    private final PriorityQueue<Pending> queue = new PriorityQueue<>();
    private volatile SimulatedClock clock;
    private volatile boolean stopRequested;
    private volatile SimulationProgress.Phase phase = SimulationProgress.Phase.REPLAY;
    private volatile long behind;

    public Simulator(SimulatorConfig config, TrafficMix mix, LongSupplier wallMillis) {
        this.config = config;
        this.mix = mix;
        this.wallMillis = wallMillis;
    }

    public static Simulator create(SimulatorConfig config) {
        return new Simulator(config, TrafficMix.standard(), System::currentTimeMillis);
    }

    /**
     * Runs the scenario on this thread; with {@code continueLive}, then goes on with normal live traffic
     * until {@link #stop()}. Without it, returns once the scenario's time is over and every delivery,
     * late ones included, has been sent and answered (late deliveries planned past the end go out at the end).
     */
    public SimulationProgress run(boolean continueLive, Duration progressEvery, Listener listener) throws Exception {
        Scenario scenario = config.scenario();
        SimulatedClock c = SimulatedClock.start(scenario.duration(), scenario.speedUp(), wallMillis);
        clock = c;
        long start = c.start();
        Optional<Long> end = scenario.duration().map(d -> start + d.toMillis());
        String runTag = config.runTag() != null ? config.runTag() : EventIds.tagFor(c.wallNow());
        TrafficGenerator generator = new TrafficGenerator(scenario, mix, config.seed(), runTag, start);
        DeliveryPlanner planner = new DeliveryPlanner(scenario.delivery(), scenario.incidents(), start, config.seed());

        HttpClient http = new HttpClient();
        http.setMaxConnectionsPerDestination(config.concurrency());
        http.setMaxRequestsQueuedPerDestination(100_000);
        http.setConnectTimeout(config.requestTimeout().toMillis());
        http.setName("simulator-http");
        ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "simulator-retries");
            t.setDaemon(true);
            return t;
        });
        Semaphore slots = new Semaphore(config.concurrency());
        http.start();
        try {
            WebhookSender sender = new WebhookSender(http, config.url(), new WebhookSignature(config.secret()), stats, retries,
                    config.requestTimeout(), config.maxAttempts(), wallMillis);
            long createdUntil = start;
            long nextProgress = c.wallNow() + progressEvery.toMillis();
            boolean endReported = false;
            while (!stopRequested) {
                long now = c.now();
                phase = c.replaying() ? SimulationProgress.Phase.REPLAY : SimulationProgress.Phase.LIVE;
                long createTo = now + LOOKAHEAD_MILLIS;
                if (end.isPresent() && (!continueLive || !endReported)) {
                    createTo = Math.min(createTo, end.get());
                }
                while (createdUntil < createTo) {
                    long sliceEnd = (Math.floorDiv(createdUntil, SLICE_MILLIS) + 1) * SLICE_MILLIS;
                    if (end.isPresent() && createdUntil < end.get()) {
                        sliceEnd = Math.min(sliceEnd, end.get());
                    }
                    plan(generator.slice(createdUntil, sliceEnd), planner);
                    createdUntil = sliceEnd;
                }
                if (end.isPresent() && now >= end.get() && !endReported) {
                    endReported = true;
                    if (!continueLive) {
                        break;
                    }
                    listener.scenarioEnded(progress());
                }
                Pending head = queue.peek();
                Delivery next = head == null ? null : head.delivery();
                if (next != null && next.dueMillis() <= now) {
                    if (slots.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                        dispatch(queue.poll(), sender, slots);
                    }
                } else {
                    long wait = next == null ? 50 : Math.min(50, c.wallAt(next.dueMillis()) - c.wallNow());
                    if (wait > 0) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(wait));
                    }
                }
                behind = next == null ? 0 : Math.max(0, now - next.dueMillis());
                nextProgress = reportIfDue(nextProgress, c, progressEvery, listener);
            }
            if (!stopRequested) {
                // The scenario is over: what Stripe would still deliver later (late retries) goes out now.
                phase = SimulationProgress.Phase.FLUSHING;
                while (!queue.isEmpty() && !stopRequested) {
                    if (slots.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                        dispatch(queue.poll(), sender, slots);
                    }
                    nextProgress = reportIfDue(nextProgress, c, progressEvery, listener);
                }
                long drainUntil = c.wallNow() + DRAIN_TIMEOUT.toMillis();
                while ((stats.inFlight.get() > 0 || stats.retrying.get() > 0) && c.wallNow() < drainUntil && !stopRequested) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                    nextProgress = reportIfDue(nextProgress, c, progressEvery, listener);
                }
                listener.scenarioEnded(progress());
            }
        } finally {
            retries.shutdownNow();
            http.stop();
            phase = SimulationProgress.Phase.DONE;
        }
        return progress();
    }

    /** Asks {@link #run} to return soon; deliveries not yet sent are dropped (and not counted as lost). */
    public void stop() {
        stopRequested = true;
    }

    /** Tells the listener the progress once its time has come; returns when it is due next. */
    private long reportIfDue(long nextProgress, SimulatedClock c, Duration every, Listener listener) {
        if (c.wallNow() < nextProgress) {
            return nextProgress;
        }
        listener.progress(progress());
        return nextProgress + every.toMillis();
    }

    /** The clock of the running simulation, or empty before {@link #run} started it. */
    public Optional<SimulatedClock> clock() {
        return Optional.ofNullable(clock);
    }

    /** A snapshot of the counters; safe to call from any thread. */
    public SimulationProgress progress() {
        SimulatedClock c = clock;
        long now = c == null ? wallMillis.getAsLong() : c.now();
        long offset = c == null ? 0 : now - c.start();
        return new SimulationProgress(now, offset, phase, stats.events.sum(), stats.charges.sum(), stats.declines.sum(),
                stats.payouts.sum(), stats.requests.sum(), stats.accepted.sum(), stats.rejectedByStatus(),
                stats.retries.sum(), stats.lost.sum(), stats.eventsDelivered.sum(), stats.duplicatesSent.sum(),
                stats.lateSent.sum(), stats.inFlight.get(), stats.retrying.get(), stats.retryCause, behind,
                stats.rejectionCause);
    }

    private void plan(List<SimulatedEvent> events, DeliveryPlanner planner) {
        for (SimulatedEvent e : events) {
            stats.events.increment();
            if (e.isCharge()) {
                stats.charges.increment();
                if (e.declined()) {
                    stats.declines.increment();
                }
            } else if (e.type().startsWith("payout.")) {
                stats.payouts.increment();
            }
            List<Delivery> deliveries = planner.plan(e);
            WebhookSender.EventOutcome outcome = new WebhookSender.EventOutcome(deliveries.size());
            for (Delivery d : deliveries) {
                queue.add(new Pending(d, outcome));
            }
        }
    }

    /** A delivery waiting to be sent, with the outcome it shares with the other deliveries of its event. */
    private record Pending(Delivery delivery, WebhookSender.EventOutcome outcome) implements Comparable<Pending> {
        @Override
        public int compareTo(Pending o) {
            return delivery.compareTo(o.delivery);
        }
    }

    private void dispatch(Pending p, WebhookSender sender, Semaphore slots) {
        Delivery d = p.delivery();
        switch (d.kind()) {
            case DUPLICATE -> stats.duplicatesSent.increment();
            case LATE_FIRST, LATE_REDELIVERY -> stats.lateSent.increment();
            default -> {
            }
        }
        sender.send(d, p.outcome(), slots::release);
    }
}
