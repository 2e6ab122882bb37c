package io.paypulse.simulator;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The {@code Stripe-Signature} header Stripe sends: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "t.payload" under the endpoint secret>}, which stripe-java's {@code Webhook.constructEvent} verifies.
 */
public final class WebhookSignature {

    private final Mac prototype;

    public WebhookSignature(String secret) {
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The header for {@code payload} signed at {@code timestampSeconds}. */
    public String header(byte[] payload, long timestampSeconds) {
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's HmacSHA256 is cloneable", e);
        }
        mac.update((timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
        return "t=" + timestampSeconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal(payload));
    }
}
