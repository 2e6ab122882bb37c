package io.paypulse.flink.sink.internal;

import io.paypulse.schemas.ClickHouseConfig;
import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything a sink writer needs, validated by {@code ClickHouseSink.Builder} and shipped with the
 * job graph. {@link ClickHouseConfig} is not {@link Serializable}, so its fields travel here and the
 * config is rebuilt in the writer. {@link #toString()} never shows the password.
 *
 * @param retryTimeoutMs how long one batch may keep failing before the job fails; 0 means forever
 */
public record ClickHouseSinkSettings(
        String url,
        String user,
        String password,
        String database,
        String table,
        List<String> columns,
        int maxBatchRows,
        long flushIntervalMs,
        long initialRetryBackoffMs,
        long maxRetryBackoffMs,
        long retryTimeoutMs,
        long requestTimeoutMs) implements Serializable {

    private static final long serialVersionUID = 1L;

    public ClickHouseSinkSettings {
        columns = List.copyOf(columns);
    }

    public ClickHouseConfig clickHouseConfig() {
        return new ClickHouseConfig(url, user, password, database);
    }

    /** {@code database.table}, as it appears in messages and logs. */
    public String qualifiedTable() {
        return database + "." + table;
    }

    /**
     * One parameter per column. Names are quoted because the builder admits any plain identifier,
     * including words ClickHouse treats as keywords ({@code type}, {@code count}, {@code date}).
     */
    public String insertSql() {
        return "INSERT INTO `" + database + "`.`" + table + "` ("
                + columns.stream().map(c -> "`" + c + "`").collect(Collectors.joining(", "))
                + ") VALUES (" + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
    }

    @Override
    public String toString() {
        return "ClickHouseSinkSettings[url=" + url + ", user=" + user
                + ", password=" + (password.isEmpty() ? "(empty)" : "****")
                + ", table=" + qualifiedTable() + ", columns=" + columns
                + ", maxBatchRows=" + maxBatchRows + ", flushIntervalMs=" + flushIntervalMs
                + ", initialRetryBackoffMs=" + initialRetryBackoffMs + ", maxRetryBackoffMs=" + maxRetryBackoffMs
                + ", retryTimeoutMs=" + retryTimeoutMs + ", requestTimeoutMs=" + requestTimeoutMs + "]";
    }
}
