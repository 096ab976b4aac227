package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SIMD dense layer against its scalar twin, with 3 threads: every path {@link SimdDense} chooses
 * (dot products, GEMMs on packed or kept transposed weights, the channel-lane tiles), on random
 * awkward shapes, and the kept weights following every change. Batch 1 is {@code SingleRowDenseTest}'s.
 */
class SimdDenseTest {
    private static final ScalarKernels REF = new ScalarKernels();
    private static Kernels simd;

    @BeforeAll
    static void load() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        simd = KernelProvider.simd(3);
    }

    @AfterAll
    static void release() throws Exception { if (simd instanceof AutoCloseable c) c.close(); }

    @Test
    void denseMatchesScalar() {
        Random r = new Random(4);
        for (int t = 0; t < 1000; t++) {
            int batch = t % 40 == 0 ? 128 + r.nextInt(9) : t % 20 == 0 ? 64 : 1 + r.nextInt(5); // 128: the GEMM path of long rows
            int in = pick(r, KernelAssert.SIZES) + (t % 7 == 0 ? 300 : t % 7 == 1 ? 600 : 0), out = pick(r, KernelAssert.SIZES);
            boolean withBias = r.nextBoolean();
            String what = "dense batch " + batch + " in " + in + " out " + out;
            float[] x = random(r, batch * in);
            float[] w = random(r, 3 + in * out + out);
            float[] b = withBias ? w : null;
            float[] ye = new float[batch * out], ya = random(r, ye.length);
            REF.denseForward(batch, in, out, x, w, 3, b, 3 + in * out, ye);
            simd.denseForward(batch, in, out, x, w, 3, b, 3 + in * out, ya);
            close(ye, ya, ye.length, in, "forward " + what);

            float[] dy = random(r, batch * out);
            float[] dxe = new float[batch * in], dxa = random(r, dxe.length);
            float[] dwe = random(r, 3 + in * out + out), dwa = dwe.clone();
            boolean wantDx = r.nextInt(5) != 0;
            REF.denseBackward(batch, in, out, x, w, 3, dy, wantDx ? dxe : null, dwe, 3, withBias ? dwe : null, 3 + in * out);
            simd.denseBackward(batch, in, out, x, w, 3, dy, wantDx ? dxa : null, dwa, 3, withBias ? dwa : null, 3 + in * out);
            if (wantDx) close(dxe, dxa, dxe.length, out, "backward dx " + what);
            close(dwe, dwa, dwe.length, batch, "backward dw " + what);
        }
    }

    @Test
    void denseTransposedWeightsFollowEveryChange() {
        Random r = new Random(9);
        int batch = 100, in = 600, out = 21;  // the GEMM path of long rows, reading a kept transposed copy
        float[] x = random(r, batch * in), w = random(r, 5 + in * out);
        for (int change = 0; change < 4; change++) {
            float[] ye = new float[batch * out], ya = new float[batch * out];
            REF.denseForward(batch, in, out, x, w, 5, null, 0, ye);
            simd.denseForward(batch, in, out, x, w, 5, null, 0, ya);
            close(ye, ya, ye.length, in, "dense after " + change + " weight changes");
            w[5 + r.nextInt(in * out)] -= 0.75f; // as an optimizer step or a load would
        }
    }

    @Test
    void denseOnChannelLaneTilesMatchesScalar() {
        assumeTrue(ChannelLaneDense.applies(64), "no channel-lane tiles with vectors of " + SimdGemm.L + " floats");
        Random r = new Random(10);
        int used = 0;
        for (int t = 0; t < 1000; t++) {
            // rows from a part tile up (96: where a dense layer takes the tiles), units padded to whole
            // tiles by up to an eighth, inputs of any length (a last block of taps not a multiple of 3)
            int batch = 96 + r.nextInt(t % 10 == 0 ? 200 : 40), tiles = 1 + r.nextInt(t % 10 == 1 ? 8 : 3);
            int out = 64 * tiles - r.nextInt(64 * tiles / 9 + 1), in = t % 25 == 0 ? 900 + r.nextInt(400) : 1 + r.nextInt(150);
            if (ChannelLaneDense.applies(out)) used++;
            boolean withBias = r.nextBoolean();
            String what = "dense on tiles, batch " + batch + " in " + in + " out " + out;
            float[] x = random(r, batch * in), w = random(r, 3 + in * out + out);
            forwardMatches(r, batch, in, out, x, w, withBias, what);
            if (t % 50 == 0) { // the kept transposed weights follow a change, as after an optimizer step
                w[3 + r.nextInt(in * out)] += 0.5f;
                forwardMatches(r, batch, in, out, x, w, withBias, what + " after a weight change");
            }
        }
        assertTrue(used >= 1000 * 9 / 10, "only " + used + " shapes took the channel-lane tiles");
    }

    /**
     * A deployed model's dense layer (weights fixed) takes the tiles from 16 rows on, where other layers
     * take dot products up to 95: slices of fewer rows than a tile's worth, long rows and short.
     */
    @Test
    void fixedDenseOfFewRowsMatchesScalar() {
        assumeTrue(ChannelLaneDense.applies(64), "no channel-lane tiles with vectors of " + SimdGemm.L + " floats");
        Random r = new Random(11);
        for (int t = 0; t < 1000; t++) {
            int batch = 8 + r.nextInt(100), tiles = 1 + r.nextInt(t % 10 == 1 ? 4 : 2);
            int out = 64 * tiles - r.nextInt(64 * tiles / 9 + 1), in = t % 3 == 0 ? 1 + r.nextInt(600) : 512 + r.nextInt(t % 20 == 0 ? 3000 : 400);
            float[] x = random(r, batch * in), w = random(r, 3 + in * out + out);
            Kernels.fixWeights(w);
            forwardMatches(r, batch, in, out, x, w, r.nextBoolean(), "fixed dense, batch " + batch + " in " + in + " out " + out);
        }
    }

    /**
     * The forward pass of weights w at offset 3 (and the bias after them when asked) equals the scalar
     * twin's, and writes nothing past its output.
     */
    private static void forwardMatches(Random r, int batch, int in, int out, float[] x, float[] w, boolean withBias, String what) {
        float[] b = withBias ? w : null;
        float[] ye = new float[batch * out], ya = random(r, ye.length + 2 * SimdGemm.L), after = ya.clone();
        REF.denseForward(batch, in, out, x, w, 3, b, 3 + in * out, ye);
        simd.denseForward(batch, in, out, x, w, 3, b, 3 + in * out, ya);
        close(ye, ya, ye.length, in, what);
        for (int i = ye.length; i < ya.length; i++) assertEquals(after[i], ya[i], what + " wrote past its output at " + i);
    }
}
