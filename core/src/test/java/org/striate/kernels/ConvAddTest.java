package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A convolution that writes a residual sum ({@link Kernels#conv2dForwardAdd}) against the scalar
 * kernels, which convolve and then add: on Winograd's two passes and {@link GatheredGemmConv}, which add
 * as they store, and on the others, which add in a pass after.
 */
class ConvAddTest extends AgainstScalar {
    /**
     * 1,000 random shapes: 3×3 of 16 to 40 channels (F(2×2, 3×3), odd maps whose last tile is cut),
     * one in eight 3×3 of 128 channels on small maps (F(4×4, 3×3)), strided 1×1 on batches of 8 to 24
     * (several samples a product), and others (5×5, strided 3×3, few channels, single samples); with
     * and without bias and ReLU, the output buffer full of other values first.
     */
    @Test
    void convolutionPlusSumMatchesScalar() {
        Random r = new Random(67);
        int f2 = 0, f4 = 0, gathered = 0, others = 0;
        for (int t = 0; t < 1000; t++) {
            int kind = new int[] {0, 0, 0, 1, 2, 2, 3, 3}[t % 8], batch;
            ConvGeometry g;
            if (kind == 0) {
                int c = 16 + r.nextInt(25), hw = 4 + r.nextInt(13);
                g = new ConvGeometry(c, hw, hw + r.nextInt(3), 16 + r.nextInt(25), 3, 3, 1, 1, 1, 1, 1, 1, 1);
                batch = 1 + r.nextInt(4);
            } else if (kind == 1) {
                int hw = 4 + r.nextInt(3);
                g = new ConvGeometry(128, hw, hw, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1);
                batch = 2 + r.nextInt(3);
            } else if (kind == 2) {
                int hw = 4 + r.nextInt(20), s = pick(r, new int[] {2, 2, 3});
                g = new ConvGeometry(1 + r.nextInt(40), hw, hw + r.nextInt(3), 1 + r.nextInt(70), 1, 1, s, s, 0, 0, 1, 1, 1);
                batch = 8 + r.nextInt(17);
            } else {
                int k = pick(r, new int[] {1, 3, 5}), s = 1 + r.nextInt(2), hw = k + 2 + r.nextInt(12);
                g = new ConvGeometry(1 + r.nextInt(20), hw, hw, 1 + r.nextInt(24), k, k, s, s, k / 2, k / 2, 1, 1, 1);
                batch = 1 + r.nextInt(3);
            }
            if (WinogradConv.pays(g, batch) && !Winograd4Conv.pays(g, batch) && !ChannelLaneConv.beatsWinograd(g, batch)
                    && !WinogradLaneConv.pays(g, batch)) f2++;
            else if (Winograd4Conv.pays(g, batch)) f4++;
            else if (GatheredGemmConv.applies(g, batch, 2)) gathered++;
            else others++;
            boolean relu = r.nextBoolean(), withBias = r.nextInt(4) != 0;
            float[] x = random(r, batch * g.inSize()), w = random(r, 2 + g.weightSize() + g.outC()), res = random(r, batch * g.outSize());
            float[] expected = random(r, res.length), actual = random(r, res.length);
            float[] bias = withBias ? w : null;
            REF.conv2dForwardAdd(g, batch, x, w, 2, bias, 2 + g.weightSize(), res, relu, expected);
            simd.conv2dForwardAdd(g, batch, x, w, 2, bias, 2 + g.weightSize(), res, relu, actual);
            close(expected, actual, expected.length, g.inC() * g.kH() * g.kW(), (relu ? "relu " : "") + g + " batch " + batch);
        }
        boolean fourByFour = LaneTranspose.applies();
        assertTrue(f2 >= 300 && (f4 >= 100 || !fourByFour) && gathered >= 200 && others >= 150,
                "shapes on F(2x2, 3x3) " + f2 + ", F(4x4, 3x3) " + f4 + ", gathered products " + gathered + ", others " + others);
    }
}
