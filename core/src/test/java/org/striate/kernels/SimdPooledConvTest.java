package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.random;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link SimdPooledConv}, a first layer's convolution, ReLU and 2×2 max pool in one pass, against the
 * scalar kernels, with 3 threads.
 */
class SimdPooledConvTest {
    private static final ScalarKernels REF = new ScalarKernels();
    private static Kernels simd;

    @BeforeAll
    static void load() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        simd = KernelProvider.simd(3);
    }

    @AfterAll
    static void release() throws Exception { if (simd instanceof AutoCloseable c) c.close(); }

    /**
     * A first layer's shapes (few taps, channels by twos: LeNet's 6 too): the pass that pools straight
     * from split columns. With fewer samples than threads its pooled rows are split over the threads,
     * and the result must equal one thread's to the bit.
     */
    @Test
    void fewTapConvolutionPoolsLikeScalar() throws Exception {
        Random r = new Random(10);
        int used = 0, split = 0;
        Kernels one = KernelProvider.simd(1);
        try {
            for (int t = 0; t < 1000; t++) {
                int inC = 1 + r.nextInt(3), k = 1 + r.nextInt(t % 4 == 0 ? 5 : 3), kW = t % 9 == 0 ? 1 + r.nextInt(3) : k;
                int inH = k + 1 + r.nextInt(t % 10 == 0 ? 40 : 15), inW = kW + 1 + r.nextInt(t % 10 == 1 ? 45 : 17);
                int pad = r.nextInt(Math.min(k, kW) / 2 + 1), outC = 2 * (1 + r.nextInt(t % 20 == 0 ? 32 : 10));
                ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, k, kW, 1, 1, pad, pad, 1, 1, 1);
                if (!SimdPooledConv.applies(g)) continue;
                used++;
                int batch = 1 + r.nextInt(3);
                float[] x = random(r, batch * g.inSize()), w = random(r, 2 + g.weightSize() + outC);
                boolean withBias = r.nextBoolean();
                int pooled = batch * outC * (g.outH() / 2) * (g.outW() / 2);
                float[] pe = new float[pooled], pa = random(r, pooled + 2 * SimdGemm.L + 3), after = pa.clone();
                REF.conv2dForwardReluMaxPool(g, batch, x, w, 2, withBias ? w : null, 2 + g.weightSize(), pe);
                simd.conv2dForwardReluMaxPool(g, batch, x, w, 2, withBias ? w : null, 2 + g.weightSize(), pa);
                close(pe, pa, pooled, inC * k * kW, "few-tap conv + relu + max pool " + g + " batch " + batch);
                for (int i = pooled; i < pa.length; i++) {
                    assertEquals(after[i], pa[i], "few-tap conv + pool wrote past its output at " + i + ": " + g);
                }
                if (batch < 3 && g.outH() >= 4) {
                    split++;
                    float[] p1 = new float[pooled];
                    one.conv2dForwardReluMaxPool(g, batch, x, w, 2, withBias ? w : null, 2 + g.weightSize(), p1);
                    assertArrayEquals(p1, Arrays.copyOf(pa, pooled),
                            "rows split over threads changed the output: " + g + ", batch " + batch);
                }
            }
        } finally {
            if (one instanceof AutoCloseable c) c.close();
        }
        assertTrue(used >= 1000 * 9 / 10, "only " + used + " shapes took the few-tap pass");
        assertTrue(split >= 400, "only " + split + " shapes split their rows over the threads");
    }

    /**
     * Training's pass, forward with each window's winner and then the weight gradient from the pooled
     * gradient, on first layers' shapes (the few-tap pass), on 3×3 layers of 16 channels or more
     * (Winograd's tiles, which are the windows) and on others (stride 2, other kernels) that take the
     * full-size route. A winner may differ from the scalar one only where
     * two of the window's values differ by a rounding: it must be a cell of its window whose value, in
     * the scalar full-size output, is the pooled one.
     */
    @Test
    void trainingPassKeepsWinnersAndGivesTheWeightGradientLikeScalar() {
        Random r = new Random(11);
        int fewTaps = 0, winograd = 0, others = 0;
        for (int t = 0; t < 1300; t++) {
            boolean first = t % 5 > 1, tiles = t % 5 == 1;  // a first layer, a Winograd-sized layer, or another
            int inC = first ? 1 + r.nextInt(3) : tiles ? 16 + r.nextInt(20) : 1 + r.nextInt(t % 3 == 0 ? 20 : 6);
            int k = tiles ? 3 : 1 + r.nextInt(t % 4 == 0 ? 5 : 3);
            int kW = t % 9 == 0 && !tiles ? 1 + r.nextInt(3) : k, stride = first || tiles || t % 2 == 0 ? 1 : 2;
            int inH = k + 2 * stride + r.nextInt(t % 10 == 0 ? 30 : 14), inW = kW + 2 * stride + r.nextInt(t % 10 == 1 ? 33 : 15);
            int pad = r.nextInt(Math.min(k, kW) / 2 + 1);
            int outC = first ? 2 * (1 + r.nextInt(t % 20 == 0 ? 32 : 10)) : tiles ? 16 + r.nextInt(24) : 1 + r.nextInt(t % 7 == 0 ? 40 : 9);
            ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, k, kW, stride, stride, pad, pad, 1, 1, 1);
            if (g.outH() < 2 || g.outW() < 2) continue;
            int batch = 1 + r.nextInt(4), ow = g.outW(), pooledPlane = (g.outH() / 2) * (ow / 2), pooled = batch * outC * pooledPlane;
            if (SimdPooledConv.applies(g)) fewTaps++;
            else if (WinogradConv.pays(g, batch)) winograd++;
            else others++;
            float[] x = random(r, batch * g.inSize()), w = random(r, 3 + g.weightSize() + outC);
            float[] bias = r.nextBoolean() ? w : null;
            String what = g + " batch " + batch;

            float[] ye = new float[pooled], ya = new float[pooled], full = new float[batch * g.outSize()];
            int[] ae = new int[pooled], aa = new int[pooled];
            REF.conv2dForwardReluMaxPoolArg(g, batch, x, w, 3, bias, 3 + g.weightSize(), ye, ae);
            simd.conv2dForwardReluMaxPoolArg(g, batch, x, w, 3, bias, 3 + g.weightSize(), ya, aa);
            REF.conv2dForwardRelu(g, batch, x, w, 3, bias, 3 + g.weightSize(), full);
            close(ye, ya, pooled, inC * k * kW, "pooled values of the training pass " + what);
            for (int p = 0; p < pooled; p++) {
                int plane = p / pooledPlane, i = p % pooledPlane / (ow / 2), j = p % pooledPlane % (ow / 2);
                int d = aa[p] - 2 * (i * ow + j);
                assertTrue(d == 0 || d == 1 || d == ow || d == ow + 1, "winner " + aa[p] + " outside window " + p + ": " + what);
                float won = full[plane * g.outH() * ow + aa[p]];
                assertEquals(ye[p], won, 1e-5 * (1 + inC * k * kW) * Math.max(1, Math.abs(ye[p])), "winner's value at " + p + ": " + what);
            }

            // the same winners and values into both, so that they route the gradient alike
            float[] dy = random(r, pooled);
            for (int p = 0; p < pooled; p += 7) ye[p] = -ye[p];  // some masked where the ReLU's output was positive
            float[] ge = random(r, 2 + g.weightSize() + outC), ga = ge.clone();
            REF.conv2dBackwardParamsMaxPooled(g, batch, x, dy, ye, ae, ge, 2, bias == null ? null : ge, 2 + g.weightSize());
            simd.conv2dBackwardParamsMaxPooled(g, batch, x, dy, ye, ae, ga, 2, bias == null ? null : ga, 2 + g.weightSize());
            close(ge, ga, ge.length, batch * pooledPlane, "weight gradient from the pooled gradient " + what);
        }
        assertTrue(fewTaps >= 700, "only " + fewTaps + " shapes took the few-tap pass");
        assertTrue(winograd >= 200 || SimdGemm.L < 8, "only " + winograd + " shapes took Winograd's tiles");
        assertTrue(others >= 150, "only " + others + " shapes took the full-size route");
    }

    /**
     * The input gradient's route out of that pass: a 2×2 max pool's backward masked by its own output
     * (the ReLU's mask at a winner), vectors of windows at a time, on odd and prime plane sizes, batches
     * small enough to run on one thread and large enough to split over planes.
     */
    @Test
    void poolBackwardMaskedByItsOutputEqualsScalar() {
        Random r = new Random(12);
        for (int t = 0; t < 1000; t++) {
            int channels = 1 + r.nextInt(t % 10 == 0 ? 70 : 12), h = 2 + r.nextInt(t % 7 == 0 ? 60 : 20), w = 2 + r.nextInt(t % 5 == 0 ? 70 : 21);
            int batch = 1 + r.nextInt(4);
            PoolGeometry g = new PoolGeometry(PoolGeometry.Kind.MAX, channels, h, w, 2, 2, 2, 2, 0, 0);
            float[] x = random(r, batch * g.inSize()), y = new float[batch * channels * g.outH() * g.outW()];
            int[] arg = new int[y.length];
            REF.pool2dForward(g, batch, x, y, arg);
            for (int i = 0; i < y.length; i += 5) y[i] = -y[i];  // −0 where y was 0: masked too
            float[] dy = random(r, y.length), de = random(r, batch * g.inSize() + 3), da = random(r, de.length), after = da.clone();
            REF.pool2dBackwardPooledRelu(g, batch, dy, arg, y, de);
            simd.pool2dBackwardPooledRelu(g, batch, dy, arg, y, da);
            assertArrayEquals(Arrays.copyOf(de, batch * g.inSize()), Arrays.copyOf(da, batch * g.inSize()),
                    "pooled-mask backward " + g + " batch " + batch);
            for (int i = batch * g.inSize(); i < da.length; i++) assertEquals(after[i], da[i], "wrote past dx at " + i + ": " + g);
        }
    }
}
