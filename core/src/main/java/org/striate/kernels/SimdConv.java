package org.striate.kernels;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolution as GEMM without an im2col copy where the stride is 1. Each sample is copied once into
 * a zero-bordered buffer of width Wp = W + 2p; then the im2col row for (c, l, m) is simply that
 * buffer shifted by c·plane + l·d·Wp + m·d, and the GEMM reads those shifted rows in place (it takes
 * a table of row starts). The product is computed over the padded width (oh × Wp columns) and the
 * ow valid columns of each row are copied out. The input gradient is the same operation on the
 * output gradient, padded by d·(k−1) − p, with the kernel flipped and its channel axes swapped.
 * Strides above 1 fall back to im2col + GEMM + col2im ({@link Im2colConv}). A 3×3 kernel of 16
 * channels or more, over enough tiles, takes Winograd's F(2×2, 3×3) instead ({@link WinogradConv}),
 * forward and for the input gradient, and F(3×3, 2×2) for the weight gradient ({@link WinogradWeightGrad});
 * a single sample's small map of many channels takes its forward pass with channels in the lanes
 * ({@link WinogradLaneConv}). A first layer of few input channels on rows of one to two vectors takes
 * its forward pass on {@link WideRowConv}; a strided 1×1 convolution on a small map, several samples to
 * one product ({@link GatheredGemmConv}); on AVX2, a strided kernel wider than 1×1, or one larger than
 * 3×3 at stride 1, whose kernel rows hold 16 input floats or more, with the input channels last ({@link
 * ChannelsLastConv}).
 */
final class SimdConv {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();

    private SimdConv() {}

    /**
     * Splits over samples when there are enough of them, otherwise over each GEMM's columns. Each
     * thread takes the next sample not yet taken rather than a fixed share: on a shared machine one
     * core often runs slower than the other for a while, and a fixed half would leave the faster one
     * waiting. A sample is computed whole by one thread, so which thread takes it does not change a bit.
     */
    interface SampleTask { void run(int n, Parallel inner); }

    static void forSamples(Parallel pool, int batch, long macsPerSample, SampleTask task) {
        if (batch >= pool.threads()) {
            SampleSplit split = SPLITS.get();
            split.next.set(0);
            split.batch = batch;
            split.task = task;
            try {
                pool.run(pool.threads(), split);
            } finally {
                split.task = null;
            }
        } else {
            // below this a hand-off to the other threads costs more than it saves
            Parallel inner = macsPerSample >= SPLIT_MACS ? pool : null;
            for (int n = 0; n < batch; n++) task.run(n, inner);
        }
    }

    /** Hands out the samples of one call, the next not yet taken to whichever thread asks; reused per thread. */
    private static final class SampleSplit implements Parallel.RangeTask {
        final AtomicInteger next = new AtomicInteger();
        int batch;
        SampleTask task;

        @Override
        public void run(int part, int from, int to) {
            for (int n = next.getAndIncrement(); n < batch; n = next.getAndIncrement()) task.run(n, null);
        }
    }

    private static final ThreadLocal<SampleSplit> SPLITS = ThreadLocal.withInitial(SampleSplit::new);

    /** Multiply-adds in one sample's product above which its columns are split over the pool. */
    static final long SPLIT_MACS = 1_000_000;

    /** Shifted views pay at stride 1; a 1×1 kernel without padding needs no copy at all. */
    static boolean unitStride(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && !Im2colConv.pointwise(g);
    }

    /** With {@code relu}, y = max(conv + bias, 0), applied as each sample's output is written. */
    static void forward(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y,
                        boolean relu, Parallel pool) {
        forward(g, batch, x, w, wOff, bias, bOff, y, relu, false, pool);
    }

    /** With {@code maxPool}, y receives the 2×2, stride-2 max pool of each sample's output (inference; see ConvCall). */
    static void forward(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y,
                        boolean relu, boolean maxPool, Parallel pool) {
        forward(g, batch, x, w, wOff, bias, bOff, y, relu, maxPool, null, pool);
    }

