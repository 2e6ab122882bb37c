package io.paypulse.schemas;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Set;

/**
 * Says what went wrong talking to ClickHouse over JDBC so that a person can act on it: the server is
 * not reachable, it refused the credentials, or a statement failed. The password never appears.
 */
public final class ClickHouseFailure {

    // ClickHouse error codes that mean "these credentials are not accepted".
    private static final Set<Integer> AUTH_ERROR_CODES = Set.of(
            192 /* UNKNOWN_USER */, 193 /* WRONG_PASSWORD */, 194 /* REQUIRED_PASSWORD */,
            516 /* AUTHENTICATION_FAILED */);

    private ClickHouseFailure() {
    }

    /**
     * A message for {@code e}, raised by the server {@code config} names while {@code what} (e.g.
     * {@code "creating database paypulse"}), that says what to do.
     */
    public static String describe(SQLException e, ClickHouseConfig config, String what) {
        String detail = redact(rootMessage(e), config.password());
        if (isUnreachable(e)) {
            return "ClickHouse at " + config.url() + " is not reachable: " + detail + "; start it or set "
                    + ClickHouseConfig.ENV_URL;
        }
        if (isAuthFailure(e)) {
            return "ClickHouse at " + config.url() + " did not accept user '" + config.user() + "' ("
                    + (config.password().isEmpty() ? "no password" : "password given") + "): " + detail
                    + "; check " + ClickHouseConfig.ENV_USER + " and " + ClickHouseConfig.ENV_PASSWORD;
        }
        if (isNotClickHouse(e)) {
            return "ClickHouse at " + config.url() + " failed while " + what + ": " + detail + "; is that ClickHouse's"
                    + " HTTP port (8123 by default), with http:// or https:// as it serves? Check " + ClickHouseConfig.ENV_URL;
        }
        return "ClickHouse at " + config.url() + " failed while " + what + ": " + detail;
    }

    /**
     * Whether the answer was not ClickHouse's: an HTTP error without a ClickHouse message (another server on that
     * port), or a TLS handshake with a plain-HTTP port (https:// to ClickHouse's 8123).
     */
    private static boolean isNotClickHouse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("<Unreadable error message>") || message.contains("Unsupported or unrecognized SSL message")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException
                    // Checked by name: client-v2 is the driver's implementation, not an API we compile against.
                    || t.getClass().getSimpleName().equals("ConnectionInitiationException")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static boolean isAuthFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && AUTH_ERROR_CODES.contains(sql.getErrorCode())) {
                return true;
            }
            String message = String.valueOf(t.getMessage());
            if (message.contains("AUTHENTICATION_FAILED") || message.contains("Authentication failed")
                    || message.contains("REQUIRED_PASSWORD") || message.contains("WRONG_PASSWORD")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** The innermost message, which is the one that names the actual problem. */
    private static String rootMessage(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return message == null ? e.getClass().getSimpleName() : message.strip();
    }

    private static String redact(String text, String password) {
        return password.isEmpty() ? text : text.replace(password, "****");
    }
}
