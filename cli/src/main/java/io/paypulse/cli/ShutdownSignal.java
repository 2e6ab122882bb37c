package io.paypulse.cli;

import sun.misc.Signal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits for SIGTERM or SIGINT so a command can stop its parts in order and exit 0, instead of the
 * JVM's default of dying with 143 in the middle of a shutdown hook.
 */
final class ShutdownSignal {

    private final CountDownLatch received = new CountDownLatch(1);
    private volatile String name;

    static ShutdownSignal install() {
        ShutdownSignal signal = new ShutdownSignal();
        for (String s : new String[]{"TERM", "INT"}) {
            Signal.handle(new Signal(s), sig -> signal.trigger("SIG" + sig.getName()));
        }
        return signal;
    }

    /**
     * Ends the wait as a signal would, for a reason of the program's own, such as a local server that keeps
     * exiting; {@code reason} is what {@link #await()} returns. A signal that came first wins.
     */
    synchronized void trigger(String reason) {
        if (received.getCount() > 0) {
            name = reason;
            received.countDown();
        }
    }

    /** The line to print on stopping for what {@link #await()} returned: {@code SIGINT received: stopping}. */
    static String stoppingLine(String name) {
        return (name.startsWith("SIG") ? name + " received" : name) + ": stopping";
    }

    /** Blocks until a signal arrives or {@code timeout} has passed; the signal's name, or null on timeout. */
    String await(Duration timeout) throws InterruptedException {
        return received.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? name : null;
    }

    /** Blocks until a signal arrives, and returns its name. */
    String await() throws InterruptedException {
        received.await();
        return name;
    }
}
