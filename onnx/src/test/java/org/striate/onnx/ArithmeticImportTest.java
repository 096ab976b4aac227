package org.striate.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.striate.nn.ChannelAffine;
import org.striate.nn.Graph;
import org.striate.nn.Layer;
import org.striate.tensor.Tensor;

/**
 * Add, Sub, Mul and Div of activations by constants on small hand-built graphs: scalars and one value
 * per channel in the shapes ONNX broadcasts so become one {@link ChannelAffine} per chain; other
 * shapes, and arithmetic between activations, are refused together, naming each node.
 */
class ArithmeticImportTest {
    private final ProtoWriter graph = new ProtoWriter();

    private String constant(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        graph.message(5, OnnxExporter.tensorProto(name, OnnxModel.FLOAT, dims, b.array()));
        return name;
    }

    private void node(String op, String name, String in1, String in2, String out) { graph.message(1, HostileFilesTest.node(op, name, in1, in2, out)); }

    private Graph load(String output, long... inputDims) {
        graph.message(11, HostileFilesTest.valueInfo("input", inputDims)).message(12, HostileFilesTest.valueInfo(output, 1));
        byte[] model = new ProtoWriter().varint(1, 8).message(7, graph).message(8, new ProtoWriter().varint(2, 17)).toBytes();
        return Onnx.fromBytes(model, "m.onnx");
    }

    private static List<String> types(Graph g) { return g.layers().stream().map(Layer::type).toList(); }

    /** Runs the graph on a fixed input and compares each output with f of the input value at the same place, per channel. */
    private static void assertComputes(Graph g, DoubleUnaryOperator[] perChannel) {
        int[] s = g.inputShape();
        int plane = 1;
        for (int i = 1; i < s.length; i++) plane *= s[i];
        Tensor x = RoundTripTest.randomInput(s, 2, 7);
        Tensor y = g.forward(x, false);
        assertArrayEquals(x.shape(), y.shape());
        for (int i = 0; i < x.size(); i++) {
            double want = perChannel[i / plane % s[0]].applyAsDouble(x.data[i]);
            assertEquals(want, y.data[i], 1e-5 * Math.max(1, Math.abs(want)), "value " + i + "\n" + g.spec());
        }
    }

    @Test
    void aChainOfConstantsAfterTheNormalisationBecomesOneAffineLayer() {
        // Sub on the input stays the model's normalisation; then 2·x, c − x (constant first), ÷ (C, 1, 1), + (1, C, 1, 1)
        node("Sub", "norm", "input", constant("mean", new float[] {0.5f, 0.25f}, 1, 2, 1, 1), "x0");
        node("Mul", "bn/Mul", "x0", constant("two", new float[] {2f}), "x1");
        node("Sub", "s", constant("c1", new float[] {1f, -3f}, 1, 2, 1, 1), "x1", "x2");
        node("Div", "d", "x2", constant("c2", new float[] {4f, 0.5f}, 2, 1, 1), "x3");
        node("Add", "a", "x3", constant("c3", new float[] {0.25f, 1f}, 1, 2, 1, 1), "x4");
        node("Relu", "r", "x4", null, "y");
        Graph g = load("y", 1, 2, 3, 4);
        assertEquals(List.of("ChannelAffine", "ReLU"), types(g), g.spec());
        assertEquals("bn", g.layer(0).name());
        assertArrayEquals(new float[] {0.5f, 0.25f}, g.mean());
        assertComputes(g, new DoubleUnaryOperator[] {v -> Math.max(0, (1 - 2 * v) / 4 + 0.25), v -> Math.max(0, (-3 - 2 * v) / 0.5 + 1)});
    }

    @Test
    void flatFeaturesTakeOneValuePerFeature() {
        node("Relu", "r", "input", null, "x0");
        node("Mul", "m", "x0", constant("k", new float[] {1f, -2f, 3f}, 1, 3), "x1");
        node("Sub", "s", "x1", constant("b", new float[] {0.5f, 0f, -1f}, 3), "y");
        Graph g = load("y", 1, 3);
        assertEquals(List.of("ReLU", "ChannelAffine"), types(g), g.spec());
        assertComputes(g, new DoubleUnaryOperator[] {v -> Math.max(0, v) - 0.5, v -> -2 * Math.max(0, v), v -> 3 * Math.max(0, v) + 1});
    }

    @Test
    void aProductReadTwiceIsNotFoldedFurther() {
        // m feeds an Add of a constant and a Relu: the Add starts a layer of its own, m stays 3·x for the Relu
        node("Mul", "m", "input", constant("k", new float[] {3f}, 1), "x1");
        node("Add", "a", "x1", constant("b", new float[] {1f, 2f}, 2, 1, 1), "x2");
        node("Relu", "r", "x1", null, "x3");
        node("Add", "sum", "x2", "x3", "y");
        Graph g = load("y", 1, 2, 2, 2);
        assertEquals(List.of("ChannelAffine", "ChannelAffine", "ReLU", "Add"), types(g), g.spec());
        assertComputes(g, new DoubleUnaryOperator[] {v -> 3 * v + 1 + Math.max(0, 3 * v), v -> 3 * v + 2 + Math.max(0, 3 * v)});
    }

    @Test
    void whatDoesNotBroadcastPerChannelIsListedWithTheRest() {
        node("Relu", "r", "input", null, "x0");
        node("Mul", "per-column", "x0", constant("w", new float[] {1f, 2f, 3f}, 3), "x1");
        node("Mul", "square", "x0", "x0", "x2");
        node("Div", "reciprocal", constant("one", new float[] {1f}), "x0", "x3");
        node("Add", "sum", "x1", "x2", "x4");
        node("Add", "sum2", "x4", "x3", "y");
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> load("y", 1, 2, 3, 3));
        String m = e.getMessage();
        assertTrue(m.contains("'per-column' (Mul): Mul of activations shaped (N, 2, 3, 3) by a constant of shape [3]"), m);
        assertTrue(m.contains("'square' (Mul): Mul of two activations"), m);
        assertTrue(m.contains("'reciprocal' (Div): Div of a constant by activations"), m);
    }
}
