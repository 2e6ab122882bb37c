package io.paypulse.alert.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Allows at most {@code maxPermits} requests in any window of the given length, blocking until the oldest one leaves
 * the window. PagerDuty counts events "over a 60 second window looking back from the current time", so a fixed-bucket
 * limiter could send twice the limit across a bucket boundary; this one cannot.
 */
public final class SlidingWindowRateLimiter {

    private final int maxPermits;
    private final long windowNanos;
    private final Ticker ticker;
    private final Sleeper sleeper;
    private final Deque<Long> granted = new ArrayDeque<>();

    public SlidingWindowRateLimiter(int maxPermits, Duration window, Ticker ticker, Sleeper sleeper) {
        if (maxPermits < 1) {
            throw new IllegalArgumentException("maxPermits must be at least 1, got " + maxPermits);
        }
        if (window == null || window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("window must be positive");
        }
        this.maxPermits = maxPermits;
        this.windowNanos = window.toNanos();
        this.ticker = ticker;
        this.sleeper = sleeper;
    }

    /**
     * Takes one permit if one is free now, without waiting.
     *
     * @return zero when a permit was taken; otherwise how long until one frees up (nothing is taken)
     */
    public synchronized Duration tryAcquire() {
        long now = ticker.nanos();
        while (!granted.isEmpty() && now - granted.peekFirst() >= windowNanos) {
            granted.removeFirst();
        }
        if (granted.size() < maxPermits) {
            granted.addLast(now);
            return Duration.ZERO;
        }
        return Duration.ofNanos(Math.max(1, granted.peekFirst() + windowNanos - now));
    }

    /**
     * Takes one permit, waiting as long as needed.
     *
     * @return how long it waited; zero when a permit was free
     */
    public Duration acquire() throws InterruptedException {
        long waitedNanos = 0;
        while (true) {
            long waitNanos;
            synchronized (this) {
                long now = ticker.nanos();
                while (!granted.isEmpty() && now - granted.peekFirst() >= windowNanos) {
                    granted.removeFirst();
                }
                if (granted.size() < maxPermits) {
                    granted.addLast(now);
                    return Duration.ofNanos(waitedNanos);
                }
                waitNanos = granted.peekFirst() + windowNanos - now;
            }
            // Sleep outside the lock, then look again: another thread may have taken the permit that freed up.
            sleeper.sleep(Duration.ofNanos(waitNanos));
            waitedNanos += waitNanos;
        }
    }
}
