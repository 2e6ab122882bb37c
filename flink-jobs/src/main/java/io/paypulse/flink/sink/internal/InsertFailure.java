package io.paypulse.flink.sink.internal;

import com.clickhouse.client.api.ConnectionInitiationException;
import com.clickhouse.client.api.ServerException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why one insert attempt failed, and whether trying the same rows again can succeed.
 *
 * <p>Retriable: no answer from ClickHouse (connection refused or reset, timeouts, no response), an
 * HTTP 5xx that carries no ClickHouse error code (a proxy or load balancer), and the ClickHouse
 * errors in {@link #RETRIABLE_CODES}, which report overload or a replica that is briefly unable to
 * write. Everything else ClickHouse answers (a missing table or column, a value it cannot parse,
 * refused credentials) fails the same way every time, so it is not retried.
 *
 * @param retriable whether the same insert may succeed later
 * @param errorClass the most telling exception class: {@code ServerException} when ClickHouse
 *     answered, otherwise the innermost cause such as {@code HttpHostConnectException}
 * @param errorCode ClickHouse's error code, 0 if ClickHouse did not answer with one
 * @param errorName ClickHouse's error name such as {@code UNKNOWN_TABLE}, {@code null} if none
 * @param httpStatus the HTTP status of ClickHouse's answer, 0 if there was none
 */
record InsertFailure(boolean retriable, String errorClass, int errorCode, String errorName, int httpStatus) {

    /** ClickHouse error codes that mean "not now" rather than "never". */
    static final Set<Integer> RETRIABLE_CODES = Set.of(
            3 /* UNEXPECTED_END_OF_FILE: the request was cut off */,
            159 /* TIMEOUT_EXCEEDED */,
            164 /* READONLY: a replica lost its keeper session */,
            173 /* CANNOT_ALLOCATE_MEMORY */,
            202 /* TOO_MANY_SIMULTANEOUS_QUERIES */,
            203 /* NO_FREE_CONNECTION */,
            209 /* SOCKET_TIMEOUT */,
            210 /* NETWORK_ERROR */,
            236 /* ABORTED */,
            241 /* MEMORY_LIMIT_EXCEEDED */,
            242 /* TABLE_IS_READ_ONLY */,
            252 /* TOO_MANY_PARTS */,
            285 /* TOO_FEW_LIVE_REPLICAS */,
            319 /* UNKNOWN_STATUS_OF_INSERT */,
            394 /* QUERY_WAS_CANCELLED: the server is shutting down */,
            425 /* SYSTEM_ERROR */,
            439 /* CANNOT_SCHEDULE_TASK */,
            999 /* KEEPER_EXCEPTION */);

    // ClickHouse ends its messages with "... (UNKNOWN_TABLE) (version 24.8.1.1)".
    private static final Pattern ERROR_NAME = Pattern.compile("\\(([A-Z][A-Z0-9_]+)\\)\\s*\\(version ");

    static InsertFailure classify(Throwable failure) {
        ServerException server = find(failure, ServerException.class);
        if (server != null) {
            int code = server.getCode();
            int status = server.getTransportProtocolCode();
            boolean retriable = code == ServerException.CODE_UNKNOWN
                    ? status >= 500
                    : RETRIABLE_CODES.contains(code);
            return new InsertFailure(retriable, "ServerException", code, errorName(server.getMessage()), status);
        }
        String innermost = innermost(failure).getClass().getSimpleName();
        boolean transport = find(failure, IOException.class) != null
                || find(failure, ConnectionInitiationException.class) != null
                || find(failure, SQLTransientException.class) != null
                || find(failure, SQLRecoverableException.class) != null
                || isConnectionState(failure);
        int code = failure instanceof SQLException sql ? Math.max(sql.getErrorCode(), 0) : 0;
        return new InsertFailure(transport, innermost, code, null, 0);
    }

    private static boolean isConnectionState(Throwable failure) {
        // SQLSTATE class 08 is "connection exception".
        return chain(failure).stream().anyMatch(t -> t instanceof SQLException sql
                && sql.getSQLState() != null && sql.getSQLState().startsWith("08"));
    }

    static String errorName(String message) {
        if (message == null) {
            return null;
        }
        Matcher m = ERROR_NAME.matcher(message);
        return m.find() ? m.group(1) : null;
    }

    static <E extends Throwable> E find(Throwable failure, Class<E> type) {
        return chain(failure).stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }

    private static Throwable innermost(Throwable failure) {
        List<Throwable> chain = chain(failure);
        return chain.get(chain.size() - 1);
    }

    /** The failure and its causes, outermost first; cause cycles end the walk. */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
