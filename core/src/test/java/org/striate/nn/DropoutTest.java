package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.kernels.KernelProvider;
import org.striate.kernels.Kernels;
import org.striate.kernels.ScalarKernels;
import org.striate.tensor.Tensor;

class DropoutTest {
    private static final int N = 20_000;

    private static Tensor ones() {
        Tensor x = new Tensor(1, N);
        x.fill(1f);
        return x;
    }

    @Test
    void evaluationIsTheIdentity() {
        Standalone d = Standalone.of(new Dropout(0.5f), N);
        Tensor x = ones();
        assertSame(x, d.layer.forward(x, false));
        assertSame(x, d.layer.backward(x));
    }

    @Test
    void trainingDropsAboutPAndScalesTheRestByOneOverOneMinusP() {
        float p = 0.3f;
        Tensor y = Standalone.of(new Dropout(p), N).forward(ones(), true);
        int zeros = 0;
        for (int i = 0; i < N; i++) {
            if (y.data[i] == 0) zeros++;
            else assertEquals(1 / (1 - p), y.data[i], 1e-6f);
        }
        double sd = Math.sqrt(N * p * (1 - p));                  // binomial: 4.5 standard deviations is ~1e-5 odds
        assertEquals(N * p, zeros, 4.5 * sd, "dropped count");
    }

    @Test
    void backwardUsesTheMaskOfTheForwardPass() {
        Standalone d = Standalone.of(new Dropout(0.5f), N);
        Tensor y = d.forward(ones(), true);
        Tensor dx = d.layer.backward(ones());
        assertArrayEquals(y.data, Arrays.copyOf(dx.data, N));
    }

    @Test
    void theSameModelSeedGivesTheSameMasks() {
        float[] a = model(7).forward(ones(), true).copy().data;
        float[] b = model(7).forward(ones(), true).copy().data;
        float[] c = model(8).forward(ones(), true).copy().data;
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c), "another seed draws other masks");
    }

    /**
     * The masks are drawn on the calling thread whatever the kernels, and only their product is
     * vectorised (and split over threads): scalar and SIMD kernels give the same outputs, gradients and
     * generator state, and a state restored as a checkpoint does continues the same sequence.
     */
    @Test
    void scalarAndSimdKernelsDrawTheSameMasksAndResumeFromAState() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        Kernels before = Kernels.get();
        try {
            KernelProvider.use(new ScalarKernels());
            float[][] scalar = threeSteps(null);
            KernelProvider.use(KernelProvider.simd(2));
            float[][] simd = threeSteps(null);
            for (int i = 0; i < scalar.length; i++) assertArrayEquals(scalar[i], simd[i], "array " + i);
            Graph resumed = model(7);
            resumed.layers().get(0).restoreRandomState(stateAfterOneStep());
            float[][] continued = threeSteps(resumed, 1);
            assertArrayEquals(scalar[2], continued[0], "second step's output after restoring the state of the first");
        } finally {
            KernelProvider.use(before);
        }
    }

    private static long[] stateAfterOneStep() {
        Graph g = model(7);
        g.forward(input(), true);
        return ((Dropout) g.layers().get(0)).randomState();
    }

    private static float[][] threeSteps(Graph g) { return threeSteps(g == null ? model(7) : g, 3); }

    /** Per step: the output, then the input gradient of a fixed dy; the last step's generator state last. */
    private static float[][] threeSteps(Graph g, int steps) {
        Layer d = g.layers().get(0);
        float[][] out = new float[2 * steps + 1][];
        Tensor x = input();
        for (int s = 0; s < steps; s++) {
            out[2 * s] = g.forward(x, true).copy().data;
            out[2 * s + 1] = d.backward(x).copy().data;
        }
        long[] state = d.randomState();
        out[2 * steps] = new float[state.length];
        for (int i = 0; i < state.length; i++) out[2 * steps][i] = Float.intBitsToFloat((int) (state[i] ^ (state[i] >>> 32)));
        return out;
    }

    /** Large enough that the SIMD product is split over the pool. */
    private static Tensor input() {
        Tensor x = new Tensor(2, N);
        Random r = new Random(3);
        for (int i = 0; i < x.size(); i++) x.data[i] = r.nextFloat() * 2 - 1;
        return x;
    }

    private static Graph model(long seed) {
        return Sequential.builder(N).add(new Dropout(0.5f)).build(seed);
    }
}
