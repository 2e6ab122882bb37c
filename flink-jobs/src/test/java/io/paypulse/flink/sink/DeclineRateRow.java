package io.paypulse.flink.sink;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;

/**
 * A row of the tests' {@code decline_rates_1m} table, generated from its index so every test knows
 * the exact rows it expects. Its columns cover the types paypulse's tables use.
 */
public record DeclineRateRow(Instant windowStart, Instant windowEnd, String cardBrand, String country, long attempts,
        long declines, double declineRate, boolean complete, long version) {

    static final Instant FIRST_WINDOW = Instant.parse("2026-11-24T10:00:00Z");
    static final List<String> COLUMNS = List.of("window_start", "window_end", "card_brand", "country", "attempts",
            "declines", "decline_rate", "complete", "version");
    static final String TABLE_COLUMNS = "window_start DateTime64(3, 'UTC'), window_end DateTime('UTC'), "
            + "card_brand LowCardinality(String), country LowCardinality(String), attempts UInt64, declines UInt64, "
            + "decline_rate Float64, complete Bool, version UInt64";
    static final String TABLE_ENGINE = "ReplacingMergeTree(version) ORDER BY (window_start, card_brand, country)";

    private static final String[] BRANDS = {"visa", "mastercard", "amex", "O'Brien \\ \"quoted\" ✓"};
    private static final String[] COUNTRIES = {"BR", "US", "DE"};

    /**
     * Row {@code index}: one minute window each. The start carries milliseconds, so DateTime64(3)
     * precision is checked; the end is whole seconds, as DateTime stores.
     */
    static DeclineRateRow of(long index) {
        long attempts = 100 + index;
        long declines = index % 17;
        return new DeclineRateRow(windowStartOf(index), FIRST_WINDOW.plus(Duration.ofMinutes(index + 1)),
                BRANDS[(int) (index % BRANDS.length)], COUNTRIES[(int) (index % COUNTRIES.length)], attempts, declines,
                (double) declines / attempts, index % 2 == 0, 1);
    }

    static Instant windowStartOf(long index) {
        return FIRST_WINDOW.plus(Duration.ofMinutes(index)).plusMillis(index % 1000);
    }

    static List<DeclineRateRow> first(long count) {
        return LongStream.range(0, count).mapToObj(DeclineRateRow::of).toList();
    }

    static Object[] toColumnValues(DeclineRateRow row) {
        return new Object[] {row.windowStart(), row.windowEnd(), row.cardBrand(), row.country(), row.attempts(),
                row.declines(),
                row.declineRate(), row.complete(), row.version()};
    }
}
