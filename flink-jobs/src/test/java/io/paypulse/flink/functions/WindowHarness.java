package io.paypulse.flink.functions;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * Harnesses around the window operators exactly as {@code PaymentHealthJob} wires them (assigner,
 * allowed lateness, aggregate and window function), taken from the job's own stream graph.
 */
final class WindowHarness {

    private WindowHarness() {
    }

    /** A stream environment only for building the graph the operator is taken from; it never runs. */
    static StreamExecutionEnvironment graphOnly() {
        return StreamExecutionEnvironment.getExecutionEnvironment();
    }

    @SuppressWarnings("unchecked")
    static <IN, OUT> KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> of(SingleOutputStreamOperator<OUT> windowed)
            throws Exception {
        OneInputTransformation<IN, OUT> t = (OneInputTransformation<IN, OUT>) windowed.getTransformation();
        return new KeyedOneInputStreamOperatorTestHarness<>(t.getOperatorFactory(),
                (KeySelector<IN, String>) t.getStateKeySelector(), (TypeInformation<String>) t.getStateKeyType());
    }
}
