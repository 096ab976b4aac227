package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A deployed dense layer's single row against the scalar twin, serially and with its inputs split over threads. */
class SingleRowDenseTest {
    private static final ScalarKernels REF = new ScalarKernels();
    private static Kernels simd;
    private static Parallel two, three;

    @BeforeAll
    static void load() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        assumeTrue(ChannelLaneDense.applies(64), "no channel-lane layout with vectors of " + SimdGemm.L + " floats");
        simd = KernelProvider.simd(3);
        two = new Parallel(2);
        three = new Parallel(3);
    }

    @AfterAll
    static void release() throws Exception {
        if (simd instanceof AutoCloseable c) c.close();
        if (two != null) two.close();
        if (three != null) three.close();
    }

    @Test
    void singleRowMatchesScalar() {
        Random r = new Random(12);
        int split = 0;
        for (int t = 0; t < 1200; t++) {
            // units that the channel-lane layout pads by at most an eighth (57 to 64·tiles), inputs of
            // any length: odd, prime, one, and long enough that the threads share them
            int tiles = 1 + r.nextInt(t % 10 == 0 ? 16 : 3), out = 64 * tiles - r.nextInt(64 * tiles / 9 + 1);
            int in = t % 4 == 0 ? 1500 + r.nextInt(2600) : 1 + r.nextInt(t % 3 == 0 ? 40 : 700);
            if ((long) in * out >= 200_000) split++;
            boolean withBias = r.nextBoolean();
            String what = "single row, in " + in + " out " + out + (withBias ? " with bias" : "");
            float[] x = random(r, in), w = random(r, 3 + in * out + out), b = withBias ? w : null;
            Kernels.fixWeights(w);
            assertTrue(SingleRowDense.applies(out, w), what + ": not taken");
            float[] ye = new float[out];
            REF.denseForward(1, in, out, x, w, 3, b, 3 + in * out, ye);
            Parallel pool = t % 3 == 0 ? null : t % 3 == 1 ? two : three;
            float[] ya = random(r, out + 2 * SimdGemm.L), after = ya.clone();
            SingleRowDense.forward(in, out, x, w, 3, b, 3 + in * out, ya, pool);
            close(ye, ya, out, in, what + ", " + (pool == null ? 1 : pool.threads()) + " threads");
            for (int i = out; i < ya.length; i++) assertEquals(after[i], ya[i], what + " wrote past its output at " + i);
            float[] again = ya.clone();
            SingleRowDense.forward(in, out, x, w, 3, b, 3 + in * out, again, pool);
            assertArrayEquals(ya, again, what + ": not the same bits on a second call");
            if (t % 20 == 0) { // through the kernels, as a deployed model's layer calls it
                float[] yk = new float[out];
                simd.denseForward(1, in, out, x, w, 3, b, 3 + in * out, yk);
                close(ye, yk, out, in, what + " through the kernels");
            }
        }
        assertTrue(split >= 200, "only " + split + " shapes were split over the threads");
    }

    @Test
    void sharesTheKeptWeightsWithInferenceSlices() {
        // a deployed model runs slices of 256 rows and single rows on the same fixed weights: the two
        // paths keep one transposed copy, and each must still read it right after the other
        Random r = new Random(13);
        for (int t = 0; t < 20; t++) {
            int in = 200 + r.nextInt(3000), out = 57 + r.nextInt(200), batch = 96 + r.nextInt(200);
            if (!ChannelLaneDense.applies(out)) continue;
            float[] w = random(r, in * out + out), xs = random(r, batch * in);
            Kernels.fixWeights(w);
            float[] slice = new float[batch * out], sliceRef = new float[batch * out];
            simd.denseForward(batch, in, out, xs, w, 0, w, in * out, slice);
            REF.denseForward(batch, in, out, xs, w, 0, w, in * out, sliceRef);
            close(sliceRef, slice, slice.length, in, "slice of " + batch + " rows, in " + in + " out " + out);
            int row = r.nextInt(batch);
            float[] x = new float[in];
            System.arraycopy(xs, row * in, x, 0, in);
            float[] y = new float[out];
            simd.denseForward(1, in, out, x, w, 0, w, in * out, y);
            for (int o = 0; o < out; o++) {
                assertEquals(sliceRef[row * out + o], y[o], 1e-5 + 2e-6 * in * Math.max(1, Math.abs(sliceRef[row * out + o])),
                        "row " + row + " alone, unit " + o + ", in " + in + " out " + out);
            }
        }
    }

    @Test
    void weightsThatStillChangeKeepTheirOwnPath() {
        // a training copy's weights change every step: keeping a transposed copy would mean comparing
        // all of them on every call, so only a deployed model's fixed weights take this path
        float[] w = new float[128 * 300];
        assertFalse(SingleRowDense.applies(128, w));
        Kernels.fixWeights(w);
        assertTrue(SingleRowDense.applies(128, w));
        assertFalse(SingleRowDense.applies(40, w), "40 units would be padded to 64: more than an eighth wasted");
    }
}
