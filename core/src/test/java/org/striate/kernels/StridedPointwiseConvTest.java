package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * 1×1 convolutions at strides above 1 (resnet's shortcuts), whose inputs are gathered before the
 * channel-lane tiles ({@link ChannelLaneConv}) or a GEMM ({@link Im2colConv}, from
 * {@link ChannelLaneConv#GATHERED_GEMM_POSITIONS} output positions, and for the weight gradient) read
 * them, at stride 2 across by {@link WinogradTiles#evenColumns}.
 */
class StridedPointwiseConvTest extends AgainstScalar {
    /** Every count and offset, against a loop a float at a time; nothing written past the last whole vector. */
    @Test
    void evenColumnsTakeEveryOtherValue() {
        Random r = new Random(51);
        int L = SimdGemm.L;
        for (int t = 0; t < 1000; t++) {
            int count = 1 + r.nextInt(3 * L), from = r.nextInt(40), to = r.nextInt(40), whole = SimdGemm.roundUp(count, L);
            float[] src = random(r, from + 2 * whole), dst = random(r, to + whole + 5), before = dst.clone();
            WinogradTiles.evenColumns(src, from, count, dst, to);
            for (int k = 0; k < count; k++) assertEquals(src[from + 2 * k], dst[to + k], "value " + k + " of " + count);
            for (int i = 0; i < to; i++) assertEquals(before[i], dst[i], "written before the start at " + i);
            for (int i = to + whole; i < dst.length; i++) assertEquals(before[i], dst[i], "written past the last vector at " + i);
        }
    }

    /**
     * 1,000 random shapes: strides 2 and 3, unequal ones, odd and prime maps (rows of one value to
     * several vectors), one to three tiles of output channels, batches 1 to 6 (groups of samples cut
     * short, and the last rows of the batch, which the vectors would read past, one value at a time),
     * with and without bias and ReLU; the input and weight gradients too.
     */
    @Test
    void stridedPointwiseMatchesScalar() {
        Random r = new Random(52);
        int acrossTwo = 0, gemm = 0;
        for (int t = 0; t < 1000; t++) {
            int sH = pick(r, new int[] {1, 2, 2, 3}), sW = sH == 1 ? pick(r, new int[] {2, 3}) : r.nextInt(4) == 0 ? pick(r, new int[] {1, 3}) : 2;
            int inC = pick(r, new int[] {1, 2, 3, 7, 16, 32, 33}), outC = ChannelLaneTiles.CB * pick(r, new int[] {1, 1, 2, 3});
            int inH = 1 + r.nextInt(30), inW = pick(r, new int[] {1, 2, 3, 7, 13, 14, 28, 29, 31, 37, 64, 67});
            ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, 1, 1, sH, sW, 0, 0, 1, 1, 1);
            assertTrue(ChannelLaneConv.subsamples(g), "not a strided 1x1: " + g);
            int batch = 1 + r.nextInt(6);
            if (sW == 2 && ChannelLaneConv.appliesForward(g, batch, 2)) acrossTwo++;
            if (sW == 2 && !ChannelLaneConv.appliesForward(g, batch, 2)) gemm++;
            boolean relu = r.nextBoolean(), withBias = r.nextBoolean();
            float[] x = random(r, batch * g.inSize()), w = random(r, 2 + g.weightSize() + outC);
            float[] expected = new float[batch * g.outSize()], actual = random(r, expected.length);
            if (relu) {
                REF.conv2dForwardRelu(g, batch, x, w, 2, withBias ? w : null, 2 + g.weightSize(), expected);
                simd.conv2dForwardRelu(g, batch, x, w, 2, withBias ? w : null, 2 + g.weightSize(), actual);
            } else {
                REF.conv2dForward(g, batch, x, w, 2, withBias ? w : null, 2 + g.weightSize(), expected);
                simd.conv2dForward(g, batch, x, w, 2, withBias ? w : null, 2 + g.weightSize(), actual);
            }
            close(expected, actual, expected.length, inC, "strided 1x1 forward " + g + " batch " + batch);
            float[] dy = random(r, expected.length);
            float[] dxe = random(r, x.length), dxa = random(r, x.length);
            REF.conv2dBackwardInput(g, batch, dy, w, 2, dxe);
            simd.conv2dBackwardInput(g, batch, dy, w, 2, dxa);
            close(dxe, dxa, dxe.length, outC, "strided 1x1 input gradient " + g + " batch " + batch);
            float[] dwe = random(r, 1 + g.weightSize() + outC), dwa = dwe.clone();
            REF.conv2dBackwardParams(g, batch, x, dy, dwe, 1, withBias ? dwe : null, 1 + g.weightSize());
            simd.conv2dBackwardParams(g, batch, x, dy, dwa, 1, withBias ? dwa : null, 1 + g.weightSize());
            close(dwe, dwa, dwe.length, batch * g.outH() * g.outW(), "strided 1x1 weight gradient " + g + " batch " + batch);
        }
        assertTrue(gemm >= 100, "shapes on the GEMM over gathered inputs: " + gemm);
        // on 256-bit vectors (small tiles) these shapes leave the channel-lane kernel
        if (ChannelLaneTiles.LARGE) assertTrue(acrossTwo >= 500, "shapes gathered at stride 2 across: " + acrossTwo);
    }
}
