package io.paypulse.schemas;

/**
 * Kafka answered, and a topic that must exist does not: a setting to correct, unlike an unreachable
 * cluster, which may only be starting.
 */
public final class MissingTopicException extends ProvisioningException {

    private static final long serialVersionUID = 1L;

    public MissingTopicException(String message) {
        super(message, null);
    }
}
