package io.paypulse.flink.sketch;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * A distribution of non-negative durations (webhook latency in ms, payout settlement in s): exact
 * count, sum, min and max, plus a DDSketch for quantiles. Any quantile it returns is within
 * {@value #RELATIVE_ACCURACY} (1%) relative error of the true value at that rank, and sketches merge
 * without loss, so a serialized sketch per one-minute window rolls up exactly to any coarser window.
 */
@TypeInfo(DurationSketchTypeInfoFactory.class)
public final class DurationSketch {

    /** DDSketch relative accuracy: estimates are within 1% of the true quantile value. */
    public static final double RELATIVE_ACCURACY = 0.01;

    private final DDSketch sketch;
    private long count;
    private long sum;
    private long min;
    private long max;

    private DurationSketch(DDSketch sketch, long count, long sum, long min, long max) {
        this.sketch = sketch;
        this.count = count;
        this.sum = sum;
        this.min = min;
        this.max = max;
    }

    public static DurationSketch empty() {
        return new DurationSketch(DDSketches.unboundedDense(RELATIVE_ACCURACY), 0, 0, Long.MAX_VALUE, Long.MIN_VALUE);
    }

    /**
     * Adds one duration. Negative values (a bridge clock behind Stripe's) are counted as 0: the
     * sketch keeps no negative bins, and a latency below zero means "immediately" for every reader.
     */
    public void add(long value) {
        long v = Math.max(0, value);
        sketch.accept(v);
        count++;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
    }

    /** Adds everything in {@code other} to this sketch. */
    public void merge(DurationSketch other) {
        if (other.count == 0) {
            return;
        }
        sketch.mergeWith(other.sketch);
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    public DurationSketch copy() {
        return new DurationSketch(sketch.copy(), count, sum, min, max);
    }

    public long count() {
        return count;
    }

    public long sum() {
        return sum;
    }

    /** Smallest value added, 0 when empty. */
    public long min() {
        return count == 0 ? 0 : min;
    }

    /** Largest value added, exactly; 0 when empty. */
    public long max() {
        return count == 0 ? 0 : max;
    }

    /** Exact mean, 0 when empty. */
    public double mean() {
        return count == 0 ? 0.0 : (double) sum / count;
    }

    /** The value at quantile {@code q} (0..1), within 1% relative error; 0 when empty. */
    public double quantile(double q) {
        return count == 0 ? 0.0 : sketch.getValueAtQuantile(q);
    }

    /**
     * The DDSketch in the compact binary encoding of sketches-java ({@code DDSketch.encode}, index
     * mapping included), which {@code DDSketch.decode} and sketches-go's {@code DecodeDDSketch} read.
     */
    public byte[] sketchBytes() {
        GrowingByteArrayOutput output = GrowingByteArrayOutput.withDefaultInitialCapacity();
        try {
            sketch.encode(output, false);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding into memory cannot fail", e);
        }
        return output.trimmedCopy();
    }

    /** {@link #sketchBytes()} in Base64, as stored in ClickHouse. */
    public String sketchBase64() {
        return Base64.getEncoder().encodeToString(sketchBytes());
    }

    /** Rebuilds a sketch from its parts. */
    public static DurationSketch of(byte[] sketchBytes, long count, long sum, long min, long max) {
        try {
            DDSketch decoded = DDSketch.decode(ByteArrayInput.wrap(sketchBytes), UnboundedSizeDenseStore::new);
            return new DurationSketch(decoded, count, sum, min, max);
        } catch (IOException e) {
            throw new UncheckedIOException("not a DDSketch encoding", e);
        }
    }

    /** The raw sketch of a stored Base64 encoding, for rolling windows up. */
    public static DDSketch decodeBase64(String base64) {
        try {
            return DDSketch.decode(ByteArrayInput.wrap(Base64.getDecoder().decode(base64)), UnboundedSizeDenseStore::new);
        } catch (IOException e) {
            throw new UncheckedIOException("not a DDSketch encoding", e);
        }
    }

    long rawMin() {
        return min;
    }

    long rawMax() {
        return max;
    }
}
