package io.paypulse.flink.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A payment attempt attribute that decline rates can be grouped by. The declaration order is the
 * canonical order of dimensions inside a {@link DimensionSet} name, so {@code card_country,card_brand}
 * and {@code card_brand,card_country} name the same set.
 */
public enum Dimension {
    PAYMENT_METHOD_TYPE,
    CARD_BRAND,
    CARD_COUNTRY,
    CARD_FUNDING,
    CURRENCY,
    FAILURE_CODE,
    NETWORK_DECLINE_CODE,
    ACCOUNT;

    /** The name used in configuration, in {@code dimension_set} and as the ClickHouse column. */
    public String columnName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The dimension called {@code name} (a column name), or an exception listing the valid names. */
    public static Dimension fromColumnName(String name) {
        for (Dimension d : values()) {
            if (d.columnName().equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dimension '" + name + "'; use one of "
                + Arrays.stream(values()).map(Dimension::columnName).collect(Collectors.joining(", ")));
    }
}
