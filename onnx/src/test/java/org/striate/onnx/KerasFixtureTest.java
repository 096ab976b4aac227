package org.striate.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.io.Npy;
import org.striate.nn.Conv2d;
import org.striate.nn.Graph;
import org.striate.nn.Layer;
import org.striate.tensor.Tensor;

/**
 * Models built in Keras 3 and exported to ONNX on its torch backend (scripts/onnx_keras_fixture.py):
 * Conv + Add for biases, Casts around every operator, ReduceMean for global average pooling, and
 * BatchNormalization as Sub, Mul and Add of per-channel constants. They import and give Keras's
 * outputs within 1e-4.
 */
class KerasFixtureTest {
    @Test
    void importsAndMatchesKeras() throws Exception {
        Graph g = Onnx.load(PyTorchFixturesTest.DIR.resolve("keras-cnn.onnx"));
        long convs = g.layers().stream().filter(l -> l instanceof Conv2d).count();
        assertEquals(2, convs, g.spec());
        assertTrue(g.layers().stream().filter(l -> l instanceof Conv2d).allMatch(l -> ((Conv2d) l).hasBias()), "each Add became its conv's bias:\n" + g.spec());
        assertTrue(g.layers().stream().anyMatch(l -> l.type().equals("GlobalAvgPool2d")), g.spec());
        assertMatchesKeras(g, "keras-cnn");
    }

    /** Each BatchNormalization (Sub, Mul, Add; after a conv, a conv without bias and a dense layer) becomes one per-channel affine layer. */
    @Test
    void batchNormalizationImportsAndMatchesKeras() throws Exception {
        Graph g = Onnx.load(PyTorchFixturesTest.DIR.resolve("keras-bn-cnn.onnx"));
        List<String> types = g.layers().stream().map(Layer::type).toList();
        assertEquals(List.of("Conv2d", "ChannelAffine", "ReLU", "MaxPool2d", "Conv2d", "ChannelAffine", "ReLU", "GlobalAvgPool2d",
                "Dense", "ChannelAffine", "ReLU", "Dense"), types, g.spec());
        assertTrue(((Conv2d) g.layer(0)).hasBias() && !((Conv2d) g.layer(4)).hasBias(), g.spec());
        assertMatchesKeras(g, "keras-bn-cnn");
        // the model goes out again as ONNX (Mul, Add), runs so in ONNX Runtime, and comes back as it was
        OnnxRuntimeTest.assertClose(g, 17, 5, "keras-bn-cnn exported");
        Graph back = Onnx.fromBytes(Onnx.toBytes(g, 17), "keras-bn-cnn again");
        assertEquals(g.spec(), back.spec());
        RoundTripTest.assertSamePredictions(g, back, 5);
    }

    private static void assertMatchesKeras(Graph g, String name) throws Exception {
        Tensor x = Npy.read(PyTorchFixturesTest.DIR.resolve(name + ".input.npy"));
        Tensor want = Npy.read(PyTorchFixturesTest.DIR.resolve(name + ".output.npy"));
        Tensor y = g.forward(x, false);
        assertArrayEquals(want.shape(), y.shape());
        float worst = 0;
        for (int i = 0; i < want.size(); i++) worst = Math.max(worst, Math.abs(want.data[i] - y.data[i]));
        assertTrue(worst <= 1e-4f, "largest difference " + worst + "\n" + g.spec());
    }
}
