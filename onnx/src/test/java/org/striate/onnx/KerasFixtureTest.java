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
 * BatchNormalization as Sub, Mul and Add of per-channel constants; and channels-last models, with
 * Transposes around every Conv and MaxPool. They import and give Keras's outputs within 1e-4.
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

    /**
     * Keras's default, channels-last: the Transposes around each Conv and MaxPool cancel, the
     * (1, 1, 1, C) constants of BatchNormalization become affine layers, and the model takes C×H×W
     * (the test transposes Keras's (N, H, W, C) input). The Flatten of (N, H, W, C) orders features
     * H, W, C: the dense layer's weights are permuted to take Striate's C, H, W order.
     */
    @Test
    void channelsLastWithFlattenImportsAndMatchesKeras() throws Exception {
        Graph g = Onnx.load(PyTorchFixturesTest.DIR.resolve("keras-nhwc-flatten-cnn.onnx"));
        assertChannelsLast(g, "Flatten", "keras-nhwc-flatten-cnn");
    }

    /** GlobalAveragePooling2D of a channels-last tensor is a ReduceMean over axes 1 and 2: global average pooling. */
    @Test
    void channelsLastWithGlobalAveragePoolingImportsAndMatchesKeras() throws Exception {
        Graph g = Onnx.load(PyTorchFixturesTest.DIR.resolve("keras-nhwc-gap-cnn.onnx"));
        assertChannelsLast(g, "GlobalAvgPool2d", "keras-nhwc-gap-cnn");
    }

    private static void assertChannelsLast(Graph g, String head, String name) throws Exception {
        assertArrayEquals(new int[] {3, 14, 12}, g.inputShape());
        List<String> types = g.layers().stream().map(Layer::type).toList();
        assertEquals(List.of("Conv2d", "ChannelAffine", "ReLU", "MaxPool2d", "Conv2d", "ChannelAffine", "ReLU", head, "Dense"), types, g.spec());
        assertTrue(((Conv2d) g.layer(0)).hasBias() && !((Conv2d) g.layer(4)).hasBias(), g.spec());
        assertMatchesKeras(g, name);
        OnnxRuntimeTest.assertClose(g, 17, 6, name + " exported");
        Graph back = Onnx.fromBytes(Onnx.toBytes(g, 17), name + " again");
        assertEquals(g.spec(), back.spec());
        RoundTripTest.assertSamePredictions(g, back, 6);
    }

    private static void assertMatchesKeras(Graph g, String name) throws Exception {
        Tensor x = Npy.read(PyTorchFixturesTest.DIR.resolve(name + ".input.npy"));
        if (name.startsWith("keras-nhwc")) x = channelsFirst(x);
        Tensor want = Npy.read(PyTorchFixturesTest.DIR.resolve(name + ".output.npy"));
        Tensor y = g.forward(x, false);
        assertArrayEquals(want.shape(), y.shape());
        float worst = 0;
        for (int i = 0; i < want.size(); i++) worst = Math.max(worst, Math.abs(want.data[i] - y.data[i]));
        assertTrue(worst <= 1e-4f, "largest difference " + worst + "\n" + g.spec());
    }

    /** (N, H, W, C) → (N, C, H, W). */
    static Tensor channelsFirst(Tensor x) {
        int[] s = x.shape();
        int n = s[0], h = s[1], w = s[2], c = s[3];
        float[] out = new float[x.size()];
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                for (int z = 0; z < w; z++) for (int k = 0; k < c; k++) out[((i * c + k) * h + y) * w + z] = x.data[((i * h + y) * w + z) * c + k];
            }
        }
        return Tensor.of(out, n, c, h, w);
    }
}
