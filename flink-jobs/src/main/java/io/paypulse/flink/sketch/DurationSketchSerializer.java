package io.paypulse.flink.sketch;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Flink serializer of {@link DurationSketch}: the exact aggregates, then the DDSketch in its protobuf
 * encoding. DDSketch holds store factories that generic (Kryo) serialization cannot handle.
 */
public final class DurationSketchSerializer extends TypeSerializerSingleton<DurationSketch> {

    private static final long serialVersionUID = 1L;

    public static final DurationSketchSerializer INSTANCE = new DurationSketchSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public DurationSketch createInstance() {
        return DurationSketch.empty();
    }

    @Override
    public DurationSketch copy(DurationSketch from) {
        return from.copy();
    }

    @Override
    public DurationSketch copy(DurationSketch from, DurationSketch reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(DurationSketch record, DataOutputView target) throws IOException {
        target.writeLong(record.count());
        target.writeLong(record.sum());
        target.writeLong(record.rawMin());
        target.writeLong(record.rawMax());
        byte[] bytes = record.sketchBytes();
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    @Override
    public DurationSketch deserialize(DataInputView source) throws IOException {
        long count = source.readLong();
        long sum = source.readLong();
        long min = source.readLong();
        long max = source.readLong();
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        return DurationSketch.of(bytes, count, sum, min, max);
    }

    @Override
    public DurationSketch deserialize(DurationSketch reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        target.write(source, 4 * Long.BYTES);
        int length = source.readInt();
        target.writeInt(length);
        target.write(source, length);
    }

    @Override
    public TypeSerializerSnapshot<DurationSketch> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format has one version so far. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<DurationSketch> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
