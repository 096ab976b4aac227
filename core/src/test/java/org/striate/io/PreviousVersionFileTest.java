package org.striate.io;

import org.striate.train.BatchLoader;
import org.striate.train.SoftmaxCrossEntropy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.kernels.KernelProvider;
import org.striate.kernels.Kernels;
import org.striate.kernels.ScalarKernels;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;

/**
 * A model file written by format version 1 (before graphs; committed under fixtures/, with the class
 * probabilities that version predicted for a fixed input, computed with the scalar kernels) still
 * loads and predicts bit-identically layer by layer, and is written back as version 2.
 */
class PreviousVersionFileTest {

    static byte[] resource(String name) throws Exception {
        try (InputStream in = PreviousVersionFileTest.class.getResourceAsStream("/fixtures/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aVersionOneFileLoadsAndPredictsBitIdentically(@TempDir Path dir) throws Exception {
        byte[] bytes = resource("v1-model.striate");
        assertEquals(1, bytes[11], "the fixture is a version 1 file");
        Graph model = ModelFile.fromBytes(bytes, "v1-model.striate");
        assertArrayEquals(new String[] {"a", "b", "c", "d", "e"}, model.classNames());
        Tensor x = new Tensor(3, 1, 8, 8);
        for (int i = 0; i < x.size(); i++) x.data[i] = (float) ((i * 0.6180339887) % 1.0);
        DataInputStream expected = new DataInputStream(new java.io.ByteArrayInputStream(resource("v1-model.predictions")));
        Kernels previous = Kernels.get();
        try {
            KernelProvider.use(new ScalarKernels());
            // each layer on its own, as version 1 ran them: the inference path now folds BatchNorm into
            // the convolution before it, which moves outputs by an ulp (InferencePathTest checks that)
            Tensor normalised = new BatchLoader(x, null, x.batch(), model.mean(), model.std()).load(0);
            Tensor[] nodes = model.runNodes(normalised, (node, in) -> node.layer().forward(in, false));
            Tensor out = nodes[nodes.length - 1];
            int k = out.sampleSize();
            float[] p = new float[out.size()];
            for (int i = 0; i < out.batch(); i++) SoftmaxCrossEntropy.softmax(out.data, i * k, k, p, i * k);
            for (int i = 0; i < p.length; i++) assertEquals(expected.readInt(), Float.floatToRawIntBits(p[i]), "probability " + i);
        } finally {
            KernelProvider.use(previous instanceof ScalarKernels ? new ScalarKernels() : previous);
        }
        Path again = dir.resolve("again.striate");
        ModelFile.save(model, again);
        assertEquals(ModelFile.VERSION, Files.readAllBytes(again)[11]);
        assertArrayEquals(model.params(), ModelFile.load(again).params());
    }
}
