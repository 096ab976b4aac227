package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.striate.data.Dataset;
import org.striate.kernels.KernelProvider;
import org.striate.kernels.Kernels;
import org.striate.kernels.ScalarKernels;
import org.striate.lab.ModelSummary;
import org.striate.nn.Graph;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Zoo;
import org.striate.tensor.Tensor;

/** Graph models train like stacks: deterministically, on every thread, and on per-pixel tasks. */
class GraphTrainingTest {
    private static Kernels previous;

    @BeforeAll
    static void twoThreads() {
        previous = Kernels.get();
        KernelProvider.use(new ScalarKernels(2));
    }

    @AfterAll
    static void restore() { KernelProvider.use(previous instanceof ScalarKernels ? new ScalarKernels() : previous); }

    /** A residual block and a concatenation, no batch statistics: the batch is split over both threads. */
    static final String BRANCHY = """
            input 1x8x8
            conv 4 3x3 pad=same name=a
            relu name=ra
            conv 4 3x3 pad=same
            relu
            add in=ra,relu_1 name=sum
            maxpool 2 in=sum name=p
            conv 2 1x1 in=sum
            maxpool 2
            concat in=p,maxpool2d_1
            flatten
            dense 2
            """;

    private static float[] train(String spec, long seed, int samples) {
        Graph m = LayerSpecs.parse(spec, "graph.spec", null).build(seed);
        new Trainer(m, TrainOptions.builder().epochs(2).batchSize(16).optimizer(new Adam(0.01)).seed(seed).build()).fit(Bars.make(samples, 2));
        return m.params().clone();
    }

    @Test
    void sameSeedAndThreadsGiveBitIdenticalGraphTraining() {
        assertEquals(2, new DataParallel(LayerSpecs.parse(BRANCHY, "g", null).build(1)).threads());
        assertArrayEquals(train(BRANCHY, 7, 96), train(BRANCHY, 7, 96));
        String resnet = "input 1x8x8\n" + Zoo.layers("resnet8", 2);
        assertArrayEquals(train(resnet, 3, 32), train(resnet, 3, 32));
    }

    @Test
    void aSplitBatchGivesTheSameGradientsAsOneThread() {
        Graph model = LayerSpecs.parse(BRANCHY, "g", null).build(5);
        Tensor x = Bars.make(20, 3).images();
        int[] labels = Bars.make(20, 3).labels();
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        model.zeroGrad();
        loss.forward(model.forward(x, true), labels);
        model.backwardParameters(loss.backward());
        float[] single = model.grads().clone();
        DataParallel split = new DataParallel(model);
        model.zeroGrad();
        loss.forward(split.forward(x, true), labels);
        split.backwardParameters(loss.backward());
        for (int i = 0; i < single.length; i++) assertEquals(single[i], model.grads()[i], 1e-5 * (1 + Math.abs(single[i])));
    }

    static final int SIDE = 12, PLANE = SIDE * SIDE, BATCH = 8;

    /** Bright squares on noise; the label of each pixel says whether it is inside a square. */
    static Tensor[] squares(int n, long seed) {
        Random r = new Random(seed);
        Tensor x = new Tensor(n, 1, SIDE, SIDE), y = new Tensor(n, SIDE, SIDE);
        for (int s = 0; s < n; s++) {
            int side = 3 + r.nextInt(3), top = r.nextInt(SIDE - side + 1), left = r.nextInt(SIDE - side + 1);
            for (int i = 0; i < SIDE; i++) {
                for (int j = 0; j < SIDE; j++) {
                    boolean in = i >= top && i < top + side && j >= left && j < left + side;
                    x.data[(s * SIDE + i) * SIDE + j] = r.nextFloat() * 0.5f + (in ? 0.5f : 0);
                    y.data[(s * SIDE + i) * SIDE + j] = in ? 1 : 0;
                }
            }
        }
        return new Tensor[] {x, y};
    }

    @Test
    void unetSmallLearnsAPerPixelTaskAndSummarises() {
        Graph unet = Zoo.build("unet-small", new int[] {1, SIDE, SIDE}, 2, 4);
        ModelSummary s = ModelSummary.of(unet);
        assertEquals(unet.layers().size(), s.rows().size());
        assertTrue(s.rows().stream().anyMatch(r -> r.inputs().size() == 2), "the concatenations read two nodes");
        Tensor[] data = squares(8 * BATCH, 1);
        Tensor[] test = squares(32, 2);
        Adam adam = new Adam(0.01);
        Tensor dy = new Tensor(BATCH, 2, SIDE, SIDE);
        for (int step = 0; step < 30; step++) {
            int from = (step % 8) * BATCH;
            Tensor x = data[0].slice(from, from + BATCH), labels = data[1].slice(from, from + BATCH);
            unet.zeroGrad();
            Tensor logits = unet.forward(x, true);
            pixelSoftmaxGradient(logits, labels, dy);
            unet.backwardParameters(dy);
            adam.step(unet.params(), unet.grads(), 0.01);
        }
        Tensor logits = unet.forward(test[0], false);
        int right = 0, total = test[1].size();
        for (int p = 0; p < total; p++) {
            int n = p / PLANE, pixel = p % PLANE;
            boolean one = logits.data[(n * 2 + 1) * PLANE + pixel] > logits.data[(n * 2) * PLANE + pixel];
            if (one == (test[1].data[p] == 1)) right++;
        }
        double accuracy = (double) right / total;
        System.out.println("unet-small toy pixel accuracy " + accuracy);
        assertTrue(accuracy > 0.95, "pixel accuracy " + accuracy);
    }

    /** Mean over pixels of softmax cross-entropy between 2 maps and a 0/1 label per pixel: dy = (p − onehot)/pixels. */
    private static void pixelSoftmaxGradient(Tensor logits, Tensor labels, Tensor dy) {
        int n = logits.batch(), plane = PLANE;
        float scale = 1f / (n * plane);
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < plane; i++) {
                float a = logits.data[(s * 2) * plane + i], b = logits.data[(s * 2 + 1) * plane + i];
                double pb = 1 / (1 + Math.exp(a - b));
                float t = labels.data[s * plane + i];
                dy.data[(s * 2 + 1) * plane + i] = (float) (pb - t) * scale;
                dy.data[(s * 2) * plane + i] = (float) ((1 - pb) - (1 - t)) * scale;
            }
        }
    }
}
