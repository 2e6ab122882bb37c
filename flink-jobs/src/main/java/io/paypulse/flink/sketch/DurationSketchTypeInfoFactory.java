package io.paypulse.flink.sketch;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.lang.reflect.Type;
import java.util.Map;

/** Links {@link DurationSketch} to {@link DurationSketchTypeInfo} through its {@code @TypeInfo} annotation. */
public final class DurationSketchTypeInfoFactory extends TypeInfoFactory<DurationSketch> {

    @Override
    public TypeInformation<DurationSketch> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return DurationSketchTypeInfo.INSTANCE;
    }
}
