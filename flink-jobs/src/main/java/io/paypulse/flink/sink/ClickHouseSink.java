package io.paypulse.flink.sink;

import io.paypulse.flink.sink.internal.ClickHouseSinkSettings;
import io.paypulse.flink.sink.internal.ClickHouseSinkWriter;
import io.paypulse.schemas.ClickHouseConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes a stream into one ClickHouse table over HTTP, in batches in the RowBinary format (with ClickHouse's
 * Java client, client-v2, which clickhouse-jdbc is built on), and loses no
 * row while ClickHouse is slow or down: at-least-once delivery into idempotent tables, which makes
 * the table's content effectively exactly once.
 *
 * <pre>{@code
 * stream.sinkTo(ClickHouseSink.<DeclineRateWindow>builder()
 *         .config(ClickHouseConfig.fromEnv())
 *         .table("decline_rates_1m")
 *         .columns(List.of("window_start", "card_brand", "attempts", "declines", "version"))
 *         .rowMapper(w -> new Object[] {w.windowStart(), w.cardBrand(), w.attempts(), w.declines(), w.version()})
 *         .build())
 *       .name("ClickHouse decline_rates_1m").uid("clickhouse-decline-rates-1m");
 * }</pre>
 *
 * <h2>Delivery guarantee</h2>
 * <ul>
 *   <li><b>At least once.</b> Each writer buffers rows and inserts them as one batch when it holds
 *       {@code maxBatchRows} rows, when its oldest row has waited {@code flushInterval} (a
 *       processing-time timer, so a quiet stream flushes too), and whenever Flink calls
 *       {@link SinkWriter#flush}: before every checkpoint barrier and at the end of input. The
 *       checkpoint waits for that insert, so a completed checkpoint means every row before it is in
 *       ClickHouse; rows after it are replayed from the source after a restart.</li>
 *   <li><b>Nothing is lost while ClickHouse is down.</b> A failed insert that can succeed later
 *       (connection refused or reset, timeouts, HTTP 5xx without a ClickHouse error, and ClickHouse
 *       errors such as {@code TOO_MANY_PARTS}, {@code MEMORY_LIMIT_EXCEEDED},
 *       {@code TIMEOUT_EXCEEDED}, {@code TABLE_IS_READ_ONLY}) is retried with the same rows, on a
 *       new connection, after an exponential backoff with jitter from {@code initialRetryBackoff}
 *       up to {@code maxRetryBackoff}. The writer blocks meanwhile, which is the backpressure:
 *       upstream operators and the sources slow down instead of buffering without bound. With
 *       {@code retryTimeout} set, a batch that keeps failing that long fails the job instead, which
 *       restarts from its last checkpoint, again without loss. A checkpoint cannot complete while a
 *       writer waits, so an outage longer than the checkpoint timeout also fails checkpoints, and
 *       with Flink's default tolerance of none, restarts the job: that loses nothing either.</li>
 *   <li><b>Failures retrying cannot fix fail the job</b> with a {@link ClickHouseSinkException}
 *       naming the table and ClickHouse's error code: a missing table or column, a value that does
 *       not fit its column (a Java type the client cannot write there, or a value ClickHouse refuses),
 *       refused credentials. An element the {@link ClickHouseRowMapper}
 *       cannot convert is dropped and counted instead, so one bad event cannot stop the pipeline.</li>
 *   <li><b>Effectively once.</b> A restart replays what the sources read after the last checkpoint,
 *       some of which may already be in ClickHouse, and a retry after a lost response repeats an
 *       insert that may have landed. paypulse's tables are
 *       {@code ReplacingMergeTree} with deterministic sorting keys (and a version column where rows
 *       are updated), so a replayed row replaces its earlier copy: queries with {@code FINAL} (or
 *       {@code argMax} by version) see each row once, and merges remove the copies. Use this sink
 *       only for tables with that property.</li>
 * </ul>
 *
 * <h2>Insert deduplication</h2>
 * The sink does not set {@code insert_deduplication_token}. A token derived from the checkpoint,
 * subtask and batch number looks attractive but is unsafe: after a restart the same position holds
 * a different set of rows (batches depend on timing, rescaling and the flush interval), and
 * ClickHouse would silently discard that new batch as a duplicate of the old one, losing rows. A
 * random token per batch, reused by its retries, would be safe but adds nothing to ClickHouse's own
 * block deduplication, which hashes the inserted block: every retry sends the same rows in the same
 * order as one block, so a retry of an insert that did land is recognised as a duplicate. The sink
 * therefore asks for {@code insert_deduplicate=1} on its inserts; it takes effect on replicated
 * tables, and on others once the table sets {@code non_replicated_deduplication_window}, provided
 * no column the sink leaves out is filled by a changing default such as {@code now64()} (that
 * makes each retry a different block). Where it does not apply, the replacing engine still
 * converges, only at the next merge or with {@code FINAL}.
 *
 * <h2>Metrics</h2>
 * In the writer's metric group: {@code clickhouseRowsSent}, {@code clickhouseRowsDropped},
 * {@code clickhouseBatchesSent}, {@code clickhouseRetries}, {@code clickhouseFailedAttempts}
 * (counters); {@code clickhouseBatchWriteMs} (histogram of successful inserts, including their
 * retries), {@code clickhouseLastBatchWriteMs} and {@code clickhouseBufferedRows} (gauges); and
 * Flink's standard {@code numRecordsSend}, {@code numRecordsOutErrors} and
 * {@code currentSendTime}.
 *
 * <p>Nothing connects while the job graph is built: each writer opens its connection at its first
 * insert and replaces it after every failed attempt.
 *
 * @param <T> the stream's element type
 */
public final class ClickHouseSink<T> implements Sink<T> {

    /**
     * The largest {@link Builder#maxBatchRows}: ClickHouse's default max_insert_block_size. A larger
     * batch would be split into blocks at positions that need not repeat on a retry.
     */
    public static final int MAX_BATCH_ROWS = 1_048_576;


    private static final long serialVersionUID = 1L;

    private final ClickHouseSinkSettings settings;
    private final ClickHouseRowMapper<T> rowMapper;

    private ClickHouseSink(ClickHouseSinkSettings settings, ClickHouseRowMapper<T> rowMapper) {
        this.settings = settings;
        this.rowMapper = rowMapper;
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new ClickHouseSinkWriter<>(settings, rowMapper, context);
    }

    ClickHouseSinkSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "ClickHouseSink[" + settings + "]";
    }

    /**
     * Options of a {@link ClickHouseSink}. Each setter checks its argument; {@link #build()} checks
     * that the options fit together. {@code config}, {@code table}, {@code columns} and
     * {@code rowMapper} are required.
     */
    public static final class Builder<T> {

        // Plain identifiers only: they are spliced into the INSERT statement.
        private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

        private ClickHouseConfig config;
        private String table;
        private List<String> columns;
        private ClickHouseRowMapper<T> rowMapper;
        private int maxBatchRows = 5000;
        private Duration flushInterval = Duration.ofSeconds(1);
        private Duration initialRetryBackoff = Duration.ofMillis(100);
        private Duration maxRetryBackoff = Duration.ofSeconds(30);
        private Duration retryTimeout;
        private Duration requestTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /** Server, credentials and database, usually {@code ClickHouseConfig.fromEnv()}. */
        public Builder<T> config(ClickHouseConfig config) {
            this.config = Objects.requireNonNull(config, "config must not be null: pass ClickHouseConfig.fromEnv() "
                    + "or new ClickHouseConfig(url, user, password, database)");
            return this;
        }

        /** The table's name without database; the database comes from the config. */
        public Builder<T> table(String table) {
            if (table == null || table.isBlank()) {
                throw new IllegalArgumentException("table must be a table name such as \"decline_rates_1m\", was "
                        + (table == null ? "null" : "blank"));
            }
            if (table.contains(".")) {
                throw new IllegalArgumentException("table '" + table + "' must be the table name only: the database "
                        + "comes from ClickHouseConfig.database() (CLICKHOUSE_DATABASE)");
            }
            if (!IDENTIFIER.matcher(table).matches()) {
                throw new IllegalArgumentException("table '" + table + "' is not a plain ClickHouse identifier: use "
                        + "letters, digits and _, not starting with a digit, at most 128 characters");
            }
            this.table = table;
            return this;
        }

        /** The columns to fill, in the order of the values the row mapper returns. */
        public Builder<T> columns(List<String> columns) {
            if (columns == null || columns.isEmpty()) {
                throw new IllegalArgumentException("columns must name at least one column of the table, in the order "
                        + "the rowMapper returns their values");
            }
            Set<String> seen = new HashSet<>();
            for (String column : columns) {
                if (column == null || !IDENTIFIER.matcher(column).matches()) {
                    throw new IllegalArgumentException("column '" + column + "' is not a plain ClickHouse identifier: "
                            + "use letters, digits and _, not starting with a digit");
                }
                if (!seen.add(column)) {
                    throw new IllegalArgumentException("column '" + column + "' is listed twice in " + columns
                            + ": list each column once");
                }
            }
            this.columns = List.copyOf(columns);
            return this;
        }

        /** Same as {@link #columns(List)}. */
        public Builder<T> columns(String... columns) {
            return columns(columns == null ? null : Arrays.asList(columns));
        }

        /** Turns each element into its column values; see {@link ClickHouseRowMapper}. */
        public Builder<T> rowMapper(ClickHouseRowMapper<T> rowMapper) {
            this.rowMapper = Objects.requireNonNull(rowMapper,
                    "rowMapper must not be null: pass a function from the element to its column values");
            return this;
        }

        /** A batch is inserted as soon as it holds this many rows; default 5000. */
        public Builder<T> maxBatchRows(int maxBatchRows) {
            if (maxBatchRows < 1 || maxBatchRows > MAX_BATCH_ROWS) {
                throw new IllegalArgumentException("maxBatchRows must be between 1 and " + MAX_BATCH_ROWS
                        + " (ClickHouse's max_insert_block_size, so a batch stays one block), was " + maxBatchRows);
            }
            this.maxBatchRows = maxBatchRows;
            return this;
        }

        /** A batch is inserted at the latest this long after its first row arrived; default 1 s. */
        public Builder<T> flushInterval(Duration flushInterval) {
            this.flushInterval = atLeastOneMilli(flushInterval, "flushInterval");
            return this;
        }

        /** Wait before the first retry of a failed insert; doubles per attempt; default 100 ms. */
        public Builder<T> initialRetryBackoff(Duration initialRetryBackoff) {
            this.initialRetryBackoff = atLeastOneMilli(initialRetryBackoff, "initialRetryBackoff");
            return this;
        }

        /** Longest wait between two attempts; default 30 s. */
        public Builder<T> maxRetryBackoff(Duration maxRetryBackoff) {
            this.maxRetryBackoff = atLeastOneMilli(maxRetryBackoff, "maxRetryBackoff");
            return this;
        }

        /**
         * How long one batch may keep failing with retriable errors before the job fails (and
         * restarts from its last checkpoint, without losing rows). Not set by default: the writer
         * retries until ClickHouse is back or the job is cancelled.
         */
        public Builder<T> retryTimeout(Duration retryTimeout) {
            this.retryTimeout = atLeastOneMilli(retryTimeout, "retryTimeout");
            return this;
        }

        /** Socket timeout of one insert; a timed-out insert is retried. Default 60 s. */
        public Builder<T> requestTimeout(Duration requestTimeout) {
            this.requestTimeout = atLeastOneMilli(requestTimeout, "requestTimeout");
            return this;
        }

        public ClickHouseSink<T> build() {
            List<String> missing = new ArrayList<>();
            if (config == null) {
                missing.add("config (.config(ClickHouseConfig.fromEnv()))");
            }
            if (table == null) {
                missing.add("table (.table(\"decline_rates_1m\"))");
            }
            if (columns == null) {
                missing.add("columns (.columns(List.of(\"window_start\", ...)))");
            }
            if (rowMapper == null) {
                missing.add("rowMapper (.rowMapper(row -> new Object[] {...}))");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("ClickHouseSink needs " + String.join(", ", missing));
            }
            if (maxRetryBackoff.compareTo(initialRetryBackoff) < 0) {
                throw new IllegalStateException("maxRetryBackoff (" + maxRetryBackoff.toMillis()
                        + " ms) is shorter than initialRetryBackoff (" + initialRetryBackoff.toMillis()
                        + " ms): raise maxRetryBackoff or lower initialRetryBackoff");
            }
            if (retryTimeout != null && retryTimeout.compareTo(initialRetryBackoff) <= 0) {
                throw new IllegalStateException("retryTimeout (" + retryTimeout.toMillis()
                        + " ms) must be longer than initialRetryBackoff (" + initialRetryBackoff.toMillis()
                        + " ms), or a failed batch would give up before its first retry: raise retryTimeout");
            }
            ClickHouseSinkSettings settings = new ClickHouseSinkSettings(config.url(), config.user(), config.password(),
                    config.database(), table, columns, maxBatchRows, flushInterval.toMillis(),
                    initialRetryBackoff.toMillis(), maxRetryBackoff.toMillis(),
                    retryTimeout == null ? 0 : retryTimeout.toMillis(), requestTimeout.toMillis());
            return new ClickHouseSink<>(settings, rowMapper);
        }

        private static Duration atLeastOneMilli(Duration value, String name) {
            if (value == null || value.toMillis() < 1) {
                throw new IllegalArgumentException(name + " must be at least 1 ms, was " + value);
            }
            return value;
        }
    }
}
