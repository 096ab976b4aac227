package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SIMD locally connected kernels against their scalar twin {@link LocalKernels} on 1,000+ random
 * geometries: odd and prime sizes, rows shorter and longer than a vector, every kernel size to 5,
 * strides to 3, padding wider than the kernel reaches, dilation, and every 25th call large enough to
 * be split over the 3 threads. The values must be the twin's exactly (taken as floats, so −0 equals
 * +0: a padding tap adds 0·w where the twin skips it).
 */
class SimdLocalTest {
    private static final int[] SIDES = {1, 2, 3, 4, 5, 7, 11, 13, 16, 17, 19, 23, 29, 31, 33, 37};
    private static Kernels simd;

    @BeforeAll
    static void load() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        simd = KernelProvider.simd(3);
    }

    @AfterAll
    static void release() throws Exception { if (simd instanceof AutoCloseable c) c.close(); }

    /**
     * A random valid geometry with at most {@code maxMacs} multiply-adds per call at this batch, or at
     * least {@code minMacs} (the threads take a call from {@link SimdLocal#PARALLEL_FROM} on).
     */
    private static ConvGeometry randomGeometry(Random r, int batch, long minMacs, long maxMacs) {
        while (true) {
            int inC = 1 + r.nextInt(13), outC = 1 + r.nextInt(13);
            int kH = 1 + r.nextInt(5), kW = r.nextInt(3) == 0 ? 1 + r.nextInt(5) : kH;
            int sH = 1 + r.nextInt(3), sW = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : sH;
            int pH = r.nextInt(3), pW = r.nextInt(4) == 0 ? r.nextInt(3) : pH;
            int dH = r.nextInt(5) == 0 ? 2 : 1, dW = r.nextInt(5) == 0 ? 2 : dH;
            int inH = pick(r, SIDES), inW = pick(r, SIDES);
            if (ConvGeometry.outSize(inH, kH, sH, pH, dH) <= 0 || ConvGeometry.outSize(inW, kW, sW, pW, dW) <= 0) continue;
            ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, kH, kW, sH, sW, pH, pW, dH, dW, 1);
            long macs = batch * g.macs();
            if (macs >= minMacs && macs <= maxMacs) return g;
        }
    }

    @Test
    void locallyConnectedKernelsMatchScalarExactly() {
        Random r = new Random(31);
        int shapes = 0, split = 0;
        for (int t = 0; t < 1000; t++) {
            int batch = 1 + r.nextInt(7);
            boolean big = t % 25 == 0;
            ConvGeometry g = big ? randomGeometry(r, batch, SimdLocal.PARALLEL_FROM, 600_000) : randomGeometry(r, batch, 0, 150_000);
            check(r, g, batch, r.nextInt(4) != 0);
            shapes++;
            if (big) split++;
        }
        assertTrue(shapes >= 1000 && split >= 40);
    }

    /** small-lc's two layers at a training batch (rows of 28 and 14 columns), and the same split over the threads. */
    @Test
    void theLabModelsLayersMatchScalarExactly() {
        Random r = new Random(32);
        for (int batch : new int[] {1, 7, 32}) {
            check(r, new ConvGeometry(1, 28, 28, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1), batch, true);
            check(r, new ConvGeometry(8, 14, 14, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1), batch, true);
        }
    }

    /**
     * Forward, input gradient (written over stale values) and weight and bias gradients (accumulated
     * onto values already there), with the parameters at an offset in one flat buffer as in a model.
     */
    private static void check(Random r, ConvGeometry g, int batch, boolean withBias) {
        int cells = g.outSize(), weights = cells * g.inC() * g.kH() * g.kW(), off = r.nextInt(5);
        float[] p = random(r, off + weights + cells), x = random(r, batch * g.inSize()), dy = random(r, batch * cells);
        float[] bias = withBias ? p : null;
        String what = g + " batch " + batch + (withBias ? "" : " no bias");

        float[] y1 = random(r, batch * cells), y2 = y1.clone();
        LocalKernels.forward(g, batch, x, p, off, bias, off + weights, y1);
        simd.localForward(g, batch, x, p, off, bias, off + weights, y2);
        same(y1, y2, "forward " + what);

        float[] dx1 = random(r, x.length), dx2 = dx1.clone();
        LocalKernels.backwardInput(g, batch, dy, p, off, dx1);
        simd.localBackwardInput(g, batch, dy, p, off, dx2);
        same(dx1, dx2, "input gradient " + what);

        float[] dp1 = random(r, p.length), dp2 = dp1.clone();
        LocalKernels.backwardParams(g, batch, x, dy, dp1, off, withBias ? dp1 : null, off + weights);
        simd.localBackwardParams(g, batch, x, dy, dp2, off, withBias ? dp2 : null, off + weights);
        same(dp1, dp2, "weight gradient " + what);
    }

    private static void same(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (!(expected[i] == actual[i])) fail(what + ": index " + i + " of " + expected.length + " expected " + expected[i] + " but was " + actual[i]);
        }
    }
}
