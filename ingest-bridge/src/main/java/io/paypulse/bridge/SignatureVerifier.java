package io.paypulse.bridge;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Verifies a Stripe-Signature header over the raw body bytes with stripe-java, against every configured
 * endpoint secret (rotation), and says which secret matched or exactly why the request was refused.
 */
public final class SignatureVerifier {

    /** The outcome of one verification: either the index of the matching secret, or a rejection. */
    public record Result(int secretIndex, Rejection rejection) {
        static Result matched(int index) {
            return new Result(index, null);
        }

        static Result rejected(Rejection rejection) {
            return new Result(-1, rejection);
        }

        public boolean ok() {
            return rejection == null;
        }
    }

    private static final String TOLERANCE_MESSAGE = "Timestamp outside the tolerance zone";

    private final List<String> secrets;
    private final long toleranceSeconds;
    private final Clock clock;

    public SignatureVerifier(List<String> secrets, Duration tolerance, Clock clock) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one webhook secret is required");
        }
        this.secrets = List.copyOf(secrets);
        this.toleranceSeconds = tolerance.toSeconds();
        this.clock = clock;
    }

    /** Checks the header shape only, so a request can be refused before its body is read. */
    public static Rejection checkHeaderShape(String header) {
        if (header == null || header.isBlank()) {
            return Rejection.SIGNATURE_MISSING;
        }
        return wellFormed(header) ? null : Rejection.SIGNATURE_MALFORMED;
    }

    public Result verify(byte[] body, String header) {
        Rejection shape = checkHeaderShape(header);
        if (shape != null) {
            return Result.rejected(shape);
        }
        // Stripe signs the UTF-8 text of the payload; stripe-java takes it as a String. A body that is not
        // valid UTF-8 decodes differently from what was signed, so it fails as a mismatch, which is right.
        String payload = new String(body, StandardCharsets.UTF_8);
        for (int i = 0; i < secrets.size(); i++) {
            try {
                Webhook.Signature.verifyHeader(payload, header, secrets.get(i), toleranceSeconds, clock);
                return Result.matched(i);
            } catch (SignatureVerificationException e) {
                // stripe-java checks the timestamp only once a signature matched, so this secret is the right one.
                if (TOLERANCE_MESSAGE.equals(e.getMessage())) {
                    return Result.rejected(Rejection.TIMESTAMP_OUTSIDE_TOLERANCE);
                }
            }
        }
        return Result.rejected(Rejection.SIGNATURE_MISMATCH);
    }

    /**
     * A well-formed header has exactly one numeric {@code t} and at least one non-empty {@code v1}; other
     * schemes (such as {@code v0}) may appear and are ignored, as Stripe documents.
     */
    private static boolean wellFormed(String header) {
        // A plain scan, no split or substrings: this runs on every request before its body is read.
        int timestamps = 0;
        int v1 = 0;
        int start = 0;
        int length = header.length();
        while (start <= length) {
            int end = header.indexOf(',', start);
            if (end < 0) {
                end = length;
            }
            int eq = header.indexOf('=', start);
            if (eq <= start || eq >= end) {
                return false;
            }
            // No trimming: stripe-java matches keys exactly, so " v1" would never verify.
            int keyLength = eq - start;
            int valueLength = end - eq - 1;
            if (keyLength == 1 && header.charAt(start) == 't') {
                if (valueLength == 0 || valueLength > 18 || !digits(header, eq + 1, end)) {
                    return false;
                }
                timestamps++;
            } else if (header.startsWith(Webhook.Signature.EXPECTED_SCHEME, start)
                    && keyLength == Webhook.Signature.EXPECTED_SCHEME.length()) {
                if (valueLength == 0) {
                    return false;
                }
                v1++;
            }
            start = end + 1;
        }
        return timestamps == 1 && v1 >= 1;
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
