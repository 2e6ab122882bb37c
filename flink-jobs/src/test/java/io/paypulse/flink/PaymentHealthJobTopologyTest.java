package io.paypulse.flink;

import io.paypulse.flink.config.AlertingConfig;
import io.paypulse.flink.config.JobConfig;
import io.paypulse.schemas.ClickHouseConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job as production defines it ({@link PaymentHealthRunner#define}), checked as a graph, without running it. */
class PaymentHealthJobTopologyTest {

    private static final String GATE = "lateness-gate";

    /**
     * The gate keeps what follows it active whatever the sources' idleness, which is what stops the windows
     * from dropping partials as late (see {@code LatenessGate}). An input that reached a window around it, a
     * union with the raw events say, would bring that back.
     */
    @Test
    void everyInputOfEveryMetricWindowComesAfterTheLatenessGate() {
        StreamGraph graph = productionGraph();
        List<StreamNode> windows = graph.getStreamNodes().stream()
                .filter(n -> n.getOperatorFactory() instanceof SimpleOperatorFactory<?> f
                        && f.getOperator() instanceof WindowOperator<?, ?, ?, ?, ?>)
                .sorted((a, b) -> a.getOperatorName().compareTo(b.getOperatorName()))
                .toList();
        assertEquals(List.of("Decline rates per minute", "Settlement times per minute", "Webhook latency per minute"),
                windows.stream().map(StreamNode::getOperatorName).toList());

        for (StreamNode window : windows) {
            assertEquals(List.of(), pathsFromASourceAround(graph, window, GATE), window.getOperatorName());
            // The walk does find a way around an operator that is not on every path: the raw events' branch.
            assertTrue(!pathsFromASourceAround(graph, window, "raw-events").isEmpty(), window.getOperatorName());
        }
    }

    private static StreamGraph productionGraph() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PaymentHealthRunner.define(env, JobConfig.fromEnv(Map.of()), AlertingConfig.fromEnv(Map.of()),
                ClickHouseConfig.fromEnv(Map.of()));
        return env.getStreamGraph();
    }

    /** Each way from a source to {@code node} that does not pass the operator with uid {@code barrier}, as names. */
    private static List<String> pathsFromASourceAround(StreamGraph graph, StreamNode node, String barrier) {
        List<String> paths = new ArrayList<>();
        walkUp(graph, node, barrier, node.getOperatorName(), paths);
        return paths;
    }

    private static void walkUp(StreamGraph graph, StreamNode node, String barrier, String path, List<String> out) {
        if (barrier.equals(node.getTransformationUID())) {
            return;
        }
        if (node.getInEdges().isEmpty()) {
            out.add(path);
            return;
        }
        for (StreamEdge edge : node.getInEdges()) {
            StreamNode upstream = graph.getStreamNode(edge.getSourceId());
            walkUp(graph, upstream, barrier, upstream.getOperatorName() + " -> " + path, out);
        }
    }
}