    /**
     * With {@code res} (not with maxPool), y = conv + bias + res, then max(·, 0) with relu
     * ({@link Kernels#conv2dForwardAdd}): Winograd's passes and {@link GatheredGemmConv} add it as they
     * write each chunk's output; the others, in a pass over y after the convolution.
     */
    static void forward(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y,
                        boolean relu, boolean maxPool, float[] res, Parallel pool) {
        int threads = pool == null ? 1 : pool.threads();
        boolean channelLanes = ChannelLaneConv.beatsWinograd(g, batch), rectify = relu && res == null;
        if (!maxPool && Winograd4Conv.pays(g, batch)) {  // two samples or more: never WinogradLaneConv's single one
            Winograd4Conv.forward(g, batch, x, WeightCache.mine().winograd4(g, w, wOff), bias, bOff, y, relu, res, pool);
            return;
        }
        if (WinogradConv.pays(g, batch) && !channelLanes && !(!maxPool && WinogradLaneConv.pays(g, batch))) {
            WinogradConv.forward(g, batch, x, WeightCache.mine().winograd(g, w, wOff), bias, bOff, y, relu, maxPool, null, res, pool);
            return;
        }
        if (!maxPool && GatheredGemmConv.applies(g, batch, threads)) {
            float[] packed = WeightCache.mine().packed(g, w, wOff);
            ConvCall.mine().run(ConvCall.Pass.FORWARD_GATHERED_GEMM, pool, g, batch, x, packed, 0, bias, bOff, relu, res, y);
            return;
        }
        if (!maxPool && !channelLanes && WinogradLaneConv.pays(g, batch)) {
            WinogradLaneConv.forward(g, x, WeightCache.mine().winogradLanes(g, w, wOff), bias, bOff, y, rectify, pool);
        } else if (!maxPool && WideRowConv.takes(g, batch, threads)) {
            float[] packed = Scratch.get().packW(WideRowConv.packedSize(g));
            WideRowConv.pack(g, w, wOff, packed);
            ConvCall.mine().run(ConvCall.Pass.FORWARD_WIDE_ROWS, pool, g, batch, x, packed, 0, bias, bOff, rectify, y);
        } else if (ChannelsLastConv.applies(g)) {
            ChannelsLastConv.forward(g, batch, x, w, wOff, bias, bOff, y, rectify, maxPool, pool);
        } else if (ChannelLaneConv.appliesForward(g, batch, threads)) {
            ChannelLaneConv.forward(g, batch, x, w, wOff, bias, bOff, y, rectify, maxPool, pool);
        } else {
            float[] ap = WeightCache.mine().packed(g, w, wOff);
            ConvCall.Pass pass = unitStride(g) ? ConvCall.Pass.FORWARD_SHIFTED : ConvCall.Pass.FORWARD_IM2COL;
            ConvCall.mine().run(pass, pool, g, batch, x, ap, WeightCache.packedPerGroup(g), bias, bOff, rectify, maxPool, y);
        }
        if (res != null) SimdElementwise.run(pool, relu ? SimdElementwise.Op.ADD_RELU : SimdElementwise.Op.ADD, batch * g.outSize(), 0f, y, res, y);
    }

    static void backwardInput(ConvGeometry g, int batch, float[] dy, float[] w, int wOff, float[] dx, Parallel pool) {
        int fullH = g.dilH() * (g.kH() - 1), fullW = g.dilW() * (g.kW() - 1);
        if (!unitStride(g) || g.padH() > fullH || g.padW() > fullW) {
            Im2colConv.backwardInput(g, batch, dy, w, wOff, dx, pool);
            return;
        }
        int cg = g.inPerGroup(), og = g.outPerGroup(), taps = g.kH() * g.kW(), kg = og * taps;
        int per = SimdGemmPacking.packedSize(cg, kg);
        Scratch s = Scratch.get();
        float[] flipped = s.flipped(g.weightSize());
        // flipped[gi][c][o][l'][m'] = w[gi·og + o][c][kH−1−l'][kW−1−m']
        for (int gi = 0; gi < g.groups(); gi++) {
            for (int c = 0; c < cg; c++) {
                for (int o = 0; o < og; o++) {
                    int src = wOff + ((gi * og + o) * cg + c) * taps, dst = ((gi * cg + c) * og + o) * taps;
                    for (int t = 0; t < taps; t++) flipped[dst + t] = w[src + taps - 1 - t];
                }
            }
        }
        // the convolution of dy, padded to full, with these weights: (outC, oh, ow) → (inC, inH, inW)
        ConvGeometry full = ConvCall.mine().full(g);
        if (Winograd4Conv.pays(full, batch)) {
            Winograd4Conv.forward(full, batch, dy, WeightCache.mine().winograd4(full, flipped, 0), null, 0, dx, false, null, pool);
            return;
        }
        if (WinogradConv.pays(full, batch)) {
            WinogradConv.forward(full, batch, dy, WeightCache.mine().winograd(full, flipped, 0), null, 0, dx, false, false, null, null, pool);
            return;
        }
        if (ChannelLaneConv.applies(full)) {
            ChannelLaneConv.forward(full, batch, dy, flipped, 0, null, 0, dx, false, false, pool);
            return;
        }
        if (RowLaneConv.applies(full)) {
            float[] packed = s.packW(RowLaneConv.packedSize(full));
            RowLaneConv.pack(full, flipped, 0, packed);
            ConvCall.mine().run(ConvCall.Pass.INPUT_ROW_LANES, pool, full, batch, dy, packed, 0, null, 0, false, dx);
            return;
        }
        float[] ap = s.packW(per * g.groups());
        for (int gi = 0; gi < g.groups(); gi++) SimdGemmPacking.packWhole(false, cg, kg, flipped, gi * cg * kg, kg, ap, gi * per);
        ConvCall.mine().run(ConvCall.Pass.INPUT_SHIFTED, pool, g, batch, dy, ap, per, null, 0, false, dx);
    }

