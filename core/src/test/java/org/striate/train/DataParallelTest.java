package org.striate.nn;

import org.striate.train.DataParallel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.striate.kernels.Parallel;
import org.striate.tensor.Tensor;

class DataParallelTest {
    private static final String SPEC = """
            input 2x9x11
            conv 5 3x3 pad=same
            relu
            maxpool 2
            conv 4 2x3 stride=2 pad=1 dilation=1
            leakyrelu
            flatten
            dense 7
            tanh
            dense 3
            """;

    private static Parallel pool;

    @BeforeAll
    static void startPool() { pool = new Parallel(3); }

    @AfterAll
    static void stopPool() { pool.close(); }

    private static Tensor random(Random rng, int... shape) {
        Tensor t = new Tensor(shape);
        for (int i = 0; i < t.size(); i++) t.data[i] = (float) rng.nextGaussian();
        return t;
    }

    private static Graph model() { return LayerSpecs.parse(SPEC, "test", null).build(7); }

    @Test
    void splitBatchGivesTheOutputsAndGradientsOfTheWholeBatch() {
        for (int batch : new int[] {1, 2, 3, 5, 8, 13, 50, 101}) {
            Random rng = new Random(batch);
            Tensor x = random(rng, batch, 2, 9, 11), dy = random(rng, batch, 3);
            Graph whole = model(), split = model();
            whole.zeroGrad();
            float[] expected = whole.forward(x, true).data.clone();
            whole.backwardParameters(dy);

            DataParallel parallel = new DataParallel(split, pool);
            assertEquals(3, parallel.threads());
            split.zeroGrad();
            Tensor out = parallel.forward(x, true);
            assertEquals(batch, out.batch());
            for (int i = 0; i < batch * 3; i++) assertEquals(expected[i], out.data[i], 1e-5, "output " + i + " at batch " + batch);
            parallel.backwardParameters(dy);
            float[] g = whole.grads(), h = split.grads();
            for (int i = 0; i < g.length; i++) {
                assertEquals(g[i], h[i], 1e-4 * (1 + Math.abs(g[i])), "gradient " + i + " at batch " + batch);
            }
        }
    }

    @Test
    void replicasReadTheModelsWeightsAsTheyChange() {
        Random rng = new Random(3);
        Tensor x = random(rng, 6, 2, 9, 11);
        Graph model = model();
        DataParallel parallel = new DataParallel(model, pool);
        float[] before = parallel.forward(x, false).data.clone();
        for (int i = 0; i < model.params().length; i++) model.params()[i] *= 0.5f;
        float[] after = parallel.forward(x, false).data.clone();
        float[] direct = model.forward(x, false).data;
        for (int i = 0; i < after.length; i++) assertEquals(direct[i], after[i], 1e-6);
        boolean changed = false;
        for (int i = 0; i < after.length; i++) changed |= before[i] != after[i];
        assertTrue(changed, "halving the weights must change the replicas' outputs too");
    }

    @Test
    void trainingIsBitIdenticalRunToRun() {
        float[] first = train(), second = train();
        assertArrayEquals(first, second);
    }

    private static float[] train() {
        Random rng = new Random(11);
        Tensor x = random(rng, 10, 2, 9, 11), dy = random(rng, 10, 3);
        Graph model = model();
        DataParallel parallel = new DataParallel(model, pool);
        for (int step = 0; step < 5; step++) {
            model.zeroGrad();
            parallel.forward(x, true);
            parallel.backwardParameters(dy);
            float[] p = model.params(), g = model.grads();
            for (int i = 0; i < p.length; i++) p[i] -= 0.01f * g[i];
        }
        return model.params().clone();
    }

    @Test
    void batchStatisticsAndDropoutKeepTheWholeBatchOnOneReplica() {
        String bn = "input 1x6x6\nconv 2 3x3\nbatchnorm\nflatten\ndense 2\n";
        String drop = "input 4\ndense 3\ndropout 0.5\ndense 2\n";
        assertEquals(1, new DataParallel(LayerSpecs.parse(bn, "bn", null).build(1), pool).threads());
        assertEquals(1, new DataParallel(LayerSpecs.parse(drop, "drop", null).build(1), pool).threads());
        assertEquals(1, new DataParallel(model(), null).threads());
    }

    @Test
    void anInferenceCopySplitsThroughBatchStatisticsAndDropout() {
        String spec = "input 2x7x7\nconv 4 3x3 pad=1\nbatchnorm\nrelu\ndropout 0.3\nflatten\ndense 3\n";
        Graph model = LayerSpecs.parse(spec, "bn", null).build(3);
        Random rng = new Random(9);
        // training passes move the running statistics away from 0 and 1, so inference reads state of its own
        for (int i = 0; i < 3; i++) model.forward(random(rng, 6, 2, 7, 7), true);
        Graph fixed = model.forInference();
        DataParallel parallel = new DataParallel(fixed, pool);
        assertEquals(3, parallel.threads(), "an inference copy's batch statistics and dropout do not mix samples");
        assertEquals(1, new DataParallel(model, pool).threads(), "the model itself still trains on whole batches");
        for (int batch : new int[] {1, 4, 11}) {
            Tensor x = random(rng, batch, 2, 7, 7);
            float[] expected = model.forward(x, false).data.clone();
            Tensor out = parallel.forward(x, false);
            for (int i = 0; i < batch * 3; i++) assertEquals(expected[i], out.data[i], 1e-5, "output " + i + " at batch " + batch);
        }
    }
}
