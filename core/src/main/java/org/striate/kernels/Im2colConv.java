package org.striate.kernels;

import java.util.Arrays;

/**
 * Convolution for strides above 1 (and the 1×1 fast path): im2col + GEMM per sample, input gradient
 * by a transposed GEMM + col2im (or, for wider kernels over whole vectors of input channels, with
 * the channels last: {@link ChannelsLastInputGrad}), weight gradient by a GEMM against the im2col
 * columns. A 1×1 convolution at stride 1 without padding multiplies the input itself: no copy at all.
 */
final class Im2colConv {
    private Im2colConv() {}

    static boolean pointwise(ConvGeometry g) {
        return g.kH() == 1 && g.kW() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0 && g.padW() == 0;
    }

    /** Sample n's im2col matrix: the input itself for a 1×1 convolution, else the thread's column buffer. */
    private static float[] columns(ConvGeometry g, int n, float[] x) {
        if (pointwise(g)) return x;
        if (ChannelLaneConv.subsamples(g)) {
            float[] col = Scratch.get().col(g.inC() * g.outH() * g.outW() + SimdGemm.roundUp(g.outW(), SimdGemm.L));
            subsample(g, x, n, 1, col);
            return col;
        }
        float[] col = Scratch.get().col(g.inC() * g.kH() * g.kW() * g.outH() * g.outW() + Im2col.SLACK);
        Im2col.im2col(g, x, n * g.inSize(), col);
        return col;
    }

    /**
     * xs (count·inC, outH·outW) = the inputs a 1×1 convolution without padding reads at its strides
     * ({@link ChannelLaneConv#subsamples}), of samples [n0, n0 + count); xs holds roundUp(outW, L)
     * floats of slack. At stride 2 across, each row by {@link WinogradTiles#evenColumns}: resnet8's
     * shortcuts on the channel-lane tiles, batch 256, two threads, calls taking turns in one JVM, 32 → 64
     * channels 4.46 → 4.19 ms (8 of 10), 64 → 128 2.24 → 2.08 ms (10 of 10).
     */
    static void subsample(ConvGeometry g, float[] x, int n0, int count, float[] xs) {
        int planes = count * g.inC(), plane = g.inH() * g.inW();
        for (int c = 0, to = 0; c < planes; c++) to = subsamplePlane(g, x, n0 * g.inSize() + c * plane, xs, to);
    }

    /**
     * xs from {@code to} (outH·outW floats) = what {@link #subsample} takes from the input plane at
     * {@code plane}; returns where the next plane goes. At stride 2 across by vectors, each row's spill
     * past ow landing where the next row goes: the caller writes there next, or leaves a vector of slack.
     */
    static int subsamplePlane(ConvGeometry g, float[] x, int plane, float[] xs, int to) {
        int oh = g.outH(), ow = g.outW(), w = g.inW(), sH = g.strideH(), sW = g.strideW(), whole = SimdGemm.roundUp(ow, SimdGemm.L);
        for (int i = 0; i < oh; i++, to += ow) {
            int from = plane + i * sH * w;
            if (sW == 2 && from + 2 * whole <= x.length) {
                WinogradTiles.evenColumns(x, from, ow, xs, to);
            } else {
                for (int j = 0; j < ow; j++, from += sW) xs[to + j] = x[from];
            }
        }
        return to;
    }

    /** Sample n's output into y at yOff. */
    static void forwardSample(ConvGeometry g, int n, float[] x, float[] ap, int per, float[] bias, int bOff,
                              float[] y, int yOff, Parallel inner) {
        int spatial = g.outH() * g.outW(), kg = g.inPerGroup() * g.kH() * g.kW(), og = g.outPerGroup();
        float[] col = columns(g, n, x);
        int colOff = pointwise(g) ? n * g.inSize() : 0;
        if (bias != null) {
            for (int o = 0; o < g.outC(); o++) Arrays.fill(y, yOff + o * spatial, yOff + (o + 1) * spatial, bias[bOff + o]);
        }
        float beta = bias == null ? 0f : 1f;
        for (int gi = 0; gi < g.groups(); gi++) {
            multiply(og, spatial, kg, ap, gi * per, col, colOff + gi * kg * spatial, beta, y, yOff + gi * og * spatial, inner);
        }
    }

