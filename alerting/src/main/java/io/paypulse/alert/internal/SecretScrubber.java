package io.paypulse.alert.internal;

/** Removes a secret from text that is about to be logged or stored, such as a response that echoes the request. */
public final class SecretScrubber {

    public static final String REPLACEMENT = "[REDACTED]";

    private final String secret;

    /** A null secret scrubs nothing. */
    public SecretScrubber(String secret) {
        this.secret = secret == null || secret.isEmpty() ? null : secret;
    }

    /** The text with every occurrence of the secret replaced, then cut to {@code maxChars}; null stays null. */
    public String scrub(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        String clean = secret == null ? text : text.replace(secret, REPLACEMENT);
        // Cut after replacing, so a key straddling the limit cannot survive in part.
        return clean.length() <= maxChars ? clean : clean.substring(0, maxChars);
    }
}
