package org.striate.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.striate.io.Npy;
import org.striate.nn.Conv2d;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;

/**
 * A model built in Keras 3 and exported to ONNX on its torch backend (scripts/onnx_keras_fixture.py):
 * Conv + Add for biases, Casts around every operator, ReduceMean for global average pooling. It imports
 * and gives Keras's outputs within 1e-4.
 */
class KerasFixtureTest {
    @Test
    void importsAndMatchesKeras() throws Exception {
        Graph g = Onnx.load(PyTorchFixturesTest.DIR.resolve("keras-cnn.onnx"));
        long convs = g.layers().stream().filter(l -> l instanceof Conv2d).count();
        assertEquals(2, convs, g.spec());
        assertTrue(g.layers().stream().filter(l -> l instanceof Conv2d).allMatch(l -> ((Conv2d) l).hasBias()), "each Add became its conv's bias:\n" + g.spec());
        assertTrue(g.layers().stream().anyMatch(l -> l.type().equals("GlobalAvgPool2d")), g.spec());
        Tensor x = Npy.read(PyTorchFixturesTest.DIR.resolve("keras-cnn.input.npy"));
        Tensor want = Npy.read(PyTorchFixturesTest.DIR.resolve("keras-cnn.output.npy"));
        Tensor y = g.forward(x, false);
        assertArrayEquals(want.shape(), y.shape());
        float worst = 0;
        for (int i = 0; i < want.size(); i++) worst = Math.max(worst, Math.abs(want.data[i] - y.data[i]));
        assertTrue(worst <= 1e-4f, "largest difference " + worst + "\n" + g.spec());
    }
}