    /**
     * dst (groups·mG, oh, ow) at dstOff writes Σ over taps of packed A (per group, mG × cG·kH·kW) times
     * the shifted views of src (groups·cG, H, W) at srcOff, zero-padded by (padH, padW); plus bias;
     * then max(·, 0) when {@code relu}. With {@code maxPool}, dst receives (groups·mG, ⌊oh/2⌋, ⌊ow/2⌋),
     * the 2×2, stride-2 max pool, taken straight from the product over the padded width.
     */
    static void shifted(int groups, int cG, int mG, int h, int w, int kH, int kW, int padH, int padW, int dilH, int dilW,
                        float[] src, int srcOff, float[] ap, int per, float[] bias, int bOff, boolean relu, boolean maxPool,
                        float[] dst, int dstOff, Parallel inner) {
        int wp = w + 2 * padW, plane = (h + 2 * padH) * wp;
        int oh = h + 2 * padH - dilH * (kH - 1), ow = wp - dilW * (kW - 1), ext = oh * wp, kg = cG * kH * kW;
        if (inner != null && groups == 1 && !maxPool && oh >= inner.threads()) {
            ShiftedBands.run(inner, cG, mG, h, w, kH, kW, padH, padW, dilH, dilW, src, srcOff, ap, bias, bOff, relu, dst, dstOff);
            return;
        }
        Scratch s = Scratch.get();
        float[] xp = pad(s, src, srcOff, groups * cG, h, w, padH, padW, dilW * (kW - 1));
        float[] out = s.ext(mG * ext + 2 * L); // 2L: a pooled row reads whole vectors past its last column
        int[] rows = s.convRows(kg);
        for (int gi = 0; gi < groups; gi++) {
            shiftedRows(rows, gi * cG, cG, plane, wp, kH, kW, dilH, dilW);
            int apOff = gi * per;
            int panels = (ext + SimdGemm.NR - 1) / SimdGemm.NR;
            if (inner == null || panels < 2) {
                SimdGemm.multiplyPacked(mG, 0, ext, kg, ap, apOff, xp, rows, 0f, out, 0, ext);
            } else {
                SplitJobs.get().packed.run(inner, mG, ext, kg, ap, apOff, xp, rows, 0f, out, 0, ext);
            }
            if (maxPool) {
                SimdPool.max2x2(out, 0, mG, oh, ow, wp, ext, bias, bOff + gi * mG, relu, dst, dstOff + gi * mG * (oh / 2) * (ow / 2),
                        s.poolEdge(SimdPool.rowBuffer(ow / 2)));
            } else {
                copyValid(out, mG, oh, ow, wp, 0, oh, bias, bOff + gi * mG, relu, dst, dstOff + gi * mG * oh * ow);
            }
        }
    }

