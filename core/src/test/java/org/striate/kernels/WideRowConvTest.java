package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** First layers on rows of one to two vectors ({@link WideRowConv}) against the scalar kernels. */
class WideRowConvTest extends AgainstScalar {
    /**
     * 1,000 random shapes: one to three input channels, one to seven blocks of output channels, kernels
     * of 1 to 7 a side and unequal ones, paddings 0 to 3, output rows from one vector and a float to two
     * vectors (the head and tail overlapping by all but one column, or not at all; with 16 registers, from
     * two vectors and a float to four), one to 17 rows,
     * batches 1 to 5 on two threads (a single sample here when it is small, else split by rows), with and without bias and ReLU; the output buffer full of other values first.
     */
    @Test
    void wideRowsMatchScalar() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        Random r = new Random(57);
        int width = WideRowConv.minWidth(), taken = 0;
        for (int t = 0; t < 1000; t++) {
            int inC = 1 + r.nextInt(WideRowConv.MAX_IN), outC = WideRowConv.CHANNELS * (1 + r.nextInt(7));
            int kH = pick(r, new int[] {1, 2, 3, 3, 5, 7}), kW = r.nextInt(4) == 0 ? pick(r, new int[] {1, 2, 3, 5}) : kH;
            int pad = r.nextInt(4), ow = width + 1 + r.nextInt(width), oh = 1 + r.nextInt(17);
            int inW = ow + kW - 1 - 2 * pad, inH = oh + kH - 1 - 2 * pad;
            if (inW < 1 || inH < 1) continue;
            ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, kH, kW, 1, 1, pad, pad, 1, 1, 1);
            int batch = 1 + r.nextInt(5);
            if (WideRowConv.takes(g, batch, 2)) taken++;
            boolean relu = r.nextBoolean(), withBias = r.nextInt(4) != 0;
            float[] x = random(r, batch * g.inSize()), w = random(r, 2 + g.weightSize() + outC);
            float[] expected = new float[batch * g.outSize()], actual = random(r, expected.length);
            float[] bias = withBias ? w : null;
            if (relu) {
                REF.conv2dForwardRelu(g, batch, x, w, 2, bias, 2 + g.weightSize(), expected);
                simd.conv2dForwardRelu(g, batch, x, w, 2, bias, 2 + g.weightSize(), actual);
            } else {
                REF.conv2dForward(g, batch, x, w, 2, bias, 2 + g.weightSize(), expected);
                simd.conv2dForward(g, batch, x, w, 2, bias, 2 + g.weightSize(), actual);
            }
            close(expected, actual, expected.length, inC * kH * kW, (relu ? "relu " : "") + g + " batch " + batch);
        }
        assertTrue(taken >= 800, "shapes on wide rows: " + taken);
    }
}
