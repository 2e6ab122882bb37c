package io.paypulse.flink.sink.internal;

import io.paypulse.flink.sink.ClickHouseSinkException;
import java.util.List;
import java.util.Set;

/**
 * The failures that stop the job, each with a message that names the table and says what to do.
 * Messages carry error codes and counts, never row values or credentials; ClickHouse's own
 * message, which may quote a value, stays in the cause.
 */
final class ClickHouseFailures {

    private static final Set<Integer> MISSING_TABLE = Set.of(60 /* UNKNOWN_TABLE */, 81 /* UNKNOWN_DATABASE */);
    private static final Set<Integer> MISSING_COLUMN = Set.of(16 /* NO_SUCH_COLUMN_IN_TABLE */,
            47 /* UNKNOWN_IDENTIFIER */);
    private static final Set<Integer> BAD_VALUE = Set.of(6 /* CANNOT_PARSE_TEXT */,
            26 /* CANNOT_PARSE_QUOTED_STRING */, 27 /* CANNOT_PARSE_INPUT_ASSERTION_FAILED */,
            38 /* CANNOT_PARSE_DATE */, 41 /* CANNOT_PARSE_DATETIME */, 53 /* TYPE_MISMATCH */,
            62 /* SYNTAX_ERROR */, 69 /* ARGUMENT_OUT_OF_BOUND */, 70 /* CANNOT_CONVERT_TYPE */,
            72 /* CANNOT_PARSE_NUMBER */, 117 /* INCORRECT_DATA */, 131 /* TOO_LARGE_STRING_SIZE */,
            321 /* VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE */, 349 /* CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN */);
    private static final Set<Integer> NOT_AUTHENTICATED = Set.of(192 /* UNKNOWN_USER */, 193 /* WRONG_PASSWORD */,
            194 /* REQUIRED_PASSWORD */, 516 /* AUTHENTICATION_FAILED */);
    private static final int ACCESS_DENIED = 497;

    private ClickHouseFailures() {
    }

    static ClickHouseSinkException notRetriable(String table, int rows, InsertFailure failure, Throwable cause) {
        String what = failure.errorCode() > 0
                ? "ClickHouse refused the insert of " + rows + " rows into " + table + " with code "
                        + failure.errorCode() + describe(failure)
                : "Inserting " + rows + " rows into " + table + " failed with " + failure.errorClass();
        return new ClickHouseSinkException(what + ", which retrying cannot fix: " + hint(failure.errorCode())
                + ". ClickHouse's or the driver's message is in the cause.", table, failure.errorCode(),
                failure.errorName(), cause);
    }

    static ClickHouseSinkException retriesExhausted(String table, int rows, int attempts, long failingForMs,
            InsertFailure last, Throwable cause) {
        return new ClickHouseSinkException("Inserting " + rows + " rows into " + table + " still failed after "
                + attempts + " attempts over " + failingForMs + " ms (last: " + last.errorClass()
                + (last.errorCode() > 0 ? " code " + last.errorCode() + describe(last) : "")
                + "), so the sink gives up as its retryTimeout says. The job restarts from its last checkpoint and "
                + "replays these rows; raise retryTimeout to wait longer for ClickHouse.", table, last.errorCode(),
                last.errorName(), cause);
    }

    static ClickHouseSinkException rowMapperReturnedNull(String table) {
        return new ClickHouseSinkException("The rowMapper of the ClickHouse sink for " + table + " returned null: "
                + "return one value per column, or throw to drop the element (it is then counted in "
                + ClickHouseSinkMetrics.ROWS_DROPPED + ")", table, 0, null, null);
    }

    static ClickHouseSinkException rowMapperArity(String table, List<String> columns, int values) {
        return new ClickHouseSinkException("The rowMapper of the ClickHouse sink for " + table + " returned " + values
                + " values for the " + columns.size() + " columns " + columns
                + ": return one value per column, in the order given to columns(...)", table, 0, null, null);
    }

    private static String describe(InsertFailure failure) {
        String name = failure.errorName() == null ? "" : failure.errorName();
        String status = failure.httpStatus() > 0 ? "HTTP " + failure.httpStatus() : "";
        String both = name.isEmpty() || status.isEmpty() ? name + status : name + ", " + status;
        return both.isEmpty() ? "" : " (" + both + ")";
    }

    private static String hint(int code) {
        if (MISSING_TABLE.contains(code)) {
            return "create the table by applying the ClickHouse migrations to this server (./paypulse migrate), "
                    + "or correct the table name or CLICKHOUSE_DATABASE";
        }
        if (MISSING_COLUMN.contains(code)) {
            return "the sink's columns do not all exist in the table; make columns(...) match the table, or add "
                    + "the column in a new migration";
        }
        if (BAD_VALUE.contains(code)) {
            return "a value in the batch does not fit its column; make the rowMapper return the Java type listed "
                    + "in ClickHouseRowMapper's Javadoc for each column, and throw for elements it cannot convert "
                    + "(they are then dropped and counted)";
        }
        if (NOT_AUTHENTICATED.contains(code)) {
            return "ClickHouse did not accept the credentials; check CLICKHOUSE_USER and CLICKHOUSE_PASSWORD";
        }
        if (code == ACCESS_DENIED) {
            return "the ClickHouse user may not insert into this table; GRANT INSERT on it to CLICKHOUSE_USER";
        }
        if (code == 0) {
            return "check that the rowMapper returns the Java types listed in ClickHouseRowMapper's Javadoc";
        }
        return "see ClickHouse's documentation of this error code";
    }
}
