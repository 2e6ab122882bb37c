package io.paypulse.flink.sketch;

import com.datadoghq.sketch.ddsketch.DDSketch;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationSketchTest {

    @Test
    void quantilesAreWithinOnePercentOfTheExactValue() {
        Random random = new Random(7);
        long[] values = new long[10_000];
        DurationSketch sketch = DurationSketch.empty();
        for (int i = 0; i < values.length; i++) {
            // Log-normal-ish latencies from a few ms to minutes, the shape webhook latency has.
            values[i] = 1 + (long) Math.exp(5 + 2 * random.nextGaussian());
            sketch.add(values[i]);
        }
        Arrays.sort(values);
        for (double q : new double[] {0.5, 0.9, 0.95, 0.99}) {
            long exact = values[(int) Math.floor(q * (values.length - 1))];
            double estimate = sketch.quantile(q);
            assertTrue(Math.abs(estimate - exact) <= DurationSketch.RELATIVE_ACCURACY * exact,
                    "q=" + q + " exact=" + exact + " estimate=" + estimate);
        }
        assertEquals(values[values.length - 1], sketch.max());
        assertEquals(values[0], sketch.min());
        assertEquals(values.length, sketch.count());
        assertEquals(Arrays.stream(values).sum(), sketch.sum());
    }

    @Test
    void serializerRoundTripKeepsEverything() throws Exception {
        DurationSketch sketch = DurationSketch.empty();
        for (long v = 0; v < 500; v += 7) {
            sketch.add(v);
        }
        DataOutputSerializer out = new DataOutputSerializer(64);
        DurationSketchSerializer.INSTANCE.serialize(sketch, out);

        DurationSketch back = DurationSketchSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertEquals(sketch.count(), back.count());
        assertEquals(sketch.sum(), back.sum());
        assertEquals(sketch.min(), back.min());
        assertEquals(sketch.max(), back.max());
        assertEquals(sketch.quantile(0.9), back.quantile(0.9), 0.0);
        assertEquals(sketch.sketchBase64(), back.sketchBase64());

        // The empty sketch round-trips too, and copying through the views is byte for byte.
        DataOutputSerializer empty = new DataOutputSerializer(64);
        DurationSketchSerializer.INSTANCE.serialize(DurationSketch.empty(), empty);
        DataOutputSerializer copied = new DataOutputSerializer(64);
        DurationSketchSerializer.INSTANCE.copy(new DataInputDeserializer(empty.getCopyOfBuffer()), copied);
        assertEquals(0, DurationSketchSerializer.INSTANCE.deserialize(new DataInputDeserializer(copied.getCopyOfBuffer())).count());
    }

    @Test
    void storedSketchesOfTwoWindowsMergeIntoTheSketchOfBoth() {
        DurationSketch first = DurationSketch.empty();
        DurationSketch second = DurationSketch.empty();
        DurationSketch both = DurationSketch.empty();
        for (long v = 1; v <= 1000; v++) {
            (v % 3 == 0 ? first : second).add(v * 13);
            both.add(v * 13);
        }

        DDSketch rolledUp = DurationSketch.decodeBase64(first.sketchBase64());
        rolledUp.mergeWith(DurationSketch.decodeBase64(second.sketchBase64()));

        for (double q : new double[] {0.5, 0.9, 0.99}) {
            assertEquals(both.quantile(q), rolledUp.getValueAtQuantile(q), 1e-9);
        }
        assertEquals(1000, rolledUp.getCount(), 0.0);
    }

    @Test
    void negativeLatencyCountsAsZero() {
        DurationSketch sketch = DurationSketch.empty();
        sketch.add(-250);
        assertEquals(0, sketch.max());
        assertEquals(0.0, sketch.quantile(0.5), 0.0);
    }
}
