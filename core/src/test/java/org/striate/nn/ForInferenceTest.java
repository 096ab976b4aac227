package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.kernels.KernelProvider;
import org.striate.kernels.Kernels;
import org.striate.kernels.ScalarKernels;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * A copy made for inference ({@link Graph#forInference}) computes what its model computes, keeps its
 * weights to itself (later changes to the model do not reach it, and its own cannot be written), and
 * still follows a BatchNorm state loaded into it (its folded weights are made again).
 */
class ForInferenceTest {

    @Test
    void everyBuiltInModelGivesItsModelsOutputs() {
        for (Kernels k : InferencePathTest.kernelsToTry()) {
            KernelProvider.use(k);
            try {
                for (String name : Zoo.names()) {
                    Graph model = withStatistics(Zoo.build(name, 7), name.hashCode());
                    Graph fixed = model.forInference();
                    assertTrue(fixed.isForInference() && fixed != model, name);
                    for (int batch : new int[] {1, 3}) {
                        Tensor x = input(model, batch, name.hashCode() + batch);
                        float[] expected = model.forward(x, false).data.clone();
                        // the copy sums in other orders where its kernels differ (a dense layer's single row
                        // over its kept transposed weights, SingleRowDense), so within 1e-5, as folding is
                        for (int call = 0; call < 2; call++) { // the second call uses what the first laid out and folded
                            InferencePathTest.assertClose(k.name() + " " + name + " batch " + batch + " call " + call, expected,
                                    fixed.forward(x, false).data, 1e-5);
                        }
                    }
                }
            } finally {
                KernelProvider.use(new ScalarKernels());
            }
        }
    }

    @Test
    void laterChangesToTheModelDoNotReachTheCopy() {
        Graph model = withStatistics(Zoo.build("resnet8", 3), 3);
        Graph fixed = model.forInference();
        Tensor x = input(model, 2, 4);
        float[] before = fixed.forward(x, false).data.clone();
        for (int i = 0; i < model.params().length; i++) model.params()[i] *= 1.5f;
        assertFalse(java.util.Arrays.equals(before, model.forward(x, false).data), "the change changed nothing");
        assertArrayEquals(before, fixed.forward(x, false).data);
        // a new copy sees the change
        InferencePathTest.assertClose("new copy", model.forward(x, false).data.clone(), model.forInference().forward(x, false).data, 1e-6);
    }

    @Test
    void itsWeightsCannotBeWrittenOrTrained() {
        Graph fixed = Zoo.build("fashion-cnn", 3).forInference();
        Tensor x = input(fixed, 2, 5);
        float[] before = fixed.forward(x, false).data.clone();
        float[] p = fixed.params();
        java.util.Arrays.fill(p, 0f); // a copy: the model's weights stay
        assertArrayEquals(before, fixed.forward(x, false).data);
        assertTrue(fixed.params()[0] != 0f || fixed.params()[1] != 0f, "params() handed out the buffer itself");
        StriateException e = assertThrows(StriateException.class, () -> fixed.forward(x, true));
        assertTrue(e.getMessage().contains("forInference"), e.getMessage());
        assertThrows(StriateException.class, () -> fixed.backward(new Tensor(Shapes.withBatch(2, fixed.outputShape()))));
        assertThrows(StriateException.class, () -> fixed.initParams(1));
        assertSame(fixed, fixed.forInference());
    }

    /** A BatchNorm's state loaded into the copy (its weights stay fixed) is folded in again. */
    @Test
    void loadedBatchNormStateIsFoldedAgain() {
        for (Kernels k : InferencePathTest.kernelsToTry()) {
            KernelProvider.use(k);
            try {
                Graph model = withStatistics(Zoo.build("resnet8", 5), 5);
                Graph fixed = model.forInference();
                Tensor x = input(model, 1, 6);
                fixed.forward(x, false);
                Random r = new Random(8);
                for (int i = 0; i < model.layers().size(); i++) {
                    if (!(model.layer(i) instanceof BatchNorm2d bn)) continue;
                    float[] state = bn.state();
                    for (int c = 0; c < state.length; c++) state[c] += c < state.length / 2 ? r.nextFloat() - 0.5f : r.nextFloat();
                    bn.loadState(state);
                    fixed.layer(i).loadState(state);
                }
                InferencePathTest.assertClose(k.name(), model.forward(x, false).data.clone(), fixed.forward(x, false).data, 1e-6);
            } finally {
                KernelProvider.use(new ScalarKernels());
            }
        }
    }

    @Test
    void keepsNormalisationAndClassNames() {
        Graph model = Zoo.build("lenet5", 1).normalization(new float[] {0.3f}, new float[] {0.2f}).classNames("a", "b");
        Graph fixed = model.forInference();
        assertArrayEquals(model.mean(), fixed.mean());
        assertArrayEquals(model.std(), fixed.std());
        assertArrayEquals(model.classNames(), fixed.classNames());
        assertEquals(model.spec(), fixed.spec());
    }

    /**
     * A residual sum is written by the pass that makes the later of its inputs, when that pass is a
     * convolution (with its BatchNorm folded) whose output only the sum reads: resnet8's three blocks, and
     * a block whose shortcut is the model's input. Not when the convolution's output has another reader,
     * nor for a sum of three. The trainable model keeps its sums apart. Outputs equal the model's on the
     * scalar and the vector kernels, at batches that take Winograd's passes and the gathered products.
     */
    @Test
    void residualSumsAreWrittenByThePassBeforeThem() {
        Graph resnet = withStatistics(Zoo.build("resnet8", 5), 5);
        assertTrue(resnet.forInference().forwardPasses().containsAll(List.of("conv2d_3+res1+add_1+block1",
                "conv2d_6+short2+add_2+block2", "conv2d_9+short3+add_3+relu_4")), resnet.forInference().forwardPasses().toString());
        assertTrue(resnet.forwardPasses().contains("add_1+block1"), resnet.forwardPasses().toString());
        // a block whose shortcut is the sum a pass before wrote (resnet18's second)
        List<String> resnet18 = Zoo.build("resnet18", 5).forInference().forwardPasses();
        assertTrue(resnet18.contains("conv2d_5+res2+add_2+block2") && resnet18.stream().noneMatch(p -> p.startsWith("add_")), resnet18.toString());

        GraphBuilder a = Graph.builder();
        Node in = a.input(4, 9, 7);
        Node sum = a.add(new Add(), a.add(new BatchNorm2d(), a.add(new Conv2d(4, 3).padding(1), in)), in);
        a.output(a.add(new ReLU(), sum));
        Graph shortcutIsInput = withStatistics(a.build(3), 3);
        assertEquals(List.of("conv2d_1+batchnorm2d_1+add_1+relu_1"), shortcutIsInput.forInference().forwardPasses());

        GraphBuilder b = Graph.builder();
        in = b.input(4, 9, 7);
        Node conv = b.add(new Conv2d(4, 3).padding(1), in);
        b.output(b.add(new Add(), b.add(new Add(), conv, in), conv));  // conv read twice
        Graph readTwice = b.build(4);
        assertEquals(readTwice.forwardPasses(), readTwice.forInference().forwardPasses());

        GraphBuilder c = Graph.builder();
        in = c.input(4, 9, 7);
        c.output(c.add(new Add(), in, c.add(new Conv2d(4, 1), in), c.add(new Conv2d(4, 3).padding(1), in)));
        Graph ofThree = c.build(5);
        assertEquals(ofThree.forwardPasses(), ofThree.forInference().forwardPasses());

        assertCopiesMatch(1e-6, resnet, shortcutIsInput, readTwice, ofThree);
    }

    /**
     * A max pool after Conv2d → BatchNorm2d → ReLU is taken into their pass at inference (resnet18's stem),
     * not in the trainable model, not when the ReLU's output has another reader, and not for an average
     * pool. Outputs equal the model's on the scalar and the vector kernels, at batches that split a
     * sample's pooled rows over the threads and that give each thread whole samples.
     */
    @Test
    void aMaxPoolAfterANormalisedReluJoinsTheirPass() {
        assertTrue(Zoo.build("resnet18", 5).forInference().forwardPasses().contains("conv2d_1+batchnorm2d_1+relu_1+pool"));
        assertTrue(Zoo.build("resnet18", 5).forwardPasses().contains("pool"));

        GraphBuilder a = Graph.builder();
        Node in = a.input(3, 37, 30);
        Node relu = a.add(new ReLU(), a.add(new BatchNorm2d(), a.add(new Conv2d(64, 5).stride(2).padding(2), in)));
        a.output(a.add(new MaxPool2d(3).stride(2).padding(1), relu));
        Graph pooled = withStatistics(a.build(6), 6);
        assertEquals(List.of("conv2d_1+batchnorm2d_1+relu_1+maxpool2d_1"), pooled.forInference().forwardPasses());

        GraphBuilder b = Graph.builder();
        in = b.input(3, 12, 12);
        relu = b.add(new ReLU(), b.add(new BatchNorm2d(), b.add(new Conv2d(64, 3).padding(1), in)));
        b.output(b.add(new Add(), b.add(new MaxPool2d(3).stride(1).padding(1), relu), relu));  // the ReLU read twice
        Graph readTwice = withStatistics(b.build(7), 7);
        assertTrue(readTwice.forInference().forwardPasses().contains("maxpool2d_1"), readTwice.forInference().forwardPasses().toString());

        GraphBuilder c = Graph.builder();
        in = c.input(3, 12, 12);
        c.output(c.add(new AvgPool2d(2), c.add(new ReLU(), c.add(new BatchNorm2d(), c.add(new Conv2d(64, 3), in)))));
        Graph averaged = withStatistics(c.build(8), 8);
        assertEquals(List.of("conv2d_1+batchnorm2d_1+relu_1", "avgpool2d_1"), averaged.forInference().forwardPasses());

        assertCopiesMatch(1e-5, pooled, readTwice, averaged);
    }

    /** Each model's inference copy gives its outputs within {@code tolerance}, on the scalar and the vector kernels, at batches 1, 2 and 9. */
    private static void assertCopiesMatch(double tolerance, Graph... models) {
        for (Kernels k : InferencePathTest.kernelsToTry()) {
            KernelProvider.use(k);
            try {
                for (Graph model : models) {
                    for (int batch : new int[] {1, 2, 9}) {
                        Tensor x = input(model, batch, batch), expected = model.forward(x, false);
                        Graph fixed = model.forInference();
                        InferencePathTest.assertClose(k.name() + " " + fixed.forwardPasses() + " batch " + batch,
                                java.util.Arrays.copyOf(expected.data, expected.size()), fixed.forward(x, false).data, tolerance);
                    }
                }
            } finally {
                KernelProvider.use(new ScalarKernels());
            }
        }
    }

    private static Graph withStatistics(Graph model, long seed) {
        Random r = new Random(seed);
        for (Layer layer : model.layers()) if (layer instanceof BatchNorm2d bn) InferencePathTest.randomStatistics(bn, r);
        return model;
    }

    private static Tensor input(Graph model, int batch, long seed) {
        Random r = new Random(seed);
        Tensor x = new Tensor(Shapes.withBatch(batch, model.inputShape()));
        for (int i = 0; i < x.size(); i++) x.data[i] = r.nextFloat();
        return x;
    }
}
