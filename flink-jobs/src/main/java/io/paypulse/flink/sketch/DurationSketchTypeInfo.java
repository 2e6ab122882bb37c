package io.paypulse.flink.sketch;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information of {@link DurationSketch}, so Flink uses {@link DurationSketchSerializer}. */
public final class DurationSketchTypeInfo extends TypeInformation<DurationSketch> {

    private static final long serialVersionUID = 1L;

    public static final DurationSketchTypeInfo INSTANCE = new DurationSketchTypeInfo();

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<DurationSketch> getTypeClass() {
        return DurationSketch.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<DurationSketch> createSerializer(SerializerConfig config) {
        return DurationSketchSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "DurationSketch";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof DurationSketchTypeInfo;
    }

    @Override
    public int hashCode() {
        return DurationSketchTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof DurationSketchTypeInfo;
    }
}
