package org.striate.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.nn.Graph;
import org.striate.nn.Layer;
import org.striate.tensor.Tensor;

/**
 * Channels-last graphs as Keras writes them, built by hand: an (N, H, W, C) input transposed to
 * (N, C, H, W) becomes a C×H×W input, Transposes there and back cancel, and what runs on the
 * channels-last tensors in between (element-wise operators, per-channel constants, Concat of
 * channels, ReduceMean over H and W, Flatten before a MatMul) maps to layers on channels-first ones.
 * Transposes that do not come back are listed with the other failures.
 */
class ChannelsLastImportTest {
    private static final int[] TO_FIRST = {0, 3, 1, 2}, TO_LAST = {0, 2, 3, 1};
    private final ProtoWriter graph = new ProtoWriter();

    private String constant(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        graph.message(5, OnnxExporter.tensorProto(name, OnnxModel.FLOAT, dims, b.array()));
        return name;
    }

    private void node(String op, String name, String in1, String in2, String out, Object... attributes) {
        ProtoWriter n = HostileFilesTest.node(op, name, in1, in2, out);
        for (int i = 0; i + 1 < attributes.length; i += 2) n.message(5, OnnxExporter.attribute((String) attributes[i], attributes[i + 1]));
        graph.message(1, n);
    }

    private Graph load(String output, long... inputDims) {
        graph.message(11, HostileFilesTest.valueInfo("input", inputDims)).message(12, HostileFilesTest.valueInfo(output, 1));
        byte[] model = new ProtoWriter().varint(1, 8).message(7, graph).message(8, new ProtoWriter().varint(2, 17)).toBytes();
        return Onnx.fromBytes(model, "m.onnx");
    }

    private static List<String> types(Graph g) { return g.layers().stream().map(Layer::type).toList(); }

    @Test
    void transposesThereAndBackCancelAndChannelConstantsFoldIntoOneAffineLayer() {
        // (N, 3, 4, 2) in; Cast, to (N, C, H, W), Relu, back to (N, H, W, C); · (1, 1, 1, C) + (C); out channels-last
        node("Cast", "c", "input", null, "x0", "to", 1L);
        node("Transpose", "t1", "x0", null, "x1", "perm", TO_FIRST);
        node("Relu", "r", "x1", null, "x2");
        node("Transpose", "t2", "x2", null, "x3", "perm", TO_LAST);
        node("Mul", "bn/Mul", "x3", constant("k", new float[] {2f, -1f}, 1, 1, 1, 2), "x4");
        node("Add", "bn/Add", "x4", constant("b", new float[] {0.5f, 3f}, 2), "y");
        Graph g = load("y", 1, 3, 4, 2);
        assertArrayEquals(new int[] {2, 3, 4}, g.inputShape(), "the model takes C×H×W");
        assertEquals(List.of("ReLU", "ChannelAffine"), types(g), g.spec());
        Tensor x = RoundTripTest.randomInput(g.inputShape(), 2, 5);
        Tensor y = g.forward(x, false);
        assertArrayEquals(x.shape(), y.shape(), "and gives C×H×W");
        for (int i = 0; i < x.size(); i++) {
            int c = i / 12 % 2;
            double want = Math.max(0, x.data[i]) * (c == 0 ? 2 : -1) + (c == 0 ? 0.5 : 3);
            assertEquals(want, y.data[i], 1e-5, "value " + i + "\n" + g.spec());
        }
    }

    @Test
    void concatOfChannelsAndTheMeanOverHeightAndWidth() {
        // Keras's Concatenate (axis −1) of a map and its sigmoid, then GlobalAveragePooling2D (ReduceMean over axes 1, 2)
        node("Transpose", "t1", "input", null, "x0", "perm", TO_FIRST);
        node("Relu", "r", "x0", null, "x1");
        node("Transpose", "t2", "x1", null, "x2", "perm", TO_LAST);
        node("Sigmoid", "s", "x2", null, "x3");
        ProtoWriter concat = new ProtoWriter().string(1, "x2").string(1, "x3").string(2, "x4").string(3, "cat").string(4, "Concat");
        graph.message(1, concat.message(5, OnnxExporter.attribute("axis", -1L)));
        node("ReduceMean", "gap", "x4", null, "y", "axes", new long[] {1, 2}, "keepdims", 0L);
        Graph g = load("y", 1, 3, 4, 2);
        assertEquals(List.of("ReLU", "Sigmoid", "Concat", "GlobalAvgPool2d"), types(g), g.spec());
        Tensor x = RoundTripTest.randomInput(g.inputShape(), 1, 6);
        Tensor y = g.forward(x, false);
        assertArrayEquals(new int[] {1, 4}, y.shape());
        for (int c = 0; c < 4; c++) {
            double sum = 0;
            for (int p = 0; p < 12; p++) {
                double v = Math.max(0, x.data[(c % 2) * 12 + p]);
                sum += c < 2 ? v : 1 / (1 + Math.exp(-v));
            }
            assertEquals(sum / 12, y.data[c], 1e-5, "channel " + c + "\n" + g.spec());
        }
    }

    @Test
    void aFlattenedChannelsLastTensorFeedsTheDenseLayerInItsOwnOrder() {
        // (N, 2, 3, 2): the Flatten of the channels-last tensor orders features h, w, c; MatMul by W (12 × 2)
        node("Transpose", "t1", "input", null, "x0", "perm", TO_FIRST);
        node("Relu", "r", "x0", null, "x1");
        node("Transpose", "t2", "x1", null, "x2", "perm", TO_LAST);
        node("Flatten", "f", "x2", null, "x3", "axis", 1L);
        float[] w = new float[24];
        for (int i = 0; i < w.length; i++) w[i] = (i * 7 % 11) - 5;
        node("MatMul", "fc", "x3", constant("fc.weight", w, 12, 2), "y");
        Graph g = load("y", 1, 2, 3, 2);
        assertEquals(List.of("ReLU", "Flatten", "Dense"), types(g), g.spec());
        Tensor x = RoundTripTest.randomInput(g.inputShape(), 1, 7); // (C, H, W) = (2, 2, 3)
        Tensor y = g.forward(x, false);
        for (int u = 0; u < 2; u++) {
            double want = 0;
            for (int h = 0; h < 2; h++) {
                for (int v = 0; v < 3; v++) for (int c = 0; c < 2; c++) want += Math.max(0, x.data[(c * 2 + h) * 3 + v]) * w[((h * 3 + v) * 2 + c) * 2 + u];
            }
            assertEquals(want, y.data[u], 1e-4, "unit " + u + "\n" + g.spec());
        }
    }

    @Test
    void transposesThatDoNotComeBackAreListedWithTheRest() {
        node("Relu", "r", "input", null, "x0");
        node("Transpose", "swap", "x0", null, "x1", "perm", new int[] {0, 1, 3, 2});
        node("Transpose", "t", "x0", null, "x2", "perm", TO_LAST);
        node("GlobalAveragePool", "gap", "x2", null, "x3");
        node("Add", "sum", "x1", "x3", "y");
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> load("y", 1, 2, 3, 3));
        String m = e.getMessage();
        assertTrue(m.contains("'swap' (Transpose): a Transpose with perm [0, 1, 3, 2] of activations shaped (N, 2, 3, 3)"), m);
        assertTrue(m.contains("'gap' (GlobalAveragePool): GlobalAveragePool of a channels-last tensor (N, 3, 3, 2)"), m);
    }
}