    /** C (m×n, ldc = n) = packed A · B (k×n, ldb = n) + beta·C, columns split over {@code inner} if given. */
    static void multiply(int m, int n, int k, float[] ap, int apOff, float[] b, int bOff, float beta,
                         float[] c, int cOff, Parallel inner) {
        int[] rows = SimdGemm.strided(Scratch.get().convRows(k), k, bOff, n);
        int panels = (n + SimdGemm.NR - 1) / SimdGemm.NR;
        if (inner == null || panels < 2) {
            SimdGemm.multiplyPacked(m, 0, n, k, ap, apOff, b, rows, beta, c, cOff, n);
        } else {
            SplitJobs.get().packed.run(inner, m, n, k, ap, apOff, b, rows, beta, c, cOff, n);
        }
    }

    static void backwardInput(ConvGeometry g, int batch, float[] dy, float[] w, int wOff, float[] dx, Parallel pool) {
        if (ChannelsLastInputGrad.applies(g, batch, pool.threads())) {
            float[] arranged = Scratch.get().packW(g.weightSize());
            ChannelsLastInputGrad.arrange(g, w, wOff, arranged);
            ConvCall.mine().run(ConvCall.Pass.INPUT_CHANNELS_LAST, pool, g, batch, dy, arranged, 0, null, 0, false, dx);
            return;
        }
        int kg = g.inPerGroup() * g.kH() * g.kW(), og = g.outPerGroup(), per = SimdGemmPacking.packedSize(kg, og);
        float[] ap = Scratch.get().packW(per * g.groups());
        for (int gi = 0; gi < g.groups(); gi++) SimdGemmPacking.packWhole(true, kg, og, w, wOff + gi * og * kg, kg, ap, gi * per);
        ConvCall.mine().run(ConvCall.Pass.INPUT_IM2COL, pool, g, batch, dy, ap, per, null, 0, false, dx);
    }

    /** dx of sample n: the transposed product into columns, then col2im (none for a 1×1 kernel). */
    static void inputSample(ConvGeometry g, int n, float[] dy, float[] ap, int per, float[] dx, Parallel inner) {
        int kg = g.inPerGroup() * g.kH() * g.kW(), og = g.outPerGroup();
        int spatial = g.outH() * g.outW();
        boolean direct = pointwise(g);
        float[] dcol = direct ? dx : Scratch.get().col(g.inC() * g.kH() * g.kW() * spatial);
        int dcolOff = direct ? n * g.inSize() : 0;
        for (int gi = 0; gi < g.groups(); gi++) {
            multiply(kg, spatial, og, ap, gi * per, dy, n * g.outSize() + gi * og * spatial, 0f, dcol, dcolOff + gi * kg * spatial, inner);
        }
        if (!direct) {
            Arrays.fill(dx, n * g.inSize(), (n + 1) * g.inSize(), 0f);
            Im2col.col2im(g, dcol, dx, n * g.inSize());
        }
    }

    /** sum (weights, then biases) accumulates sample n's gradient. */
    static void paramsSample(ConvGeometry g, int n, float[] x, float[] dy, float[] sum) {
        int spatial = g.outH() * g.outW(), kg = g.inPerGroup() * g.kH() * g.kW(), og = g.outPerGroup();
        float[] col = columns(g, n, x);
        int colOff = pointwise(g) ? n * g.inSize() : 0;
        int dyOff = n * g.outSize();
        for (int gi = 0; gi < g.groups(); gi++) {
            SimdGemm.gemm(false, true, og, kg, spatial, dy, dyOff + gi * og * spatial, spatial,
                    col, colOff + gi * kg * spatial, spatial, 1f, sum, gi * og * kg, kg, null);
        }
        for (int o = 0; o < g.outC(); o++) sum[g.weightSize() + o] += SimdKernels.sumOf(dy, dyOff + o * spatial, spatial);
    }
}
