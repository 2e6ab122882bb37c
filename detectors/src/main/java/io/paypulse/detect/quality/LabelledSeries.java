package io.paypulse.detect.quality;

import io.paypulse.detect.Kind;
import io.paypulse.detect.Observation;

import java.util.Arrays;

/** One generated series: its name (metric and dimension, e.g. {@code rate:visa-BR}), kind and windows. */
public record LabelledSeries(String name, Kind kind, long[] windowStarts, double[] values, long[] counts) {

    public LabelledSeries {
        if (windowStarts.length != values.length || values.length != counts.length) {
            throw new IllegalArgumentException("series " + name + ": columns of different lengths");
        }
    }

    public int size() {
        return windowStarts.length;
    }

    public Observation observation(int i) {
        return new Observation(windowStarts[i], values[i], counts[i]);
    }

    /** Collects a series one window at a time. */
    static final class Builder {
        private final String name;
        private final Kind kind;
        private long[] starts = new long[1024];
        private double[] values = new double[1024];
        private long[] counts = new long[1024];
        private int size;

        Builder(String name, Kind kind) {
            this.name = name;
            this.kind = kind;
        }

        void add(long windowStart, double value, long count) {
            if (size == starts.length) {
                starts = Arrays.copyOf(starts, size * 2);
                values = Arrays.copyOf(values, size * 2);
                counts = Arrays.copyOf(counts, size * 2);
            }
            starts[size] = windowStart;
            values[size] = value;
            counts[size] = count;
            size++;
        }

        LabelledSeries build() {
            return new LabelledSeries(name, kind, Arrays.copyOf(starts, size), Arrays.copyOf(values, size),
                    Arrays.copyOf(counts, size));
        }
    }
}
