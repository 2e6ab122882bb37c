package io.paypulse.schemas;

/** Kafka topics could not be provisioned; the message says what to do about it. */
public class ProvisioningException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ProvisioningException(String message, Throwable cause) {
        super(message, cause);
    }
}
