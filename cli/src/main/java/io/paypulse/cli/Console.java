package io.paypulse.cli;

/**
 * Short progress lines for a person at a terminal, on stderr so stdout stays clean for output that
 * other programs read.
 */
final class Console {

    private Console() {
    }

    static void step(String what) {
        System.err.println("paypulse: " + what + " ...");
    }

    static void done(String what) {
        System.err.println("paypulse:   " + what);
    }

    static void info(String what) {
        System.err.println("paypulse: " + what);
    }
}
