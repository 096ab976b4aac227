package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.kernels.Parallel;
import org.striate.nn.Graph;
import org.striate.nn.Layer;
import org.striate.nn.LayerSpecs;
import org.striate.tensor.Tensor;

/** Frozen layers ({@code Layer.trainable(false)}): their parameters and BatchNorm statistics survive training bit for bit. */
class FreezeTest {
    private static final Dataset TRAIN = Bars.make(96, 1);

    /** Frozen layers before, between and after trained ones, and a BatchNorm on each side. */
    private static Graph model() {
        return LayerSpecs.parse("""
                input 1x8x8
                conv 4 3x3 pad=same name=conv
                batchnorm name=bn
                relu
                maxpool 2
                flatten
                dense 6 name=mid
                batchnorm name=bn2
                dense 2 name=head
                """, "test", null).build(3);
    }

    private static Layer layer(Graph g, String name) {
        return g.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    private static float[] paramsOf(Graph g, String name) {
        Layer l = layer(g, name);
        return Arrays.copyOfRange(g.params(), l.paramOffset(), l.paramOffset() + l.paramCount());
    }

    private static boolean anyNonZero(float[] g, int to) {
        for (int i = 0; i < to; i++) if (g[i] != 0) return true;
        return false;
    }

    private static void fit(Graph g, Optimizer optimizer) {
        new Trainer(g, TrainOptions.builder().epochs(2).batchSize(16).optimizer(optimizer).seed(5).build()).fit(TRAIN);
    }

    @Test
    void frozenParametersAndStatisticsStayBitIdenticalUnderEveryOptimizerWithDecayAndMomentum() {
        List<Optimizer> optimizers = List.of(new Sgd(0.05).momentum(0.9).nesterov(true).weightDecay(0.1), new Adam(0.01).weightDecay(0.1),
                new AdamW(0.01).weightDecay(0.5));
        for (Optimizer optimizer : optimizers) {
            Graph g = model();
            for (String name : List.of("conv", "bn", "head")) layer(g, name).trainable(false);
            float[] conv = paramsOf(g, "conv"), bn = paramsOf(g, "bn"), head = paramsOf(g, "head"), mid = paramsOf(g, "mid");
            float[] bnState = layer(g, "bn").state(), bn2State = layer(g, "bn2").state();
            fit(g, optimizer);
            String what = optimizer.describe();
            assertArrayEquals(conv, paramsOf(g, "conv"), what);
            assertArrayEquals(bn, paramsOf(g, "bn"), what);
            assertArrayEquals(head, paramsOf(g, "head"), what);
            assertArrayEquals(bnState, layer(g, "bn").state(), "frozen BatchNorm's running statistics, " + what);
            // the trainable layers between them did learn: the test can tell frozen from trained
            assertFalse(Arrays.equals(mid, paramsOf(g, "mid")), what);
            assertFalse(Arrays.equals(bn2State, layer(g, "bn2").state()), what);
        }
    }

    @Test
    void aTrainingStepSkipsTheBackwardOfFrozenLayersAtTheFrontAndNothingElse() {
        Graph full = model(), frozen = model();
        // a frozen BatchNorm normalises with its running statistics in both, so the layers after it
        // see the same inputs; only the convolution in front differs (trainable in full)
        layer(full, "bn").trainable(false);
        layer(frozen, "conv").trainable(false);
        layer(frozen, "bn").trainable(false);
        Random rng = new Random(6);
        Tensor x = new Tensor(5, 1, 8, 8), dy = new Tensor(5, 2);
        for (int i = 0; i < x.size(); i++) x.data[i] = rng.nextFloat();
        for (int i = 0; i < dy.size(); i++) dy.data[i] = (float) rng.nextGaussian();
        for (Graph g : List.of(full, frozen)) {
            g.zeroGrad();
            g.forward(x, true); // back-propagation follows a training forward (inference folds BatchNorm away)
            g.backwardParameters(dy);
        }
        Layer bn = layer(frozen, "bn");
        int front = bn.paramOffset() + bn.paramCount();
        for (int i = 0; i < front; i++) assertEquals(0f, frozen.grads()[i], "frozen front layers are not back-propagated");
        assertTrue(anyNonZero(full.grads(), front), "the same layers, trainable, get gradients");
        assertArrayEquals(Arrays.copyOfRange(full.grads(), front, full.paramCount()), Arrays.copyOfRange(frozen.grads(), front, frozen.paramCount()));
    }


    @Test
    void trainableRangesLeaveOutFrozenLayersAndJoinNeighbours() {
        Graph g = model();
        int total = g.paramCount();
        assertArrayEquals(new int[] {0, total}, g.trainableRanges());
        Layer bn = layer(g, "bn").trainable(false), head = layer(g, "head").trainable(false);
        assertArrayEquals(new int[] {0, bn.paramOffset(), bn.paramOffset() + bn.paramCount(), head.paramOffset()}, g.trainableRanges());
        for (Layer l : g.layers()) l.trainable(false);
        assertEquals(0, g.trainableRanges().length);
        StriateException e = assertThrows(StriateException.class, () -> fit(g, new Adam(0.01)));
        assertTrue(e.getMessage().contains("frozen"), e.getMessage());
    }

    @Test
    void aStepOverTheWholeBufferAsOneRangeIsThePlainStep() {
        Random rng = new Random(4);
        float[] p = new float[37], g = new float[37];
        for (int i = 0; i < p.length; i++) { p[i] = (float) rng.nextGaussian(); g[i] = (float) rng.nextGaussian(); }
        for (int k = 0; k < 2; k++) {
            Optimizer a = k == 0 ? new Sgd(0.1).momentum(0.9).weightDecay(0.01) : new AdamW(0.01), b = k == 0 ? new Sgd(0.1).momentum(0.9).weightDecay(0.01) : new AdamW(0.01);
            float[] q = p.clone(), r = p.clone();
            for (int s = 0; s < 3; s++) {
                a.step(q, g, 0.1);
                b.step(r, g, 0.1, new int[] {0, 37});
            }
            assertArrayEquals(q, r, a.describe());
            assertThrows(StriateException.class, () -> b.step(r, g, 0.1, new int[] {5, 3}));
            assertThrows(StriateException.class, () -> b.step(r, g, 0.1, new int[] {0, 38}));
        }
    }

    @Test
    void anOptimizerOfTheUsersOwnRefusesFrozenLayersRatherThanMoveThem() {
        Optimizer plain = new Optimizer() {
            public double learningRate() { return 0.1; }
            public void step(float[] params, float[] grads, double lr) { for (int i = 0; i < params.length; i++) params[i] -= (float) lr * grads[i]; }
            public void reset() {}
            public String describe() { return "mine"; }
        };
        Graph g = model();
        fit(g, plain); // nothing frozen: it trains
        layer(g, "conv").trainable(false);
        StriateException e = assertThrows(StriateException.class, () -> fit(g, plain));
        assertTrue(e.getMessage().contains("'mine'") && e.getMessage().contains("frozen"), e.getMessage());
    }

    @Test
    void frozenBatchNormRunsAsAtInferenceOnEveryReplica() {
        Graph g = model();
        layer(g, "bn").trainable(false);
        layer(g, "bn2").trainable(false);
        Tensor x = new Tensor(7, 1, 8, 8);
        Random rng = new Random(9);
        for (int i = 0; i < x.size(); i++) x.data[i] = rng.nextFloat();
        float[] inference = g.forward(x, false).data.clone();
        try (Parallel pool = new Parallel(3)) {
            DataParallel parallel = new DataParallel(g, pool);
            assertEquals(3, parallel.threads(), "with every BatchNorm frozen, samples are independent");
            float[] training = parallel.forward(x, true).data;
            for (int i = 0; i < inference.length; i++) assertEquals(inference[i], training[i], 1e-6, "output " + i);
        }
    }
}
