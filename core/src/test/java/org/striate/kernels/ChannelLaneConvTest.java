package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A single sample's conv → ReLU → 2×2 max pool on the channel-lane tiles, split over threads, against the scalar twin. */
class ChannelLaneConvTest {
    private static final ScalarKernels REF = new ScalarKernels();
    private static Parallel two, three;

    @BeforeAll
    static void load() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        two = new Parallel(2);
        three = new Parallel(3);
    }

    @AfterAll
    static void release() {
        if (two != null) two.close();
        if (three != null) three.close();
    }

    @Test
    void pooledSingleSampleMatchesScalar() {
        Random r = new Random(21);
        int windowSplits = 0;
        for (int t = 0; t < 1000; t++) {
            // odd maps (a last row or column the pool drops), a pooled map of one window up to hundreds,
            // strides, padding, kernels from 1 × 2 to 5 × 5; enough multiply-adds that the sample is split
            int kH = pick(r, new int[] {1, 2, 3, 3, 5}), kW = kH == 1 ? 2 : pick(r, new int[] {kH, kH, 3});
            int stride = r.nextInt(4) == 0 ? 2 : 1, pad = r.nextInt(Math.min(kH, kW));
            int inH = kH + stride + r.nextInt(t % 7 == 0 ? 24 : 14), inW = kW + stride + r.nextInt(t % 5 == 0 ? 24 : 14);
            int outC = pick(r, new int[] {64, 64, 128, 192});
            long perInput = new ConvGeometry(1, inH, inW, outC, kH, kW, stride, stride, pad, pad, 1, 1, 1).macs();
            int inC = 1 + (int) (SimdConv.SPLIT_MACS / perInput) + r.nextInt(5);
            ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, kH, kW, stride, stride, pad, pad, 1, 1, 1);
            if (g.outH() < 2 || g.outW() < 2) continue;
            Parallel pool = t % 2 == 0 ? two : three;
            if (!ChannelLaneConv.splitsByChannels(g, pool.threads())) windowSplits++;
            boolean withBias = r.nextBoolean();
            float[] x = random(r, g.inSize()), w = random(r, 2 + g.weightSize() + outC);
            float[] bias = withBias ? w : null;
            int pooled = outC * (g.outH() / 2) * (g.outW() / 2);
            float[] pe = new float[pooled], pa = random(r, pooled + 2 * SimdGemm.L + 3), after = pa.clone();
            REF.conv2dForwardReluMaxPool(g, 1, x, w, 2, bias, 2 + g.weightSize(), pe);
            ChannelLaneConv.forward(g, 1, x, w, 2, bias, 2 + g.weightSize(), pa, true, true, pool);
            String what = g + " on " + pool.threads() + " threads" + (withBias ? " with bias" : "");
            close(pe, pa, pooled, inC * kH * kW, "conv + relu + max pool " + what);
            for (int i = pooled; i < pa.length; i++) assertEquals(after[i], pa[i], "wrote past its output at " + i + ": " + what);
        }
        assertTrue(windowSplits >= 500, "only " + windowSplits + " shapes split their pooling windows over the threads");
    }

    @Test
    void largeMapsInChunksMatchScalar() {
        Random r = new Random(22);
        for (int t = 0; t < 1000; t++) {
            // maps of more positions than a chunk holds (1,152), a last chunk of any size, a last part
            // tile, odd widths, strides and padding; few taps, so the scalar twin stays quick
            int kH = pick(r, new int[] {1, 2, 3}), kW = kH == 1 ? pick(r, new int[] {2, 3}) : pick(r, new int[] {kH, 1, 3});
            int stride = r.nextInt(3) == 0 ? 2 : 1, pad = r.nextInt(2), outC = r.nextInt(4) == 0 ? 128 : 64;
            int outW = 20 + r.nextInt(60), outH = (ChannelLaneConv.CHUNK_TILES * 6 + 1 + r.nextInt(700)) / outW + 1;
            int inH = (outH - 1) * stride + kH - 2 * pad, inW = (outW - 1) * stride + kW - 2 * pad;
            ConvGeometry g = new ConvGeometry(1 + r.nextInt(3), inH, inW, outC, kH, kW, stride, stride, pad, pad, 1, 1, 1);
            int k = g.inC() * kH * kW;
            assertTrue(g.outH() * g.outW() > ChannelLaneConv.CHUNK_TILES * 6 && (long) k * ChannelLaneTiles.lead(outC) <= ChannelLaneConv.CHUNK_WEIGHTS,
                    "a shape that does not take chunks: " + g);
            int batch = 2 + r.nextInt(2);
            boolean relu = r.nextBoolean();
            float[] x = random(r, batch * g.inSize()), w = random(r, 2 + g.weightSize() + outC);
            float[] ye = new float[batch * g.outSize()], ya = random(r, ye.length + 2 * SimdGemm.L), after = ya.clone();
            if (relu) REF.conv2dForwardRelu(g, batch, x, w, 2, w, 2 + g.weightSize(), ye);
            else REF.conv2dForward(g, batch, x, w, 2, w, 2 + g.weightSize(), ye);
            // as many samples as threads or more: each thread takes whole samples, walked in chunks
            ChannelLaneConv.forward(g, batch, x, w, 2, w, 2 + g.weightSize(), ya, relu, false, two);
            String what = g + " batch " + batch + (relu ? " with relu" : "");
            close(ye, ya, ye.length, k, "conv in chunks " + what);
            for (int i = ye.length; i < ya.length; i++) assertEquals(after[i], ya[i], "wrote past its output at " + i + ": " + what);
        }
    }
}
