package io.paypulse.simulator;

/**
 * Stripe-looking object ids ({@code evt_}, {@code ch_}, {@code po_} + 24 characters) that never repeat
 * across runs: a per-run tag, then a sequence number in base 62.
 */
final class EventIds {

    private static final String DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private final String prefix;
    private long sequence;

    EventIds(String runTag) {
        if (runTag == null || !runTag.matches("[0-9A-Za-z]{1,12}")) {
            throw new IllegalArgumentException("a run tag is 1 to 12 letters or digits, got " + runTag);
        }
        this.prefix = "3Sim" + runTag;
    }

    String next(String kind) {
        long n = sequence++;
        StringBuilder digits = new StringBuilder();
        do {
            digits.append(DIGITS.charAt((int) (n % 62)));
            n /= 62;
        } while (n > 0);
        StringBuilder id = new StringBuilder(kind).append(prefix);
        for (int pad = 24 - prefix.length() - digits.length(); pad > 0; pad--) {
            id.append('0');
        }
        return id.append(digits.reverse()).toString();
    }

    /** A tag for a run, from the wall clock: different for runs started a millisecond apart. */
    static String tagFor(long wallMillis) {
        StringBuilder tag = new StringBuilder();
        long n = wallMillis;
        do {
            tag.append(DIGITS.charAt((int) (n % 62)));
            n /= 62;
        } while (n > 0);
        return tag.reverse().toString();
    }
}
