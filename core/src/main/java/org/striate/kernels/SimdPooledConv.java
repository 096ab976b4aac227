package org.striate.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Inference's Conv2d → ReLU → 2×2 max pool for a convolution with few taps per output (a first layer:
 * 1 to 3 input channels × 3×3), straight to the pooled output. The padded input is split into its even
 * and its odd columns, so the outputs at the even columns of a row, and those at the odd ones, are each
 * a sum of contiguous vectors: the four outputs of every 2×2 window sit in the same lane of four
 * accumulators, and the pool is a lane-wise max. No full-size output is written and no lanes are
 * permuted. (Fashion-MNIST's first layer, one sample: the shifted-view product took 5 µs and the pool
 * of its output 7.)
 *
 * <p>Weights are read as {@link SimdGemmPacking#packWhole} lays them out (one block of taps, panels of
 * {@link SimdGemm#MR} rows): tap t of output channel o at (o − o mod MR)·k + t·MR + o mod MR, so four
 * channels from a multiple of 4 sit side by side (MR is 4 or 8).
 *
 * <p>Training takes the same pass ({@link #training}) and also writes each window's winner, so that
 * the full-size output is neither written nor read back by a separate pool (fashion-cnn's first
 * layer, 32 samples, one thread: 750–900 µs, against 1,190–1,400 for the convolution with its ReLU
 * and then the pool keeping its winners).
 */
final class SimdPooledConv {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    private static final int MR = SimdGemm.MR;
    /** Taps per output (input channels × kernel window) up to which this pass is used. */
    static final int MAX_TAPS = 32;

    private SimdPooledConv() {}

    static boolean applies(ConvGeometry g) {
        return g.groups() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.dilH() == 1 && g.dilW() == 1
                && g.inC() * g.kH() * g.kW() <= MAX_TAPS && g.outC() % 2 == 0 && g.outH() >= 2 && g.outW() >= 2;
    }

    /**
     * dst at dstOff (outC, ⌊oh/2⌋, ⌊ow/2⌋) = the 2×2, stride-2 max pool of sample n's convolution, plus
     * bias, then max(·, 0) with {@code relu} (bias and ReLU after the max give the same values: adding a
     * constant and rounding never change which of four values is largest).
     */
    static void sample(ConvGeometry g, int n, float[] x, float[] ap, float[] bias, int bOff, boolean relu, float[] dst, int dstOff) {
        sample(g, n, x, ap, bias, bOff, relu, dst, null, dstOff, 0, g.outH() / 2);
    }

    /**
     * Training's pass ({@link Kernels#conv2dForwardReluMaxPoolArg}): y as {@link #sample} writes it with
     * the ReLU, and arg each window's winner; samples to whichever thread is free, or with fewer samples
     * than threads pooled rows over the threads ({@link #byRows}).
     */
    static void training(Parallel pool, ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff,
                         float[] y, int[] arg) {
        int k = g.inC() * g.kH() * g.kW();
        float[] ap = Scratch.get().packW(SimdGemmPacking.packedSize(g.outC(), k));
        SimdGemmPacking.packWhole(false, g.outC(), k, w, wOff, k, ap, 0);
        RowSplit job = SPLITS.get();
        job.set(g, batch, x, ap, bias, bOff, true, y, arg);
        try {
            if (pool != null && batch < pool.threads()) pool.run(g.outH() / 2, job);
            else if (pool != null) SimdConv.forSamples(pool, batch, g.macs(), job);
            else for (int n = 0; n < batch; n++) job.run(n, null);
        } finally {
            job.set(null, 0, null, null, null, 0, false, null, null);
        }
    }

    /**
     * {@link #sample} for fewer samples than threads: each thread takes a band of pooled rows of every
     * sample, every channel (a first layer's sample is far below {@link SimdConv#SPLIT_MACS}, so the
     * samples alone keep one thread busy and the others waiting). Rows, not channels: the next layer's
     * tiles, taken row by row, then mostly read what their own thread wrote (fashion-cnn at batch 1, two
     * threads: split by channels, this layer's 18 µs fell to 12–14 but the next layer's rose by 5–11;
     * split by rows, the whole forward pass's median 95.9 µs against 104.3 unsplit, old and new taking
     * turns in one JVM). Each output is computed as in {@link #sample}, whichever thread takes it.
     */
    static void byRows(Parallel pool, ConvGeometry g, int batch, float[] x, float[] ap, float[] bias, int bOff, boolean relu,
                       float[] dst) {
        RowSplit job = SPLITS.get();
        job.set(g, batch, x, ap, bias, bOff, relu, dst, null);
        try {
            pool.run(g.outH() / 2, job);
        } finally {
            job.set(null, 0, null, null, null, 0, false, null, null);
        }
    }

    /**
     * The arguments of a {@link #byRows} or {@link #training} call, read by the pool's threads; reused
     * per calling thread. As a range task it takes pooled rows of every sample, as a sample task whole samples.
     */
    private static final class RowSplit implements Parallel.RangeTask, SimdConv.SampleTask {
        private ConvGeometry g;
        private int batch, bOff;
        private float[] x, ap, bias, dst;
        private int[] arg;
        private boolean relu;

        void set(ConvGeometry g, int batch, float[] x, float[] ap, float[] bias, int bOff, boolean relu, float[] dst, int[] arg) {
            this.g = g;
            this.batch = batch;
            this.x = x;
            this.ap = ap;
            this.bias = bias;
            this.bOff = bOff;
            this.relu = relu;
            this.dst = dst;
            this.arg = arg;
        }

        @Override
        public void run(int part, int from, int to) {
            int pooled = g.outC() * (g.outH() / 2) * (g.outW() / 2);
            for (int n = 0; n < batch; n++) sample(g, n, x, ap, bias, bOff, relu, dst, arg, n * pooled, from, to);
        }

        @Override
        public void run(int n, Parallel inner) {
            sample(g, n, x, ap, bias, bOff, relu, dst, arg, n * g.outC() * (g.outH() / 2) * (g.outW() / 2), 0, g.outH() / 2);
        }
    }

    private static final ThreadLocal<RowSplit> SPLITS = ThreadLocal.withInitial(RowSplit::new);

    /** Pooled rows [i0, i1) of {@link #sample}, every channel; with arg (indexed like dst) each window's winner too. */
    private static void sample(ConvGeometry g, int n, float[] x, float[] ap, float[] bias, int bOff, boolean relu, float[] dst,
                               int[] arg, int dstOff, int i0, int i1) {
        int inC = g.inC(), k = inC * g.kH() * g.kW();
        int hp = g.inH() + 2 * g.padH(), rs = splitRowStride(g);
        int ph = g.outH() / 2, pw = g.outW() / 2, odd = inC * hp * rs;
        Scratch s = Scratch.get();
        float[] split = split(s, g, x, n * g.inSize(), hp, rs, odd);
        float[] tile = s.tile(20 * L);
        int[] wonAt = s.poolIndices(L);
        int[] evens = s.convRows(k), odds = s.rows(k);
        tapOffsets(g, hp, rs, odd, evens, odds);
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        if (!SimdGemm.LARGE_TILE) {
            pairs(g, 0, i0, i1, k, evens, split, rs, odd, ap, bias, bOff, floor, dst, arg, dstOff, tile, wonAt);
            return;
        }
        int o = 0;
        for (; o + 4 <= g.outC(); o += 4) {
            int w0 = (o - o % MR) * k + o % MR;
            float b0 = bias == null ? 0f : bias[bOff + o], b1 = bias == null ? 0f : bias[bOff + o + 1];
            float b2 = bias == null ? 0f : bias[bOff + o + 2], b3 = bias == null ? 0f : bias[bOff + o + 3];
            for (int i = i0; i < i1; i++) {
                for (int j0 = 0; j0 < pw; j0 += L) {
                    // a part vector is stored whole where its spill stays on this channel's later rows of
                    // this call, which are written after it; past them it would land on outputs already
                    // written, or on another thread's rows (byRows)
                    int plane = ph * pw, at = dstOff + (o * ph + i) * pw + j0;
                    int count = i * pw + j0 + L <= i1 * pw ? L : Math.min(L, pw - j0);
                    window4(k, evens, odds, split, 2 * i * rs + j0, rs, ap, w0, floor, b0, b1, b2, b3, dst, at, plane, count, tile, arg != null);
                    if (arg != null) {
                        int corner = 2 * (i * g.outW() + j0);
                        SimdPool.winners(tile, 4 * L, corner, g.outW(), arg, at, count, count == L, wonAt);
                        SimdPool.winners(tile, 8 * L, corner, g.outW(), arg, at + plane, count, count == L, wonAt);
                        SimdPool.winners(tile, 12 * L, corner, g.outW(), arg, at + 2 * plane, count, count == L, wonAt);
                        SimdPool.winners(tile, 16 * L, corner, g.outW(), arg, at + 3 * plane, count, count == L, wonAt);
                    }
                }
            }
        }
        if (o < g.outC()) pairs(g, o, i0, i1, k, evens, split, rs, odd, ap, bias, bOff, floor, dst, arg, dstOff, tile, wonAt);  // channels by twos (LeNet's 6)
    }

    /**
     * The same two channels at a time, from channel o0: on machines with 16 vector registers (four
     * channels' 16 sums and four loads of input need 21, and C2 then keeps sums on the stack), and for
     * the last two of a channel count that is not a multiple of four.
     */
    private static void pairs(ConvGeometry g, int o0, int i0, int i1, int k, int[] evens, float[] split, int rs, int odd, float[] ap,
                              float[] bias, int bOff, float floor, float[] dst, int[] arg, int dstOff, float[] tile, int[] wonAt) {
        int ph = g.outH() / 2, pw = g.outW() / 2, plane = ph * pw;
        for (int o = o0; o < g.outC(); o += 2) {
            int w0 = (o - o % MR) * k + o % MR;
            float b0 = bias == null ? 0f : bias[bOff + o], b1 = bias == null ? 0f : bias[bOff + o + 1];
            for (int i = i0; i < i1; i++) {
                for (int j0 = 0; j0 < pw; j0 += L) {
                    int at = dstOff + (o * ph + i) * pw + j0;
                    int count = i * pw + j0 + L <= i1 * pw ? L : Math.min(L, pw - j0);
                    window2Rows(g.inC() * g.kH(), g.kW(), evens, split, 2 * i * rs + j0, rs, odd, ap, w0, floor, b0, b1, dst, at, plane,
                            count, tile, arg != null);
                    if (arg != null) {
                        int corner = 2 * (i * g.outW() + j0);
                        SimdPool.winners(tile, 4 * L, corner, g.outW(), arg, at, count, count == L, wonAt);
                        SimdPool.winners(tile, 8 * L, corner, g.outW(), arg, at + plane, count, count == L, wonAt);
                    }
                }
            }
        }
    }

    /**
     * Two channels' pooled outputs [j0, j0 + count) of one pooled row, as {@link #window4} for four, but
     * a kernel row at a time, with loads at fixed offsets from the row's start (its first tap's even
     * offset) rather than through the tables of taps. Number the split row's vectors p0 =
     * even column j, p1 = odd j, p2 = even j + 1, p3 = odd j + 1, …: tap m gives the window's even
     * outputs p_m and its odd outputs p_{m+1}, so each tap loads one new vector per row of the window,
     * keeps the one before, and broadcasts each channel's weight once for both rows. The tap-by-tap
     * loop it replaced found 4 inputs through the tables for each tap: one thread of an AVX2 EPYC, 128
     * samples, fashion-cnn's first layer with its pool (32 channels, 3 × 3) 3.0 → 2.3–2.5 ms, LeNet's
     * (6 channels, 5 × 5) 0.96 → 0.90 ms.
     */
    private static void window2Rows(int runs, int kW, int[] evens, float[] split, int base, int rs, int odd, float[] ap, int w0,
                                    float floor, float b0, float b1, float[] dst, int at, int plane, int count, float[] tile, boolean keep) {
        FloatVector z = FloatVector.zero(S);
        FloatVector a0 = z, a1 = z, c0 = z, c1 = z, d0 = z, d1 = z, e0 = z, e1 = z;
        for (int r = 0; r < runs; r++) {
            int rb = base + evens[r * kW], wi = w0 + r * kW * MR;
            FloatVector top = FloatVector.fromArray(S, split, rb), bottom = FloatVector.fromArray(S, split, rb + rs);
            for (int m = 0; m < kW; m++, wi += MR) {
                int next = rb + ((m & 1) == 0 ? odd + (m >> 1) : (m + 1) >> 1);  // p_{m+1}
                FloatVector nextTop = FloatVector.fromArray(S, split, next), nextBottom = FloatVector.fromArray(S, split, next + rs);
                FloatVector v = FloatVector.broadcast(S, ap[wi]);
                a0 = top.fma(v, a0); c0 = nextTop.fma(v, c0); d0 = bottom.fma(v, d0); e0 = nextBottom.fma(v, e0);
                v = FloatVector.broadcast(S, ap[wi + 1]);
                a1 = top.fma(v, a1); c1 = nextTop.fma(v, c1); d1 = bottom.fma(v, d1); e1 = nextBottom.fma(v, e1);
                top = nextTop;
                bottom = nextBottom;
            }
        }
        FloatVector r0 = a0.max(c0).max(d0.max(e0)).add(b0).max(floor), r1 = a1.max(c1).max(d1.max(e1)).add(b1).max(floor);
        if (keep) {
            a0.intoArray(tile, 4 * L); c0.intoArray(tile, 5 * L); d0.intoArray(tile, 6 * L); e0.intoArray(tile, 7 * L);
            a1.intoArray(tile, 8 * L); c1.intoArray(tile, 9 * L); d1.intoArray(tile, 10 * L); e1.intoArray(tile, 11 * L);
        }
        if (count == L) {
            r0.intoArray(dst, at); r1.intoArray(dst, at + plane);
        } else {
            r0.intoArray(tile, 0); r1.intoArray(tile, L);
            for (int q = 0; q < 2; q++) System.arraycopy(tile, q * L, dst, at + q * plane, count);
        }
    }

    /** Floats from one row of {@link #split}'s planes to the next: half the padded width, plus a vector of slack. */
    static int splitRowStride(ConvGeometry g) {
        return (g.inW() + 2 * g.padW() + 1) / 2 + L;
    }

    /**
     * Each tap's offset in {@link #split} from the top-left input of the window whose top row is row 0:
     * tap t = (c, l, m) of an output in an even column in evens[t], in an odd column in odds[t]. Output
     * column 2j + q reads padded column 2j + q + m, which is column j + (q + m) >> 1 of the even (q + m
     * even) or odd split.
     */
    static void tapOffsets(ConvGeometry g, int hp, int rs, int odd, int[] evens, int[] odds) {
        for (int c = 0, t = 0; c < g.inC(); c++) {
            for (int l = 0; l < g.kH(); l++) {
                for (int m = 0; m < g.kW(); m++, t++) {
                    int row = (c * hp + l) * rs;
                    evens[t] = row + ((m & 1) == 0 ? 0 : odd) + (m >> 1);
                    odds[t] = row + (((m + 1) & 1) == 0 ? 0 : odd) + ((m + 1) >> 1);
                }
            }
        }
    }

    /**
     * The padded sample as two planes per channel, its even columns then (from {@code odd}) its odd
     * ones, rows {@code rs} apart; zero where the padding is and in each row's slack.
     */
    static float[] split(Scratch s, ConvGeometry g, float[] x, int xOff, int hp, int rs, int odd) {
        return split(s, g, x, xOff, hp, rs, odd, 2 * odd + L);
    }

    /** {@link #split} into a buffer of at least {@code size} floats, zero past the two planes. */
    static float[] split(Scratch s, ConvGeometry g, float[] x, int xOff, int hp, int rs, int odd, int size) {
        int inC = g.inC(), h = g.inH(), w = g.inW(), padH = g.padH(), padW = g.padW();
        float[] split = s.padded(size);
        Arrays.fill(split, 0, size, 0f);
        s.paddedLayoutIs(-1, 0, 0, 0, 0, 0);  // the buffer no longer holds a padded copy's layout
        for (int c = 0; c < inC; c++) {
            for (int r = 0; r < h; r++) {
                int from = xOff + (c * h + r) * w, row = (c * hp + r + padH) * rs;
                for (int col = 0; col < w; col++) {
                    int pc = col + padW;
                    split[((pc & 1) == 0 ? 0 : odd) + row + (pc >> 1)] = x[from + col];
                }
            }
        }
        return split;
    }

    /**
     * Four channels' pooled outputs [j0, j0 + count) of one pooled row: for each tap, the inputs of the
     * window's four positions (top/bottom row × even/odd column) are four vector loads, shared by the
     * four channels' weights. One loop over the taps, their offsets made beforehand: C2 keeps the 16
     * sums in registers only in a loop this simple (three nested loops ran ten times slower).
     */
    private static void window4(int k, int[] evens, int[] odds, float[] split, int base, int rs, float[] ap, int w0,
                                float floor, float b0, float b1, float b2, float b3, float[] dst, int at, int plane,
                                int count, float[] tile, boolean keep) {
        FloatVector z = FloatVector.zero(S);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, c0 = z, c1 = z, c2 = z, c3 = z;
        FloatVector d0 = z, d1 = z, d2 = z, d3 = z, e0 = z, e1 = z, e2 = z, e3 = z;
        for (int t = 0; t < k; t++) {
            int even = base + evens[t], oddCol = base + odds[t];
            FloatVector te = FloatVector.fromArray(S, split, even), to = FloatVector.fromArray(S, split, oddCol);
            FloatVector be = FloatVector.fromArray(S, split, even + rs), bo = FloatVector.fromArray(S, split, oddCol + rs);
            int wi = w0 + t * MR;
            FloatVector v = FloatVector.broadcast(S, ap[wi]);
            a0 = te.fma(v, a0); c0 = to.fma(v, c0); d0 = be.fma(v, d0); e0 = bo.fma(v, e0);
            v = FloatVector.broadcast(S, ap[wi + 1]);
            a1 = te.fma(v, a1); c1 = to.fma(v, c1); d1 = be.fma(v, d1); e1 = bo.fma(v, e1);
            v = FloatVector.broadcast(S, ap[wi + 2]);
            a2 = te.fma(v, a2); c2 = to.fma(v, c2); d2 = be.fma(v, d2); e2 = bo.fma(v, e2);
            v = FloatVector.broadcast(S, ap[wi + 3]);
            a3 = te.fma(v, a3); c3 = to.fma(v, c3); d3 = be.fma(v, d3); e3 = bo.fma(v, e3);
        }
        FloatVector r0 = a0.max(c0).max(d0.max(e0)).add(b0).max(floor), r1 = a1.max(c1).max(d1.max(e1)).add(b1).max(floor);
        FloatVector r2 = a2.max(c2).max(d2.max(e2)).add(b2).max(floor), r3 = a3.max(c3).max(d3.max(e3)).add(b3).max(floor);
        if (keep) {  // the four positions' sums, through memory for winners(): vectors passed to a method C2 may box
            a0.intoArray(tile, 4 * L); c0.intoArray(tile, 5 * L); d0.intoArray(tile, 6 * L); e0.intoArray(tile, 7 * L);
            a1.intoArray(tile, 8 * L); c1.intoArray(tile, 9 * L); d1.intoArray(tile, 10 * L); e1.intoArray(tile, 11 * L);
            a2.intoArray(tile, 12 * L); c2.intoArray(tile, 13 * L); d2.intoArray(tile, 14 * L); e2.intoArray(tile, 15 * L);
            a3.intoArray(tile, 16 * L); c3.intoArray(tile, 17 * L); d3.intoArray(tile, 18 * L); e3.intoArray(tile, 19 * L);
        }
        // stored here, not in a helper: a vector passed to a method C2 does not inline is boxed (allocated)
        if (count == L) {
            r0.intoArray(dst, at); r1.intoArray(dst, at + plane); r2.intoArray(dst, at + 2 * plane); r3.intoArray(dst, at + 3 * plane);
        } else {
            // a part vector through the tile, so nothing past it changes
            r0.intoArray(tile, 0); r1.intoArray(tile, L); r2.intoArray(tile, 2 * L); r3.intoArray(tile, 3 * L);
            for (int q = 0; q < 4; q++) System.arraycopy(tile, q * L, dst, at + q * plane, count);
        }
    }
}
