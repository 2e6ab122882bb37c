package io.paypulse.flink.sink.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clickhouse.client.api.ClientException;
import com.clickhouse.client.api.ConnectionInitiationException;
import com.clickhouse.client.api.ServerException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.api.Test;

/**
 * Failures shaped as clickhouse-jdbc 0.9 reports them (checked against a real server: a stopped
 * server, a missing table, a value of the wrong type) are sorted into "retry" and "fail the job", and
 * so are the same failures as the sink now sees them from ClickHouse's Java client underneath, without
 * the JDBC wrapper.
 */
class InsertFailureTest {

    private static SQLException fromServer(int code, String name, int httpStatus) {
        String message = "Code: " + code + ". DB::Exception: something went wrong. (" + name + ") (version 26.7.2.1)";
        return new SQLException(message, "22000", code, new ServerException(code, message, httpStatus, "query-1"));
    }

    @Test
    void aStoppedServerIsRetried() {
        SQLException refused = new SQLException("Query request failed", "08000", new ConnectionInitiationException(
                "Query request failed", new ConnectException("Connection refused")));
        SQLException noResponse = new SQLException("Query request failed", "08000", new ConnectionInitiationException(
                "Query request failed", new NoHttpResponseException("127.0.0.1:8123 failed to respond")));

        assertEquals(new InsertFailure(true, "ConnectException", 0, null, 0), InsertFailure.classify(refused));
        assertEquals(new InsertFailure(true, "NoHttpResponseException", 0, null, 0),
                InsertFailure.classify(noResponse));
    }

    @Test
    void aTimeoutIsRetried() {
        SQLException timeout = new SQLException("Query request failed", "HY000",
                new ClientException("Read timed out", new SocketTimeoutException("Read timed out")));

        assertEquals(new InsertFailure(true, "SocketTimeoutException", 0, null, 0), InsertFailure.classify(timeout));
    }

    @Test
    void overloadErrorsFromClickHouseAreRetried() {
        assertEquals(new InsertFailure(true, "ServerException", 252, "TOO_MANY_PARTS", 500),
                InsertFailure.classify(fromServer(252, "TOO_MANY_PARTS", 500)));
        assertEquals(new InsertFailure(true, "ServerException", 241, "MEMORY_LIMIT_EXCEEDED", 500),
                InsertFailure.classify(fromServer(241, "MEMORY_LIMIT_EXCEEDED", 500)));
    }

    @Test
    void aProxyErrorWithoutClickHouseCodeIsRetriedOnlyIfItIs5xx() {
        ServerException badGateway = new ServerException(ServerException.CODE_UNKNOWN, "502 Bad Gateway", 502, "q");
        ServerException forbidden = new ServerException(ServerException.CODE_UNKNOWN, "403 Forbidden", 403, "q");

        assertEquals(new InsertFailure(true, "ServerException", 0, null, 502),
                InsertFailure.classify(new SQLException("failed", "22000", badGateway)));
        assertEquals(new InsertFailure(false, "ServerException", 0, null, 403),
                InsertFailure.classify(new SQLException("failed", "22000", forbidden)));
    }

    @Test
    void aMissingTableOrABadValueIsNotRetried() {
        assertEquals(new InsertFailure(false, "ServerException", 60, "UNKNOWN_TABLE", 404),
                InsertFailure.classify(fromServer(60, "UNKNOWN_TABLE", 404)));
        assertEquals(new InsertFailure(false, "ServerException", 6, "CANNOT_PARSE_TEXT", 400),
                InsertFailure.classify(fromServer(6, "CANNOT_PARSE_TEXT", 400)));
        // ClickHouse answers most errors with HTTP 500; its code, not the status, decides.
        assertEquals(new InsertFailure(false, "ServerException", 16, "NO_SUCH_COLUMN_IN_TABLE", 500),
                InsertFailure.classify(fromServer(16, "NO_SUCH_COLUMN_IN_TABLE", 500)));
    }

    @Test
    void aDriverErrorWithoutTransportCauseIsNotRetried() {
        assertEquals(new InsertFailure(false, "SQLException", 0, null, 0),
                InsertFailure.classify(new SQLException("Unsupported data type: class java.lang.Thread", "HY000")));
    }

    @Test
    void theJavaClientsOwnFailuresAreSortedTheSameWay() {
        String missing = "Code: 60. DB::Exception: Table t.nope does not exist. (UNKNOWN_TABLE) (version 26.7.2.1)";
        assertEquals(new InsertFailure(false, "ServerException", 60, "UNKNOWN_TABLE", 404),
                InsertFailure.classify(new ServerException(60, missing, 404, "q")));
        String parts = "Code: 252. DB::Exception: Too many parts. (TOO_MANY_PARTS) (version 26.7.2.1)";
        assertEquals(new InsertFailure(true, "ServerException", 252, "TOO_MANY_PARTS", 500),
                InsertFailure.classify(new ServerException(252, parts, 500, "q")));
        assertEquals(new InsertFailure(true, "ConnectException", 0, null, 0), InsertFailure.classify(
                new ConnectionInitiationException("Failed to connect", new ConnectException("Connection refused"))));
        assertEquals(new InsertFailure(true, "SocketTimeoutException", 0, null, 0), InsertFailure.classify(
                new ClientException("Read timed out", new SocketTimeoutException("Read timed out"))));
        // A value the client cannot write into its column (measured: "many" for a UInt64) is the mapper's bug.
        assertEquals(new InsertFailure(false, "NumberFormatException", 0, null, 0),
                InsertFailure.classify(new NumberFormatException("For input string: \"many\"")));
    }

    @Test
    void readsTheErrorNameFromClickHousesMessage() {
        assertEquals("UNKNOWN_TABLE", InsertFailure.errorName("Code: 60. DB::Exception: Table exp.nope does not "
                + "exist. Maybe you meant system.one?. (UNKNOWN_TABLE) (version 26.7.2.1)"));
        assertEquals(null, InsertFailure.errorName("Connection refused"));
        assertEquals(null, InsertFailure.errorName(null));
    }
}
