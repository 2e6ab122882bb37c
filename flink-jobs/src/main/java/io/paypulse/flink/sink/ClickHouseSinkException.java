package io.paypulse.flink.sink;

import java.io.IOException;

/**
 * A failure of the ClickHouse sink that retrying cannot fix, such as a missing table, a value
 * ClickHouse refuses, or a row mapper that breaks its contract; it fails the job. The message names
 * the table and says what to fix; ClickHouse's own message is in the cause.
 */
public class ClickHouseSinkException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String table;
    private final int errorCode;
    private final String errorName;

    /**
     * @param table the table written to, as {@code database.table}
     * @param errorCode ClickHouse's error code, or 0 if the failure did not come from ClickHouse
     * @param errorName ClickHouse's error name such as {@code UNKNOWN_TABLE}, or {@code null}
     */
    public ClickHouseSinkException(String message, String table, int errorCode, String errorName, Throwable cause) {
        super(message, cause);
        this.table = table;
        this.errorCode = errorCode;
        this.errorName = errorName;
    }

    /** The table written to, as {@code database.table}. */
    public String table() {
        return table;
    }

    /** ClickHouse's error code, e.g. 60 for {@code UNKNOWN_TABLE}; 0 if ClickHouse did not answer with one. */
    public int errorCode() {
        return errorCode;
    }

    /** ClickHouse's error name, e.g. {@code UNKNOWN_TABLE}; {@code null} if ClickHouse did not answer with one. */
    public String errorName() {
        return errorName;
    }
}
