package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** A first layer's weight gradient from its pooled gradient ({@link PooledWeightGrad}) against the scalar kernels. */
class PooledWeightGradTest extends AgainstScalar {
    /**
     * 1,000 random shapes: one to three input channels, kernels of 1 to 5 a side and unequal ones, up
     * to 25 taps, paddings up to half the kernel, odd and prime sizes, pooled rows from one window to
     * more than two vectors, channel counts that leave a pair after the groups of four, batches 1 to 9
     * on two threads (several samples a thread, whose sums are kept across them). The winners are drawn
     * at random among each window's four cells, and the pooled outputs are positive, zero, −0 or
     * negative, so that every cell and the ReLU's mask are taken; the gradient arrays end where the last
     * window does, so the last row's vector would read past them. The gradient buffers hold other
     * values first: the pass adds to them.
     */
    @Test
    void weightGradientFromThePooledGradientMatchesScalar() {
        Random r = new Random(61);
        int L = SimdGemm.L, taken = 0, wide = 0, pairs = 0;
        for (int t = 0; t < 1000; t++) {
            int inC = 1 + r.nextInt(3), kH = pick(r, new int[] {1, 2, 3, 3, 3, 5}), kW = r.nextInt(4) == 0 ? pick(r, new int[] {1, 2, 3, 4}) : kH;
            if (inC * kH * kW > PooledWeightGrad.MAX_TAPS) inC = 1;
            int padH = r.nextInt(kH / 2 + 1), padW = r.nextInt(kW / 2 + 1);
            int pw = r.nextInt(5) == 0 ? L + 1 + r.nextInt(L + 4) : 1 + r.nextInt(L), ph = 1 + r.nextInt(13);
            int ow = 2 * pw + r.nextInt(2), oh = 2 * ph + r.nextInt(2);
            int inW = ow + kW - 1 - 2 * padW, inH = oh + kH - 1 - 2 * padH;
            if (inW < 1 || inH < 1) continue;
            int outC = 2 * (1 + r.nextInt(t % 10 == 0 ? 20 : 5));
            ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, kH, kW, 1, 1, padH, padW, 1, 1, 1);
            if (!PooledWeightGrad.applies(g)) continue;
            taken++;
            if (pw > L) wide++;
            if (outC % 4 == 2) pairs++;
            int batch = 1 + r.nextInt(9), plane = ph * pw, pooled = batch * outC * plane;
            float[] x = random(r, batch * g.inSize()), dy = random(r, pooled), y = random(r, pooled);
            int[] arg = new int[pooled];
            for (int p = 0; p < pooled; p++) {
                int i = p % plane / pw, j = p % plane % pw, cell = r.nextInt(4);
                arg[p] = (2 * i + cell / 2) * ow + 2 * j + cell % 2;
                if (r.nextInt(8) == 0) y[p] = r.nextBoolean() ? 0f : -0f;
            }
            boolean withBias = r.nextInt(4) != 0;
            float[] expected = random(r, 3 + g.weightSize() + outC), actual = expected.clone();
            int bOff = 3 + g.weightSize();
            REF.conv2dBackwardParamsMaxPooled(g, batch, x, dy, y, arg, expected, 3, withBias ? expected : null, bOff);
            simd.conv2dBackwardParamsMaxPooled(g, batch, x, dy, y, arg, actual, 3, withBias ? actual : null, bOff);
            close(expected, actual, expected.length, batch * plane, g + " batch " + batch + (withBias ? "" : " without bias"));
        }
        assertTrue(taken >= 800, "shapes on the pooled pass: " + taken);
        assertTrue(wide >= 100, "shapes with pooled rows over a vector: " + wide);
        assertTrue(pairs >= 200, "shapes with a last pair of channels: " + pairs);
    }
}
