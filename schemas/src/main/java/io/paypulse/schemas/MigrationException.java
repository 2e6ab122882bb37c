package io.paypulse.schemas;

/** ClickHouse migrations could not be applied; the message says why and what to do, never the password. */
public final class MigrationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
