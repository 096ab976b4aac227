package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The strided input gradient with channels last ({@link ChannelsLastInputGrad}) against the scalar kernels. */
class ChannelsLastInputGradTest {
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
     * 1,000 random strided shapes: input channels in one to four vectors, kernels of 2 to 7 taps a side
     * and unequal ones, strides 2 and 3 (unequal too), paddings 0 to 3, dilation, odd and prime maps,
     * batches from the thread count up; weights changed between calls. Every sample's dx is written
     * whole, so what the buffer held before must not show.
     */
    @Test
    void stridedInputGradientMatchesScalar() {
        assumeTrue(LaneTranspose.applies(), "channels-last input gradient runs on vectors of 16 or 8 floats only");
        Random r = new Random(41);
        int used = 0;
        for (int t = 0; used < 1000; t++) {
            int inC = SimdGemm.L * (1 + r.nextInt(4)), outC = pick(r, new int[] {1, 3, 16, 17, 32, 48, 64, 65});
            int kH = pick(r, new int[] {1, 2, 3, 3, 5, 7}), kW = r.nextInt(4) == 0 ? pick(r, new int[] {1, 2, 3}) : kH;
            int sH = pick(r, new int[] {2, 2, 3}), sW = r.nextInt(4) == 0 ? pick(r, new int[] {1, 2, 3}) : sH;
            int pad = r.nextInt(4), dil = 1 + (r.nextInt(5) == 0 ? 1 : 0);
            int inH = pick(r, new int[] {1, 2, 5, 7, 13, 14, 17, 28}), inW = pick(r, new int[] {1, 3, 7, 11, 14, 19, 28});
            ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, kH, kW, sH, sW, pad, pad, dil, dil, 1);
            int batch = 3 + r.nextInt(4);
            if (g.outH() <= 0 || g.outW() <= 0 || !ChannelsLastInputGrad.applies(g, batch, 3)) continue;
            used++;
            float[] w = random(r, 3 + g.weightSize()), dy = random(r, batch * g.outSize());
            float[] expected = new float[batch * g.inSize()], actual = random(r, expected.length);
            REF.conv2dBackwardInput(g, batch, dy, w, 3, expected);
            simd.conv2dBackwardInput(g, batch, dy, w, 3, actual);
            close(expected, actual, expected.length, outC * kH * kW, "input gradient " + g + " batch " + batch);
            w[3 + r.nextInt(g.weightSize())] += 1f;
            REF.conv2dBackwardInput(g, batch, dy, w, 3, expected);
            simd.conv2dBackwardInput(g, batch, dy, w, 3, actual);
            close(expected, actual, expected.length, outC * kH * kW, "input gradient after a weight change " + g);
        }
    }

    /** resnet8's stride-2 layers, and the shapes it leaves: 1×1 kernels, channels not in whole vectors, fewer samples than threads. */
    @Test
    void takesResnetStridedLayersOnly() {
        assumeTrue(LaneTranspose.applies(), "channels-last input gradient runs on vectors of 16 or 8 floats only");
        assertTrue(ChannelsLastInputGrad.applies(new ConvGeometry(32, 28, 28, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1), 64, 2));
        assertTrue(ChannelsLastInputGrad.applies(new ConvGeometry(64, 14, 14, 128, 3, 3, 2, 2, 1, 1, 1, 1, 1), 64, 2));
        assertTrue(!ChannelsLastInputGrad.applies(new ConvGeometry(32, 28, 28, 64, 1, 1, 2, 2, 0, 0, 1, 1, 1), 64, 2));
        assertTrue(!ChannelsLastInputGrad.applies(new ConvGeometry(20, 28, 28, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1), 64, 2));
        assertTrue(!ChannelsLastInputGrad.applies(new ConvGeometry(32, 28, 28, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1), 1, 2));
        Random r = new Random(42);
        ConvGeometry g = new ConvGeometry(32, 28, 28, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1);
        float[] w = random(r, g.weightSize()), dy = random(r, 4 * g.outSize());
        float[] expected = new float[4 * g.inSize()], actual = random(r, expected.length);
        REF.conv2dBackwardInput(g, 4, dy, w, 0, expected);
        simd.conv2dBackwardInput(g, 4, dy, w, 0, actual);
        close(expected, actual, expected.length, 64 * 9, "resnet8's 32 → 64 stride-2 input gradient");
    }
}
