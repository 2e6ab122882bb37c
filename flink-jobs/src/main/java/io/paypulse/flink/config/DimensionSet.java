package io.paypulse.flink.config;

import java.io.Serializable;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One grouping set of the decline-rate metrics: the dimensions a row is grouped by, all others being
 * rolled up. The empty set is {@code all}. Each attempt is counted once per configured set, never in
 * the cross product of all dimensions.
 */
public final class DimensionSet implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Name of the empty set: one row per window over all attempts. */
    public static final String ALL = "all";

    private final EnumSet<Dimension> dimensions;
    private final String name;

    private DimensionSet(EnumSet<Dimension> dimensions) {
        this.dimensions = dimensions;
        this.name = dimensions.isEmpty() ? ALL
                : dimensions.stream().map(Dimension::columnName).collect(Collectors.joining(","));
    }

    /** The set of these dimensions (order does not matter). */
    public static DimensionSet of(Dimension... dimensions) {
        EnumSet<Dimension> set = EnumSet.noneOf(Dimension.class);
        for (Dimension d : dimensions) {
            if (!set.add(d)) {
                throw new IllegalArgumentException("dimension " + d.columnName() + " is listed twice in one set");
            }
        }
        return new DimensionSet(set);
    }

    /** Parses {@code all} or comma-separated dimension names such as {@code card_brand,card_country}. */
    public static DimensionSet parse(String text) {
        String trimmed = text.strip();
        if (trimmed.equals(ALL)) {
            return of();
        }
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("empty dimension set; write 'all' for the set without dimensions");
        }
        String[] parts = trimmed.split(",");
        Dimension[] dims = new Dimension[parts.length];
        for (int i = 0; i < parts.length; i++) {
            dims[i] = Dimension.fromColumnName(parts[i].strip());
        }
        return of(dims);
    }

    /** Canonical name, e.g. {@code card_brand,card_country}; stored in the {@code dimension_set} column. */
    public String name() {
        return name;
    }

    public boolean contains(Dimension dimension) {
        return dimensions.contains(dimension);
    }

    public Set<Dimension> dimensions() {
        return EnumSet.copyOf(dimensions);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DimensionSet other && other.dimensions.equals(dimensions);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