    /**
     * dst (m, oh, ow) writes the ow valid columns of rows [i0, i1) of each padded-width row of out (m,
     * oh, wp), plus bias. Whole vectors are stored even past a row's end: the spill lands on rows
     * written right after it. For all rows, that is anywhere up to the block's end; for a band of
     * rows, only up to the end of the band within its channel (the rows after it may be another
     * thread's). Near that end the rest is stored one by one, so nothing outside the range changes.
     */
    static void copyValid(float[] out, int m, int oh, int ow, int wp, int i0, int i1, float[] bias, int bOff, boolean relu,
                          float[] dst, int dstOff) {
        boolean whole = i0 == 0 && i1 == oh;
        // max(v, −∞) is v: one loop serves both
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int o = 0; o < m; o++) {
            float bv = bias == null ? 0f : bias[bOff + o];
            FloatVector b = FloatVector.broadcast(S, bv);
            int end = dstOff + (whole ? m * oh : o * oh + i1) * ow;
            for (int i = i0; i < i1; i++) {
                int row = o * oh + i, from = row * wp, to = dstOff + row * ow, j = 0;
                for (; j < ow && to + j + L <= end; j += L) FloatVector.fromArray(S, out, from + j).add(b).max(floor).intoArray(dst, to + j);
                for (; j < ow; j++) dst[to + j] = Math.max(out[from + j] + bv, floor);
            }
        }
    }

    /** rows[(c·kH + l)·kW + m] = start of the view for channel c0 + c, tap (l, m). */
    static void shiftedRows(int[] rows, int c0, int channels, int plane, int wp, int kH, int kW, int dilH, int dilW) {
        int t = 0;
        for (int c = 0; c < channels; c++) {
            for (int l = 0; l < kH; l++) {
                for (int m = 0; m < kW; m++) rows[t++] = (c0 + c) * plane + l * dilH * wp + m * dilW;
            }
        }
    }

    /**
     * The calling thread's padded copy of (channels, h, w) with {@code slack} zeros after it. The
     * border and slack are zeroed only when the layout differs from the last copy made into the same
     * buffer: every sample of a layer has the same layout, and its copy overwrites the interior only.
     */
    static float[] pad(Scratch s, float[] src, int srcOff, int channels, int h, int w, int padH, int padW, int slack) {
        return pad(s, src, srcOff, channels, h, w, padH, padW, slack, 0, h);
    }

    /**
     * {@link #pad} copying only input rows [r0, r1) of each channel: a thread computing a band of output
     * rows reads no others, and the rest of the interior is left as the buffer held it.
     */
    static float[] pad(Scratch s, float[] src, int srcOff, int channels, int h, int w, int padH, int padW, int slack,
                       int r0, int r1) {
        int wp = w + 2 * padW, plane = (h + 2 * padH) * wp, size = channels * plane + slack + SimdGemm.NR;
        float[] xp = s.padded(size);
        if (!s.paddedLayoutIs(channels, h, w, padH, padW, size)) Arrays.fill(xp, 0, size, 0f);
        // a call to arraycopy a row, however short: on Temurin 25, one thread, calls taking turns, it
        // copied fashion-cnn's 32 × 14 × 14 input in 2.6 µs a sample against 3.1–3.8 a float at a time,
        // and 128 × 7 × 7 in 4.7 against 5.2. (Whole vectors with their spill past the row zeroed again
        // were faster still, 2.0–2.2 µs, but one fresh JVM in three left that load to the Vector API's
        // allocating Java fallback in resnet18's inference: 38 MB a call.)
        for (int c = 0; c < channels; c++) {
            for (int r = r0; r < r1; r++) {
                System.arraycopy(src, srcOff + (c * h + r) * w, xp, c * plane + (r + padH) * wp + padW, w);
            }
        }
        return xp;
    }

    /**
     * Filters or taps per group below which the weight gradient is computed as dot products: a GEMM
     * would pack the whole (taps × positions) operand for few products per packed value.
     */
    static final int DOT_BELOW = 32;

    /** Whether {@link #backwardParams} goes sample by sample over shifted views ({@link #paramsSample}). */
    static boolean paramsBySample(ConvGeometry g, int batch) {
        return !WinogradConv.pays(g, batch) && !ChannelLaneConv.appliesWeightGrad(g) && unitStride(g);
    }

    /**
     * {@link Kernels#conv2dBackwardParamsMaxPooled} where {@link #paramsBySample} holds: each sample's
     * gradient is spread from the pooled one into the buffer the product reads, so the batch's
     * full-size gradient is never written.
     */
    static void backwardParamsMaxPooled(ConvGeometry g, int batch, float[] x, float[] dy, float[] y, int[] arg,
                                        float[] dw, int dwOff, float[] dbias, int dbOff, Parallel pool) {
        int ws = g.weightSize();
        float[][] acc = Scratch.get().partials(pool.threads(), ws + g.outC());
        ConvCall.mine().paramsMaxPooled(pool, g, batch, x, dy, y, arg, acc);
        addParts(g, batch, acc, dw, dwOff, dbias, dbOff, pool);
    }

    static void backwardParams(ConvGeometry g, int batch, float[] x, float[] dy, float[] dw, int dwOff, float[] dbias, int dbOff,
                               Parallel pool) {
        if (WinogradConv.pays(g, batch)) {
            WinogradWeightGrad.backwardParams(g, batch, x, dy, dw, dwOff, dbias, dbOff, pool);
            return;
        }
        if (ChannelLaneConv.appliesWeightGrad(g)) {
            ChannelLaneWeightGrad.backwardParams(g, batch, x, dy, dw, dwOff, dbias, dbOff, pool);
            return;
        }
        int ws = g.weightSize();
        float[][] acc = Scratch.get().partials(pool.threads(), ws + g.outC());
        ConvCall.mine().params(pool, g, batch, x, dy, acc);
        addParts(g, batch, acc, dw, dwOff, dbias, dbOff, pool);
    }

    /** Adds the parts' weight (then bias) gradients into dw and dbias, in part order. */
    private static void addParts(ConvGeometry g, int batch, float[][] acc, float[] dw, int dwOff, float[] dbias, int dbOff, Parallel pool) {
        int ws = g.weightSize();
        for (int part = 0; part < pool.threads(); part++) {
            if (Parallel.split(batch, pool.threads(), part) == Parallel.split(batch, pool.threads(), part + 1)) continue;
            SimdKernels.addInto(dw, dwOff, acc[part], 0, ws);
            if (dbias != null) SimdKernels.addInto(dbias, dbOff, acc[part], ws, g.outC());
        }
    }

    /** Weight gradient as dot products (few filters or few taps per group) rather than a GEMM. */
    static boolean useDots(ConvGeometry g) {
        return g.outPerGroup() < DOT_BELOW || g.inPerGroup() * g.kH() * g.kW() < DOT_BELOW;
    }

    /**
     * sum (weights, then biases) accumulates sample n's gradient: dy spread over the padded width ×
     * shifted views. With {@code arg}, dy is the gradient of the ReLU and 2×2 max pool after the
     * convolution ({@link Kernels#conv2dBackwardParamsMaxPooled}), spread from each window's winner.
     */
    static void paramsSample(ConvGeometry g, int n, float[] x, float[] dy, float[] pooledY, int[] arg, float[] sum, float[] lanes) {
        int cg = g.inPerGroup(), og = g.outPerGroup(), kg = cg * g.kH() * g.kW();
        int wp = g.inW() + 2 * g.padW(), plane = (g.inH() + 2 * g.padH()) * wp;
        int oh = g.outH(), ow = g.outW(), ext = oh * wp, spatial = oh * ow;
        Scratch s = Scratch.get();
        float[] xp = pad(s, x, n * g.inSize(), g.inC(), g.inH(), g.inW(), g.padH(), g.padW(), g.dilW() * (g.kW() - 1));
        // rows of whole vectors, zero past ext, so dot products need no scalar tail
        int ld = SimdGemm.roundUp(ext, L);
        float[] dyExt = s.ext(g.outC() * ld);
        int dyOff = n * g.outSize();
        if (arg != null) {
            SimdPool.spreadToWinners(g, n, dy, pooledY, arg, wp, ld, dyExt, sum);
        } else {
            for (int o = 0; o < g.outC(); o++) {
                for (int i = 0; i < oh; i++) {
                    int to = o * ld + i * wp;
                    System.arraycopy(dy, dyOff + o * spatial + i * ow, dyExt, to, ow);
                    Arrays.fill(dyExt, to + ow, to + wp, 0f);
                }
                Arrays.fill(dyExt, o * ld + ext, (o + 1) * ld, 0f);
                sum[g.weightSize() + o] += SimdKernels.sumOf(dy, dyOff + o * spatial, spatial);
            }
        }
        int[] rows = s.convRows(kg);
        for (int gi = 0; gi < g.groups(); gi++) {
            shiftedRows(rows, gi * cg, cg, plane, wp, g.kH(), g.kW(), g.dilH(), g.dilW());
            if (lanes != null) {
                SimdDot.accumulateLanes(og, 0, kg, ld, dyExt, gi * og * ld, ld, xp, rows, lanes, gi * og * kg, kg);
            } else {
                SimdGemm.columns(false, true, og, 0, kg, ext, dyExt, gi * og * ld, ld, null, xp, rows, 1f, sum, gi * og * kg, kg);
            }
        }
    }
}
