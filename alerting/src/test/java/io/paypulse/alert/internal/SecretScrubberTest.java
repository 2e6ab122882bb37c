package io.paypulse.alert.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SecretScrubberTest {

    @Test
    void replacesEveryOccurrenceBeforeCutting() {
        SecretScrubber scrubber = new SecretScrubber("abc123");
        assertEquals("key [REDACTED] and [REDACTED]", scrubber.scrub("key abc123 and abc123", 100));
        // Cut after replacing: the first characters of the secret cannot survive a cut through it.
        assertEquals("xx [RED", scrubber.scrub("xx abc123", 7));
        assertNull(scrubber.scrub(null, 10));
    }

    @Test
    void withoutASecretOnlyCuts() {
        assertEquals("abc", new SecretScrubber(null).scrub("abcdef", 3));
    }
}
