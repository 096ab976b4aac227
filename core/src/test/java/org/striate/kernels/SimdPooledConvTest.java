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
}
