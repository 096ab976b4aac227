package org.striate.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.striate.data.Dataset;
import org.striate.data.MnistFiles;
import org.striate.data.TrainTestSplit;
import org.striate.nn.Graph;
import org.striate.nn.Layer;
import org.striate.train.AdamW;
import org.striate.train.Evaluator;
import org.striate.train.TrainOptions;
import org.striate.train.Trainer;

/**
 * Transfer learning on a model trained elsewhere: fashion-cnn trained briefly in PyTorch
 * (scripts/onnx_finetune_fixture.py), imported, its convolutions frozen, one epoch on Fashion-MNIST
 * images PyTorch did not see. The frozen weights must come out bit-identical and the test accuracy
 * must not fall. Small parts of the data keep it to seconds with the scalar kernels of Java 17 (the
 * full epoch, 60,000 images, is measured from the command line: README, "Models from PyTorch and
 * Keras"). Skipped when Fashion-MNIST is not installed.
 */
class FineTuningTest {
    static final Path FASHION = MnistFiles.FASHION_MNIST_SYSTEM_DIR;

    @Test
    void frozenConvolutionsSurviveAnEpochBitForBitAndAccuracyDoesNotFall() throws Exception {
        assumeTrue(Files.isRegularFile(FASHION.resolve("train-images-idx3-ubyte.gz")), "Fashion-MNIST is not installed in " + FASHION);
        Graph g = Onnx.load(PyTorchFixturesTest.DIR.resolve("fashion-cnn-torch.onnx"));
        TrainTestSplit data = MnistFiles.load(FASHION);
        // PyTorch trained on the first 10,000 images; these are new to the model
        Dataset train = data.train().subset(IntStream.range(10_000, 11_500).toArray()), test = data.test().head(1_000);
        double before = Evaluator.evaluate(g, test).accuracy();
        assertTrue(before > 0.7, "the imported model classifies as PyTorch's did: accuracy " + before);

        List<Layer> convs = g.layers().stream().filter(l -> l.type().equals("Conv2d")).toList();
        assertTrue(convs.size() == 2, g.spec());
        float[][] frozen = new float[convs.size()][];
        for (int i = 0; i < convs.size(); i++) frozen[i] = paramsOf(g, convs.get(i).trainable(false));
        Layer head = g.layers().get(g.layers().size() - 1);
        float[] headBefore = paramsOf(g, head), mean = g.mean(), std = g.std();

        // a fine-tuning rate: the head is already trained, and Adam's first steps at 1e-3 would undo some of it
        new Trainer(g, TrainOptions.builder().epochs(1).batchSize(32).optimizer(new AdamW(1e-4)).seed(3).build()).fit(train);

        for (int i = 0; i < convs.size(); i++) assertArrayEquals(frozen[i], paramsOf(g, convs.get(i)), convs.get(i).name());
        assertFalse(Arrays.equals(headBefore, paramsOf(g, head)), "the head was trained");
        assertArrayEquals(mean, g.mean(), "the model's own normalisation");
        assertArrayEquals(std, g.std());
        double after = Evaluator.evaluate(g, test).accuracy();
        System.out.printf("fine-tuned head: test accuracy %.4f -> %.4f on %d images%n", before, after, test.size());
        assertTrue(after >= before, "test accuracy before " + before + ", after " + after);
    }

    private static float[] paramsOf(Graph g, Layer l) {
        return Arrays.copyOfRange(g.params(), l.paramOffset(), l.paramOffset() + l.paramCount());
    }
}
