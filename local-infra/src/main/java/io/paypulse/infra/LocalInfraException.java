package io.paypulse.infra;

/**
 * Thrown when a local server cannot be fetched, started or stopped; the message says what happened,
 * what to do about it, and where the server's log is.
 */
public final class LocalInfraException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LocalInfraException(String message) {
        super(message);
    }

    public LocalInfraException(String message, Throwable cause) {
        super(message, cause);
    }
}
