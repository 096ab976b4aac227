package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Strided convolutions with the input channels last ({@link ChannelsLastConv}) against the scalar kernels. */
class ChannelsLastConvTest extends AgainstScalar {
    /**
     * 1,000 random shapes: 1 to 8 input channels (kernel rows of 16 floats or more: resnet18's 7 × 7
     * stem) and 16 to 70 (whole and part blocks of the register transpose), one to five tiles of output
     * channels, kernels of 2 to 7 a side and unequal ones, strides 1 to 3 (unequal too), paddings 0 to 3,
     * dilations 1 and 2 (runs of one tap), maps of 1 to 40 a side (part tiles of positions, and more
     * than one chunk), batches 1 to 4. Each is run on the pass itself (a batch of one splits its tiles of
     * channels over two threads, larger batches go a sample a thread) on any machine, and through the
     * kernels; with and without bias and ReLU; the output buffer full of other values first; and
     * through the kernels with a ReLU and 2×2 max pool after it (inference's fused pass).
     */
    @Test
    void stridedConvolutionsMatchScalar() {
        Random r = new Random(61);
        int routed = 0, chunked = 0;
        for (int used = 0; used < 1000; ) {
            int inC = r.nextInt(3) == 0 ? 1 + r.nextInt(8) : 16 + r.nextInt(55), outC = ChannelsLastConv.CB * (1 + r.nextInt(5));
            int kH = pick(r, new int[] {2, 3, 3, 3, 5, 7}), kW = r.nextInt(4) == 0 ? pick(r, new int[] {2, 3, 5, 7}) : kH;
            int sH = 1 + r.nextInt(3), sW = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : sH;
            int pad = r.nextInt(4), dil = r.nextInt(5) == 0 ? 2 : 1, most = r.nextInt(4) == 0 ? 40 : 19;
            int inH = dil * (kH - 1) + 1 - 2 * pad + r.nextInt(most), inW = dil * (kW - 1) + 1 - 2 * pad + r.nextInt(most);
            if (inH < 1 || inW < 1) continue;
            ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, kH, kW, sH, sW, pad, pad, dil, dil, 1);
            if (g.outH() < 1 || g.outW() < 1 || !ChannelsLastConv.supports(g)) continue;
            used++;
            if (ChannelsLastConv.applies(g)) routed++;
            if (g.outH() * g.outW() > ChannelsLastConv.CHUNK) chunked++;
            int batch = 1 + r.nextInt(4);
            boolean relu = r.nextBoolean(), withBias = r.nextInt(4) != 0;
            float[] x = random(r, batch * g.inSize()), w = random(r, 2 + g.weightSize() + outC);
            float[] bias = withBias ? w : null;
            float[] expected = new float[batch * g.outSize()], direct = random(r, expected.length), routedOut = random(r, expected.length);
            if (relu) REF.conv2dForwardRelu(g, batch, x, w, 2, bias, 2 + g.weightSize(), expected);
            else REF.conv2dForward(g, batch, x, w, 2, bias, 2 + g.weightSize(), expected);
            ChannelsLastConv.forward(g, batch, x, w, 2, bias, 2 + g.weightSize(), direct, relu, false, simd.pool());
            String what = (relu ? "relu " : "") + g + " batch " + batch;
            close(expected, direct, expected.length, inC * kH * kW, "pass " + what);
            if (relu) simd.conv2dForwardRelu(g, batch, x, w, 2, bias, 2 + g.weightSize(), routedOut);
            else simd.conv2dForward(g, batch, x, w, 2, bias, 2 + g.weightSize(), routedOut);
            close(expected, routedOut, expected.length, inC * kH * kW, "kernels " + what);
            if (g.outH() >= 2 && g.outW() >= 2) {  // inference's pass with the ReLU and 2×2 max pool after it
                int pooled = batch * outC * (g.outH() / 2) * (g.outW() / 2);
                float[] pe = new float[pooled], pa = random(r, pooled);
                REF.conv2dForwardReluMaxPool(g, batch, x, w, 2, bias, 2 + g.weightSize(), pe);
                simd.conv2dForwardReluMaxPool(g, batch, x, w, 2, bias, 2 + g.weightSize(), pa);
                close(pe, pa, pooled, inC * kH * kW, "pooled " + what);
            }
        }
        if (!SimdGemm.LARGE_TILE) assertTrue(routed >= 500, "strided shapes routed here: " + routed);
        assertTrue(chunked >= 30, "shapes of more than one chunk: " + chunked);
    }

    /** The arrangement puts weight (o, c, tap) where the tile reads it: tile o / CB, tap, channel c, lane o % CB. */
    @Test
    void arrangementPlacesEachWeightWhereTheTileReadsIt() {
        ConvGeometry g = new ConvGeometry(17, 9, 9, 2 * ChannelsLastConv.CB, 3, 2, 2, 2, 1, 1, 1, 1, 1);
        float[] w = new float[3 + g.weightSize()], dst = new float[g.weightSize()];
        for (int i = 0; i < w.length; i++) w[i] = i;
        ChannelsLastConv.arrange(g, w, 3, dst);
        int taps = 6, cb = ChannelsLastConv.CB;
        for (int o = 0; o < g.outC(); o++) {
            for (int c = 0; c < 17; c++) {
                for (int tap = 0; tap < taps; tap++) {
                    assertEquals(3 + (o * 17 + c) * taps + tap, dst[(((o / cb) * taps + tap) * 17 + c) * cb + o % cb], 0f);
                }
            }
        }
    }
}
