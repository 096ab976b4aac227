package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Strided 1×1 convolutions as one product over several samples ({@link GatheredGemmConv}) against the scalar kernels. */
class GatheredGemmConvTest extends AgainstScalar {
    /**
     * 1,000 random shapes: strides 2 and 3 and unequal ones, odd and prime maps, any number of input and
     * output channels (not only whole register tiles), batches of 8 to 40 on two threads, so that groups
     * of two samples or more are cut short at the end of the batch; with and without bias and ReLU, the
     * output buffer full of other values first.
     */
    @Test
    void groupsOfSamplesMatchScalar() {
        Random r = new Random(63);
        int taken = 0, shortGroups = 0;
        for (int t = 0; t < 1000; t++) {
            int sH = pick(r, new int[] {1, 2, 2, 3}), sW = sH == 1 ? pick(r, new int[] {2, 3}) : r.nextInt(4) == 0 ? pick(r, new int[] {1, 3}) : 2;
            int inC = 1 + r.nextInt(t % 5 == 0 ? 70 : 20), outC = 1 + r.nextInt(t % 7 == 0 ? 130 : 40);
            int inH = 1 + r.nextInt(30), inW = pick(r, new int[] {1, 2, 3, 7, 13, 14, 28, 29, 31, 37});
            ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, 1, 1, sH, sW, 0, 0, 1, 1, 1);
            int batch = 8 + r.nextInt(33);
            if (!GatheredGemmConv.applies(g, batch, 2)) continue;
            taken++;
            if (batch % GatheredGemmConv.group(g, batch, 2) != 0) shortGroups++;
            boolean relu = r.nextBoolean(), withBias = r.nextBoolean();
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
            close(expected, actual, expected.length, inC, (relu ? "relu " : "") + g + " batch " + batch);
        }
        assertTrue(taken >= 800, "shapes in groups of samples: " + taken);
        assertTrue(shortGroups >= 200, "batches ending in a short group: " + shortGroups);
    }
}
