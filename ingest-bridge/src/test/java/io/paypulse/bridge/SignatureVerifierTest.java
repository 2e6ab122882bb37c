package io.paypulse.bridge;

import com.stripe.net.Webhook;
import io.paypulse.infra.stripe.StripeEventSamples;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignatureVerifierTest {

    private static final String OLD = "whsec_old_0123456789abcdef";
    private static final String NEW = "whsec_new_fedcba9876543210";
    private static final long NOW = 1_764_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private static final String PAYLOAD = StripeEventSamples.chargeSucceeded("evt_1", "ch_1", NOW - 2, "visa", "BR", 1000, "brl");
    private static final byte[] BODY = PAYLOAD.getBytes(StandardCharsets.UTF_8);

    private final SignatureVerifier verifier = new SignatureVerifier(List.of(OLD, NEW), Duration.ofSeconds(300), CLOCK);

    @Test
    void acceptsEitherSecretAndSaysWhichMatched() {
        SignatureVerifier.Result old = verifier.verify(BODY, StripeEventSamples.signatureHeader(PAYLOAD, OLD, NOW));
        SignatureVerifier.Result fresh = verifier.verify(BODY, StripeEventSamples.signatureHeader(PAYLOAD, NEW, NOW));
        assertTrue(old.ok());
        assertEquals(0, old.secretIndex());
        assertTrue(fresh.ok());
        assertEquals(1, fresh.secretIndex());
    }

    @Test
    void acceptsHeadersMadeByStripeJava() throws Exception {
        String header = Webhook.Signature.generateSignatureHeader(PAYLOAD, NEW, NOW);
        assertEquals(1, verifier.verify(BODY, header).secretIndex());
    }

    @Test
    void acceptsAHeaderWithTwoV1SignaturesWhenOneMatches() {
        String header = "t=" + NOW + ",v1=" + StripeEventSamples.signature(PAYLOAD, "whsec_unknown", NOW)
                + ",v1=" + StripeEventSamples.signature(PAYLOAD, NEW, NOW) + ",v0=deadbeef";
        SignatureVerifier.Result result = verifier.verify(BODY, header);
        assertTrue(result.ok());
        assertEquals(1, result.secretIndex());
    }

    @Test
    void refusesEachBadHeaderWithItsExactReason() {
        assertEquals(Rejection.SIGNATURE_MISSING, verifier.verify(BODY, null).rejection());
        assertEquals(Rejection.SIGNATURE_MISSING, verifier.verify(BODY, "  ").rejection());
        assertEquals(Rejection.SIGNATURE_MALFORMED, verifier.verify(BODY, "garbage").rejection());
        assertEquals(Rejection.SIGNATURE_MALFORMED, verifier.verify(BODY, "t=abc,v1=00").rejection());
        assertEquals(Rejection.SIGNATURE_MALFORMED, verifier.verify(BODY, "t=" + NOW).rejection());
        assertEquals(Rejection.SIGNATURE_MALFORMED, verifier.verify(BODY, "v1=abcdef").rejection());
        assertEquals(Rejection.SIGNATURE_MALFORMED, verifier.verify(BODY, "t=1,t=2,v1=ab").rejection());
        assertEquals(Rejection.SIGNATURE_MALFORMED, verifier.verify(BODY, "t=" + NOW + ",v1=ab,").rejection());
        assertEquals(Rejection.SIGNATURE_MALFORMED, verifier.verify(BODY, "t=" + NOW + ",,v1=ab").rejection());
        assertEquals(Rejection.SIGNATURE_MALFORMED, verifier.verify(BODY, "t=" + NOW + ",=ab,v1=ab").rejection());
        assertEquals(Rejection.SIGNATURE_MALFORMED, verifier.verify(BODY, "t=" + NOW + ",v1=").rejection());
        assertEquals(Rejection.SIGNATURE_MALFORMED, verifier.verify(BODY, "t=,v1=ab").rejection());
        assertEquals(Rejection.SIGNATURE_MALFORMED, verifier.verify(BODY, "t=1=2,v1=ab").rejection());
        assertEquals(Rejection.SIGNATURE_MALFORMED, verifier.verify(BODY, "t=" + NOW + ",v1").rejection());
        assertEquals(Rejection.SIGNATURE_MALFORMED, verifier.verify(BODY, "t=1234567890123456789,v1=ab").rejection());
        // Only exact keys count: "v10" and " v1" are other schemes, so no v1 signature is left.
        assertEquals(Rejection.SIGNATURE_MALFORMED, verifier.verify(BODY, "t=" + NOW + ",v10=ab").rejection());
        assertEquals(Rejection.SIGNATURE_MALFORMED, verifier.verify(BODY, "t=" + NOW + ", v1=ab").rejection());
        // A header with another scheme next to v1 is well formed; the v1 value decides.
        assertEquals(Rejection.SIGNATURE_MISMATCH, verifier.verify(BODY, "t=" + NOW + ",v0=ab,v1=ab").rejection());
        assertEquals(Rejection.SIGNATURE_MISMATCH,
                verifier.verify(BODY, StripeEventSamples.signatureHeader(PAYLOAD, "whsec_other", NOW)).rejection());
        assertEquals(Rejection.SIGNATURE_MISMATCH,
                verifier.verify(BODY, StripeEventSamples.signatureHeader(PAYLOAD + " ", OLD, NOW)).rejection());
        assertEquals(Rejection.TIMESTAMP_OUTSIDE_TOLERANCE,
                verifier.verify(BODY, StripeEventSamples.signatureHeader(PAYLOAD, OLD, NOW - 301)).rejection());
    }

    @Test
    void timestampJustInsideTheToleranceIsAccepted() {
        SignatureVerifier.Result result = verifier.verify(BODY, StripeEventSamples.signatureHeader(PAYLOAD, OLD, NOW - 300));
        assertTrue(result.ok());
        assertNull(result.rejection());
    }

    @Test
    void aSingleByteChangedInTheBodyIsAMismatch() {
        String header = StripeEventSamples.signatureHeader(PAYLOAD, OLD, NOW);
        byte[] tampered = BODY.clone();
        tampered[tampered.length - 2] ^= 1;
        assertEquals(Rejection.SIGNATURE_MISMATCH, verifier.verify(tampered, header).rejection());
    }
}
