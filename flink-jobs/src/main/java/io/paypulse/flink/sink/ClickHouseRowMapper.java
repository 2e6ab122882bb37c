package io.paypulse.flink.sink;

import java.io.Serializable;

/**
 * Turns one stream element into the values of one ClickHouse row, one value per column of
 * {@link ClickHouseSink.Builder#columns}, in the same order.
 *
 * <p>Java types the sink writes exactly in RowBinary, with ClickHouse's Java client 0.9. The job's tests
 * check {@code String}, {@code Instant} (also in a {@code Nullable(DateTime)}), {@code Boolean},
 * {@code Long} for {@code UInt64}, {@code Integer} for {@code UInt16/32} and {@code Double} against a real
 * server; the rest are the client's mappings. Time values are written as epoch instants, so the JVM's
 * time zone does not matter:
 * <ul>
 *   <li>{@code String} for {@code String}, {@code LowCardinality(String)} and {@code Enum8/16} (by name);</li>
 *   <li>{@code java.time.Instant} for {@code DateTime64(3, 'UTC')} (to the millisecond) and
 *       {@code DateTime('UTC')} (sub-second part dropped); prefer it to {@code LocalDateTime}, whose
 *       meaning depends on the column's time zone;</li>
 *   <li>{@code Boolean} for {@code Bool};</li>
 *   <li>{@code Long}/{@code Integer} for the integer types, {@code BigInteger} for {@code UInt64}
 *       values above {@code Long.MAX_VALUE};</li>
 *   <li>{@code Double} for {@code Float64}, {@code BigDecimal} for {@code Decimal};</li>
 *   <li>{@code LocalDate} for {@code Date};</li>
 *   <li>a {@code List} or array for {@code Array(...)};</li>
 *   <li>{@code null} only for {@code Nullable(...)} columns.</li>
 * </ul>
 *
 * <p>Throw when an element cannot be converted (a missing field, a value out of range): the sink
 * drops that element and counts it in {@code clickhouseRowsDropped}, and the job keeps running.
 * Validate here rather than leaving it to ClickHouse: a value ClickHouse refuses fails the whole
 * batch, and with it the job.
 *
 * @param <T> the stream's element type
 */
@FunctionalInterface
public interface ClickHouseRowMapper<T> extends Serializable {

    /**
     * The column values of {@code element}; the array must not be kept or reused by the mapper,
     * because the sink buffers it until the batch is written.
     *
     * @throws Exception if {@code element} cannot become a row; it is dropped and counted
     */
    Object[] toColumnValues(T element) throws Exception;
}
