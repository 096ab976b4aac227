package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every SIMD kernel but GEMM and the dense layer ({@link SimdDenseTest}) against its scalar twin, on random awkward shapes with 3 threads. */
class SimdKernelsTest {
    private static final ScalarKernels REF = new ScalarKernels();
    private static Kernels simd;

    @BeforeAll
    static void load() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        simd = KernelProvider.simd(3);
    }

    @AfterAll
    static void release() throws Exception { if (simd instanceof AutoCloseable c) c.close(); }

    /** A random valid convolution: groups, stride, padding and dilation included. */
    static ConvGeometry randomConv(Random r) {
        while (true) {
            int groups = pick(r, new int[] {1, 1, 1, 2, 3});
            int inC = groups * pick(r, new int[] {1, 2, 3, 5});
            int outC = groups * pick(r, new int[] {1, 2, 3, 7, 17});
            int kH = pick(r, new int[] {1, 2, 3, 5}), kW = r.nextInt(4) == 0 ? pick(r, new int[] {1, 2, 3}) : kH;
            int stride = 1 + (r.nextInt(3) == 0 ? r.nextInt(3) : 0);
            int pad = r.nextInt(3), dil = 1 + (r.nextInt(4) == 0 ? 1 : 0);
            int inH = 1 + r.nextInt(13), inW = 1 + r.nextInt(13);
            ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, kH, kW, stride, stride, pad, pad, dil, dil, groups);
            if (g.outH() > 0 && g.outW() > 0) return g;
        }
    }

    @Test
    void convolutionMatchesScalar() throws Exception {
        Random r = new Random(3);
        int shapes = 0;
        for (int t = 0; t < 1000; t++) {
            ConvGeometry g = randomConv(r);
            int batch = 1 + r.nextInt(5);
            checkConv(r, g, batch, r.nextBoolean());
            shapes++;
        }
        // the fashion-cnn layers and a 1x1 convolution, at a training batch
        checkConv(r, new ConvGeometry(1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1), 4, true);
        checkConv(r, new ConvGeometry(32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1), 3, true);
        checkConv(r, new ConvGeometry(33, 7, 9, 17, 1, 1, 1, 1, 0, 0, 1, 1, 1), 5, false);
        // batches smaller than the pool split each sample's product over the threads instead
        checkConv(r, new ConvGeometry(32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1), 2, true);
        checkConv(r, new ConvGeometry(64, 17, 19, 40, 3, 3, 2, 2, 1, 1, 1, 1, 1), 1, true);
        // stride 1, fewer samples than threads, channels that do not fill the channel-lane tiles: each
        // sample split by bands of output rows (ShiftedBands); maps of fewer rows than threads, odd
        // sizes, kernels wider than tall, dilation, and 2 threads as well as 3
        Kernels two = KernelProvider.simd(2);
        try {
            for (int t = 0; t < 40; t++) {
                int kH = pick(r, new int[] {1, 3, 3, 5}), kW = pick(r, new int[] {3, 3, 2, 5}), pad = r.nextInt(3), dil = t % 5 == 0 ? 2 : 1;
                int inH = pick(r, new int[] {1, 2, 3, 4, 7, 12, 28}) + dil * (kH - 1), inW = 1 + dil * (kW - 1) + r.nextInt(30);
                int outC = pick(r, new int[] {8, 17, 24, 32, 40});
                long perInput = new ConvGeometry(1, inH, inW, outC, kH, kW, 1, 1, pad, pad, dil, dil, 1).macs();
                int inC = 1 + (int) (SimdConv.SPLIT_MACS / perInput) + r.nextInt(6);
                ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, kH, kW, 1, 1, pad, pad, dil, dil, 1);
                assertTrue(g.macs() >= SimdConv.SPLIT_MACS, "a shape too small to split: " + g);
                checkConv(t % 2 == 0 ? simd : two, r, g, t % 2 == 0 ? 1 + r.nextInt(2) : 1, r.nextBoolean());
            }
        } finally {
            if (two instanceof AutoCloseable c) c.close();
        }
        assertTrue(shapes >= 1000);
    }

    /**
     * Convolutions whose output channels fill whole tiles of {@link ChannelLaneConv} (on 256- and
     * 512-bit vectors, tiles of either size): tile and tap-block edges, kernel rows of three and others, strides, odd sizes.
     */
    @Test
    void channelLaneConvolutionMatchesScalar() throws Exception {
        Random r = new Random(6);
        int used = 0, checked = 0, expected = 0, stridedGradients = 0;
        for (int t = 0; checked < 1000; t++) {
            // 64 input channels: the input gradient takes the channel-lane kernel too
            int inC = pick(r, new int[] {1, 2, 3, 5, 11, 13, ChannelLaneTiles.CB});
            // two or three tiles of channels: rows of the kept weights and sums padded (ChannelLaneTiles.lead)
            int outC = ChannelLaneTiles.CB * pick(r, new int[] {1, 1, 1, 1, 2, 3});
            int kH = pick(r, new int[] {1, 2, 3, 3, 5}), kW = r.nextInt(4) == 0 ? pick(r, new int[] {1, 2, 5}) : 3;
            int pad = r.nextInt(3), dil = 1 + (r.nextInt(5) == 0 ? 1 : 0);
            int inH = 1 + r.nextInt(12), inW = 1 + r.nextInt(13);
            // strides above 1 take the kernel forward only
            int sH = r.nextInt(4) == 0 ? 2 + r.nextInt(2) : 1, sW = r.nextInt(5) == 0 ? 2 : sH;
            ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, kH, kW, sH, sW, pad, pad, dil, dil, 1);
            if (g.outH() <= 0 || g.outW() <= 0 || Im2colConv.pointwise(g)) continue;
            checked++;
            // the small tile (16 registers) takes strided kernels wider than 1×1 only
            boolean strided = sH > 1 || sW > 1, onePoint = kH == 1 && kW == 1 && pad == 0;
            if (ChannelLaneTiles.LARGE || strided && !onePoint) expected++;
            if (ChannelLaneConv.appliesForward(g, 2, 1)) used++;
            // stride 2 across: the weight gradient reads each row split into even and odd columns
            if (sW == 2 && ChannelLaneConv.appliesWeightGrad(g)) stridedGradients++;
            checkConv(r, g, t % 50 == 0 ? 1 : 1 + r.nextInt(5), r.nextBoolean());
        }
        if (ChannelLaneTiles.LARGE) assertTrue(stridedGradients >= 150, "stride-2 weight gradients on channel lanes: " + stridedGradients);
        // a batch smaller than the pool splits each sample over the threads by bands of (pooled) rows:
        // odd and even heights and widths, fewer rows than threads, strides
        checkConv(r, new ConvGeometry(40, 15, 13, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1), 1, true);
        checkConv(r, new ConvGeometry(32, 14, 14, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1), 2, true);
        for (int t = 0; t < 40; t++) {
            int inH = pick(r, new int[] {2, 3, 4, 5, 9, 16, 17}), inW = 1 + r.nextInt(30), stride = 1 + (t % 4 == 0 ? 1 : 0);
            int inC = 1 + (int) (SimdConv.SPLIT_MACS / (64L * 9 * Math.max(1, inH * inW / (stride * stride)))) + r.nextInt(8);
            ConvGeometry g = new ConvGeometry(inC, inH, inW, 64 * (1 + t % 2), 3, 3, stride, stride, 1, 1, 1, 1, 1);
            assertTrue(g.macs() >= SimdConv.SPLIT_MACS, "a shape too small to split: " + g);
            checkConv(r, g, 1 + t % 2, r.nextBoolean());
        }
        // where the tiles of output channels divide evenly over the threads, a single sample is split by
        // them instead: 3 threads and 192 channels, 2 threads and 128 or 256; maps down to one row
        Kernels two = KernelProvider.simd(2);
        try {
            for (int t = 0; t < 30; t++) {
                Kernels kernels = t % 3 == 0 ? simd : two;
                int threads = t % 3 == 0 ? 3 : 2, outC = t % 3 == 0 ? 192 : 128 * (1 + t % 2);
                int inH = pick(r, new int[] {1, 2, 3, 5, 7, 9, 14}), inW = 1 + r.nextInt(16), stride = 1 + (t % 4 == 0 ? 1 : 0);
                int inC = 1 + (int) (SimdConv.SPLIT_MACS / ((long) outC * 9 * Math.max(1, inH * inW / (stride * stride)))) + r.nextInt(8);
                ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, 3, 3, stride, stride, 1, 1, 1, 1, 1);
                assertTrue(g.macs() >= SimdConv.SPLIT_MACS && ChannelLaneConv.splitsByChannels(g, threads), "not split by channels: " + g);
                // a single sample of a small map, two tiles of channels or more a thread, takes the kernel on either tile
                if (g.outH() * g.outW() <= 196) {
                    assertEquals(SimdGemm.L >= 8, ChannelLaneConv.appliesForward(g, 1, threads), "channel lanes at batch 1: " + g);
                }
                checkConv(kernels, r, g, 1, r.nextBoolean());
            }
        } finally {
            if (two instanceof AutoCloseable c) c.close();
        }
        // resnet8's stride-2 layers, its 1x1 shortcut, and resnet18's 7x7 stem on a small image
        checkConv(r, new ConvGeometry(32, 28, 28, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1), 3, true);
        checkConv(r, new ConvGeometry(32, 28, 28, 64, 1, 1, 2, 2, 0, 0, 1, 1, 1), 2, false);
        // 1×1 kernels at strides above 1 read their inputs gathered first: groups of samples cut short,
        // odd sizes, unequal strides, and unpadded kernels above 1×1 that read their input in place
        checkConv(r, new ConvGeometry(64, 14, 14, 128, 1, 1, 2, 2, 0, 0, 1, 1, 1), 5, false);
        for (int t = 0; t < 12; t++) {
            int sH = 2 + r.nextInt(2), sW = 1 + r.nextInt(3), kernel = t % 3 == 0 ? 3 : 1;
            ConvGeometry g = new ConvGeometry(1 + r.nextInt(20), kernel + r.nextInt(13), kernel + r.nextInt(13),
                    ChannelLaneTiles.CB * (1 + t % 2), kernel, kernel, sH, sW, 0, 0, 1, 1, 1);
            checkConv(r, g, 1 + r.nextInt(9), r.nextBoolean());
        }
        checkConv(r, new ConvGeometry(3, 23, 21, 64, 7, 7, 2, 2, 3, 3, 1, 1, 1), 1, false);
        // on vectors narrower than 8 floats the kernel is not used, and these shapes test the shifted-view product
        assertEquals(SimdGemm.L >= 8 ? expected : 0, used, "shapes that took the channel-lane kernel");
        assertTrue(expected >= 100, "strided shapes checked: " + expected);
    }

    /**
     * A single sample of a small map, which Winograd's tiles would take, goes to the channel-lane tiles
     * where those are large ({@link ChannelLaneConv#beatsWinograd}): maps of 7 × 7 outputs and less with
     * up to 128 output channels, 13 × 13 and 14 × 14 with 64, paddings 0 to 2, on two and three threads.
     * Three tiles of channels (192) and more stay on Winograd's; a 7 × 7 map of 256 is checked too.
     */
    @Test
    void singleSmallMapsLeaveWinogradForChannelLanes() throws Exception {
        Random r = new Random(8);
        Kernels two = KernelProvider.simd(2);
        try {
            int taken = 0;
            for (int t = 0; t < 120; t++) {
                // outputs: 13 or 14 a side (49 tiles), 7 or 8 (16), or anything from the padding's least to 8
                boolean wide = t % 10 == 0;
                int pad = r.nextInt(3), least = Math.max(1, 2 * pad - 1), outC = ChannelLaneTiles.CB * (wide ? 1 : 1 + t % 3);
                int oh = wide ? 13 + r.nextInt(2) : t % 2 == 0 ? 7 + r.nextInt(2) : least + r.nextInt(9 - least);
                int ow = wide ? 13 + r.nextInt(2) : t % 2 == 0 ? 7 + r.nextInt(2) : least + r.nextInt(9 - least);
                int h = oh + 2 - 2 * pad, w = ow + 2 - 2 * pad;
                ConvGeometry g = new ConvGeometry(16 + r.nextInt(60), h, w, outC, 3, 3, 1, 1, pad, pad, 1, 1, 1);
                assertTrue(WinogradConv.applies(g) && g.outH() <= 14 && g.outW() <= 14 && (wide || g.outH() <= 8 && g.outW() <= 8), g::toString);
                if (WinogradConv.pays(g, 1) && ChannelLaneConv.beatsWinograd(g, 1)) taken++;
                checkConv(t % 4 < 2 ? simd : two, r, g, 1, r.nextBoolean());
            }
            ConvGeometry wide = new ConvGeometry(256, 7, 7, 256, 3, 3, 1, 1, 1, 1, 1, 1, 1);
            assertFalse(ChannelLaneConv.beatsWinograd(wide, 1), "256 channels at 7 × 7 stay on Winograd's tiles");
            checkConv(two, r, wide, 1, true);
            if (ChannelLaneTiles.LARGE) assertTrue(taken >= 30, "shapes that left Winograd's tiles: " + taken);
            else assertEquals(0, taken, "the small tiles never beat Winograd's");
        } finally {
            if (two instanceof AutoCloseable c) c.close();
        }
    }

    /**
     * Batch 1 reuses a thread's laid-out weights: a changed weight must still change the output at once,
     * also where each thread keeps its own share of them (a sample split by tiles of output channels).
     */
    @Test
    void laidOutWeightsFollowEveryChange() {
        Random r = new Random(8);
        checkWeightChanges(r, new ConvGeometry(5, 9, 8, ChannelLaneTiles.CB, 3, 3, 1, 1, 1, 1, 1, 1, 1));
        ConvGeometry shared = new ConvGeometry(40, 9, 8, 3 * ChannelLaneTiles.CB, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertTrue(shared.macs() >= SimdConv.SPLIT_MACS && ChannelLaneConv.splitsByChannels(shared, 3), "not split by channels");
        checkWeightChanges(r, shared);
    }

    private static void checkWeightChanges(Random r, ConvGeometry g) {
        float[] x = random(r, g.inSize()), w = random(r, g.weightSize());
        for (int change = 0; change < 6; change++) {
            float[] ye = new float[g.outSize()], ya = new float[g.outSize()];
            REF.conv2dForward(g, 1, x, w, 0, null, 0, ye);
            simd.conv2dForward(g, 1, x, w, 0, null, 0, ya);
            close(ye, ya, ye.length, g.inC() * 9, "batch-1 conv after " + change + " weight changes");
            w[r.nextInt(w.length)] += 0.5f; // as an optimizer step or a load would
        }
    }

    private static void checkConv(Random r, ConvGeometry g, int batch, boolean withBias) {
        checkConv(simd, r, g, batch, withBias);
    }

    private static void checkConv(Kernels simd, Random r, ConvGeometry g, int batch, boolean withBias) {
        String what = g + " batch " + batch;
        int reduction = g.inPerGroup() * g.kH() * g.kW();
        float[] x = random(r, batch * g.inSize());
        float[] w = random(r, 2 + g.weightSize() + g.outC());
        float[] bias = withBias ? w : null;
        int bOff = 2 + g.weightSize();
        float[] ye = new float[batch * g.outSize()], ya = random(r, ye.length);
        REF.conv2dForward(g, batch, x, w, 2, bias, bOff, ye);
        simd.conv2dForward(g, batch, x, w, 2, bias, bOff, ya);
        close(ye, ya, ye.length, reduction, "conv forward " + what);
        float[] re = new float[ye.length], ra = random(r, ye.length);
        REF.conv2dForwardRelu(g, batch, x, w, 2, bias, bOff, re);
        simd.conv2dForwardRelu(g, batch, x, w, 2, bias, bOff, ra);
        close(re, ra, re.length, reduction, "conv forward + relu " + what);
        for (int i = 0; i < ra.length; i++) assertTrue(ra[i] >= 0, "conv forward + relu is negative at " + i + ": " + what);
        // inference's conv + relu + 2x2 max pool in one pass (odd sizes drop their last row or column)
        int pooled = batch * g.outC() * (g.outH() / 2) * (g.outW() / 2);
        float[] pe = new float[pooled], pa = random(r, pooled + 2 * SimdGemm.L + 3), after = pa.clone();
        REF.conv2dForwardReluMaxPool(g, batch, x, w, 2, bias, bOff, pe);
        simd.conv2dForwardReluMaxPool(g, batch, x, w, 2, bias, bOff, pa);
        close(pe, pa, pooled, reduction, "conv forward + relu + max pool " + what);
        for (int i = pooled; i < pa.length; i++) assertEquals(after[i], pa[i], "conv + relu + max pool wrote past its output at " + i + ": " + what);

        float[] dy = random(r, batch * g.outSize());
        float[] dxe = random(r, batch * g.inSize()), dxa = random(r, dxe.length);
        REF.conv2dBackwardInput(g, batch, dy, w, 2, dxe);
        simd.conv2dBackwardInput(g, batch, dy, w, 2, dxa);
        close(dxe, dxa, dxe.length, g.outPerGroup() * g.kH() * g.kW(), "conv backward input " + what);

        float[] dwe = random(r, 1 + g.weightSize() + g.outC()), dwa = dwe.clone();
        REF.conv2dBackwardParams(g, batch, x, dy, dwe, 1, withBias ? dwe : null, 1 + g.weightSize());
        simd.conv2dBackwardParams(g, batch, x, dy, dwa, 1, withBias ? dwa : null, 1 + g.weightSize());
        close(dwe, dwa, dwe.length, batch * g.outH() * g.outW(), "conv backward params " + what);
    }

    @Test
    void poolingMatchesScalarExactly() {
        Random r = new Random(5);
        for (int t = 0; t < 1000; t++) {
            PoolGeometry.Kind kind = PoolGeometry.Kind.values()[r.nextInt(3)];
            int k = 1 + r.nextInt(3), stride = 1 + r.nextInt(3);
            if (t % 3 == 0) { kind = PoolGeometry.Kind.MAX; k = 2; stride = 2; }
            int pad = t % 3 == 0 ? 0 : r.nextInt(k / 2 + 1);
            int channels = 1 + r.nextInt(6), inH = k + r.nextInt(12), inW = k + r.nextInt(12) + (t % 5 == 0 ? 20 + r.nextInt(30) : 0);
            int batch = 1 + r.nextInt(5) + (t % 25 == 0 ? 40 : 0);
            if (t % 50 == 7) { kind = PoolGeometry.Kind.MAX; k = 3; stride = 2; pad = 1; inH = 2 * inH + 1; inW = 2 * inW + 17; } // resnet18's stem pool
            PoolGeometry g = new PoolGeometry(kind, channels, inH, inW, k, k, stride, stride, pad, pad, t % 7 == 1);
            float[] x = random(r, batch * g.inSize());
            if (t % 4 == 0) for (int i = 0; i < x.length; i++) x[i] = Math.round(x[i] * 2); // ties
            float[] ye = new float[batch * g.outSize()], ya = new float[ye.length];
            int[] ae = new int[ye.length], aa = new int[ye.length];
            REF.pool2dForward(g, batch, x, ye, ae);
            simd.pool2dForward(g, batch, x, ya, aa);
            assertArrayEquals(ye, ya, "pool forward " + g);
            if (kind != PoolGeometry.Kind.AVG) assertArrayEquals(ae, aa, "pool argmax " + g);
            // inference's values-only max pool on every shape (a min or average one's window read as a max):
            // against the scalar one bit for bit, nothing written past y; on every fourth a second time with
            // height and width swapped and a window and stride of other widths
            float[] values = maxValues(new PoolGeometry(PoolGeometry.Kind.MAX, channels, inH, inW, k, k, stride, stride, pad, pad), batch, x);
            if (kind == PoolGeometry.Kind.MAX) assertArrayEquals(ye, values, "inference max pool against training's " + g);
            if (t % 4 == 1) {
                int k2 = 1 + r.nextInt(Math.min(4, inH)), s2 = 1 + r.nextInt(3);
                maxValues(new PoolGeometry(PoolGeometry.Kind.MAX, channels, inW, inH, k, k2, stride, s2, pad, Math.min(pad, k2 / 2)), batch, x);
            }
            float[] dy = random(r, ye.length);
            float[] dxe = new float[batch * g.inSize()], dxa = random(r, dxe.length);
            REF.pool2dBackward(g, batch, dy, ae, dxe);
            simd.pool2dBackward(g, batch, dy, ae, dxa);
            assertArrayEquals(dxe, dxa, "pool backward " + g);
            // the pooling's input as a ReLU's output: zeros where the ReLU cut
            float[] relu = x.clone();
            for (int i = 0; i < relu.length; i++) relu[i] = Math.max(relu[i], 0f);
            REF.pool2dForward(g, batch, relu, ye, ae);
            REF.pool2dBackwardRelu(g, batch, dy, ae, relu, dxe);
            simd.pool2dBackwardRelu(g, batch, dy, ae, relu, dxa);
            assertArrayEquals(dxe, dxa, "pool backward through relu " + g);
        }
    }

    /** simd's values-only max pool of x, checked against the scalar one bit for bit and for nothing written past y. */
    private static float[] maxValues(PoolGeometry g, int batch, float[] x) {
        float[] expected = new float[batch * g.outSize()], actual = random(new Random(g.hashCode()), expected.length + 5), tail = actual.clone();
        REF.maxPool2dForward(g, batch, x, expected);
        simd.maxPool2dForward(g, batch, x, actual);
        assertArrayEquals(expected, java.util.Arrays.copyOf(actual, expected.length), "inference max pool " + g);
        for (int i = expected.length; i < actual.length; i++) assertEquals(tail[i], actual[i], "inference max pool wrote past y: " + g);
        return expected;
    }

    @Test
    void reluMatchesScalarExactly() {
        Random r = new Random(6);
        for (int t = 0; t < 1000; t++) {
            int n = t < 990 ? pick(r, KernelAssert.SIZES) + r.nextInt(3) : 40_000 + r.nextInt(70_000);
            float[] x = random(r, n + 5), dy = random(r, n + 5);
            float[] ye = new float[n + 5], ya = new float[n + 5], dxe = new float[n + 5], dxa = new float[n + 5];
            REF.reluForward(n, x, ye);
            simd.reluForward(n, x, ya);
            assertArrayEquals(ye, ya, "relu forward n=" + n);
            REF.reluBackward(n, x, dy, dxe);
            simd.reluBackward(n, x, dy, dxa);
            assertArrayEquals(dxe, dxa, "relu backward n=" + n);
        }
    }
}
