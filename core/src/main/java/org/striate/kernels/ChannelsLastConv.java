package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forward pass of a strided convolution, or of a kernel larger than 3 × 3, with its input channels
 * last, for machines with 16 vector registers (AVX2). Each sample is copied once into a zero-bordered buffer of (row, column, channel)
 * ({@link WinogradLanes#channelsLast}, as for Winograd's F(4×4, 3×3));
 * a tile of 6 output positions × 2 vectors of output channels then walks every kernel row and,
 * innermost, the row's taps and their channels, which lie side by side there: the inputs it
 * broadcasts and the weights it loads both sit at the loop's counter plus a fixed offset. C2 checks
 * their bounds once per kernel row rather than once per load, and keeps the 12 accumulators, 2 weight
 * vectors and a broadcast in registers with the few indices left.
 *
 * <p>The channel-lane tile ({@link ChannelLaneSmallTile}) finds each broadcast input through a table
 * of taps: on AVX2 that costs an index, a bounds check and a spilled register per load, and it ran
 * at 53–61 GFLOP/s on one core from L1 against 83–86 here (FMA peak about 85). The weights are laid
 * out once per layer ({@link #arrange}, kept by {@link WeightCache}).
 */
final class ChannelsLastConv {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    /** Output channels per tile: two vectors. */
    static final int CB = 2 * L;
    /**
     * Output positions per tile: 12 accumulators, 2 weight vectors and a broadcast fill 15 of the 16
     * registers. One core, inputs in L1: 73–77 GFLOP/s at 4 positions, 83–86 at 6 (peak about 85);
     * resnet8's 32 → 64 stride-2 pass, see BENCHMARKS.md.
     */
    static final int POSITIONS = 6;
    /** Floats a run of the tile's loop must hold to pay for the turn to channels last ({@link #runLength}). */
    static final int MIN_RUN = 16;
    /** Output positions turned back at a time, while their sums (252 × 2 tiles of channels: 71 KB at 64) are in L2; whole tiles. */
    static final int CHUNK = 42 * POSITIONS;

    private ChannelsLastConv() {}

    /**
     * A kernel of more than one tap at a stride above 1, or larger than 3 × 3 at any stride, output
     * channels in whole tiles, one group; on the 16-register machines only, whose channel-lane tile it
     * replaces (the 32-register tile reads its table of taps at 6 positions × 4 vectors a load, where
     * the cost is spread thin). At stride 1 the shifted-view product computes a large kernel over the
     * padded width, a third more columns than the output on a 14 × 14 map; here only the output's
     * positions. Two threads, one JVM taking turns, medians, 5 × 5 kernels: lenet5's second layer with
     * its ReLU and pool, batch 256, 1.35–1.38 → 1.20–1.22 ms; 16 → 32 channels at 28 × 28, batch 64,
     * 10.2 → 8.6 ms; 32 → 64 at 14 × 14 10.8 → 8.0 ms. (3 × 3 kernels go to Winograd's passes first.)
     */
    static boolean applies(ConvGeometry g) {
        return !SimdGemm.LARGE_TILE && supports(g) && (g.strideH() > 1 || g.strideW() > 1 || g.kH() > 3 && g.kW() > 3);
    }

    /** The shapes the pass computes at all, on any vector length (the tests take it there too). */
    static boolean supports(ConvGeometry g) {
        return g.groups() == 1 && g.outC() % CB == 0 && g.kH() * g.kW() > 1 && runLength(g) >= MIN_RUN;
    }

    /**
     * Floats the tile reads in one run, the loop C2 checks once: a kernel row's taps and their channels,
     * which lie side by side in the input without dilation across (21 for resnet18's 7 × 7 stem on 3
     * channels, 96 for a 3 × 3 kernel on 32); one tap's channels otherwise.
     */
    static int runLength(ConvGeometry g) {
        return g.dilW() == 1 ? g.kW() * g.inC() : g.inC();
    }

    /** dst[((t·taps + tap)·inC + c)·CB + j] = w[wOff + ((t·CB + j)·inC + c)·taps + tap]: a tile's weights tap by tap, channel by channel. */
    static void arrange(ConvGeometry g, float[] w, int wOff, float[] dst) {
        int in = g.inC(), taps = g.kH() * g.kW();
        for (int o = 0; o < g.outC(); o++) {
            int t = o / CB, j = o % CB;
            for (int c = 0; c < in; c++) {
                int src = wOff + (o * in + c) * taps;
                for (int tap = 0; tap < taps; tap++) dst[((t * taps + tap) * in + c) * CB + j] = w[src + tap];
            }
        }
    }

    /** With {@code maxPool}, y receives the 2×2, stride-2 max pool of each sample's output (inference; see ConvCall). */
    static void forward(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y,
                        boolean relu, boolean maxPool, Parallel pool) {
        float[] arranged = WeightCache.mine().channelsLast(g, w, wOff);
        ConvCall.mine().run(ConvCall.Pass.FORWARD_CHANNELS_LAST, pool, g, batch, x, arranged, 0, bias, bOff, relu, maxPool, y);
    }

    /**
     * Sample n of x into y at yOff: y = conv + bias, then max(·, 0) with relu. With {@code inner}, the
     * input's rows are turned channels last by its threads, then the tiles of output channels are
     * split over them, each turning its own channels back. (A single sample, two threads, fresh JVMs
     * taking turns, medians: with the calling thread turning the whole input, resnet8's 32 → 64
     * stride-2 layer took 68.6–71.6 µs against 60.4–64.1, its 64 → 128 one 68.8–70.7 against 63.5–67.8.)
     */
    static void sample(ConvGeometry g, int n, float[] x, float[] arranged, float[] bias, int bOff, boolean relu, float[] y,
                       int yOff, Parallel inner) {
        Scratch s = Scratch.get();
        int wp = g.inW() + 2 * g.padW(), hp = g.inH() + 2 * g.padH(), in = g.inC(), tilesOfChannels = g.outC() / CB;
        boolean split = inner != null && tilesOfChannels >= 2;
        float[] xl = s.channelsLast(hp * wp * in);
        WinogradLanes.zeroBorder(xl, 0, hp, wp, in, g.padH(), g.padW(), g.inH(), g.inW());
        Parts job = split ? PARTS.get() : null;
        if (split && WinogradLanes.byRows(in, g.inW())) {
            job.set(g, n, x, xl, null, null, null, null, 0, false, null, 0);
            try {
                inner.run(g.inH(), job);
            } finally {
                job.clear();
            }
        } else {
            WinogradLanes.channelsLast(x, n * g.inSize(), in, g.inH(), g.inW(), xl, g.padH(), g.padW(), wp, in, s.col(g.inSize()));
        }
        int ow = g.outW(), spatial = g.outH() * ow, covered = (spatial + POSITIONS - 1) / POSITIONS * POSITIONS;
        int[] at = s.rows(covered);
        for (int p = 0; p < covered; p++) {
            int q = Math.min(p, spatial - 1);  // a last part tile reads the last position again
            at[p] = ((q / ow) * g.strideH() * wp + (q % ow) * g.strideW()) * in;
        }
        // where each run starts from a position's first input: a kernel row, or a tap
        boolean byRows = g.dilW() == 1;
        int runs = byRows ? g.kH() : g.kH() * g.kW();
        int[] runAt = s.convRows(runs);
        for (int l = 0; l < g.kH(); l++) {
            if (byRows) runAt[l] = l * g.dilH() * wp * in;
            else for (int m = 0; m < g.kW(); m++) runAt[l * g.kW() + m] = (l * g.dilH() * wp + m * g.dilW()) * in;
        }
        if (!split) {
            part(g, 0, tilesOfChannels, xl, at, runAt, arranged, bias, bOff, relu, y, yOff);
            return;
        }
        job.set(g, n, x, xl, at, runAt, arranged, bias, bOff, relu, y, yOff);
        try {
            inner.run(tilesOfChannels, job);
        } finally {
            job.clear();
        }
    }

    /**
     * Tiles of output channels [t0, t1) at every position, into the running thread's accumulators, turned
     * back into y {@link #CHUNK} positions at a time.
     */
    private static void part(ConvGeometry g, int t0, int t1, float[] xl, int[] at, int[] runAt, float[] arranged, float[] bias,
                             int bOff, boolean relu, float[] y, int yOff) {
        if (t0 == t1) return;
        int spatial = g.outH() * g.outW(), ld = ChannelLaneTiles.lead(g.outC());
        int runLength = runLength(g), runs = g.kH() * g.kW() * g.inC() / runLength;
        float[] acc = Scratch.get().ext(CHUNK * ld);
        for (int p0 = 0; p0 < spatial; p0 += CHUNK) {
            int len = Math.min(CHUNK, spatial - p0);
            for (int t = t0; t < t1; t++) {
                int wOff = t * runs * runLength * CB;
                for (int p = 0; p < len; p += POSITIONS) {
                    int q = p0 + p;
                    tile(runs, runLength, xl, runAt, at[q], at[q + 1], at[q + 2], at[q + 3], at[q + 4], at[q + 5], arranged, wOff, acc,
                            p * ld + t * CB, ld);
                }
            }
            LaneTranspose.toChannelsFirst(acc, 0, len, ld, t0 * CB, t1 * CB, bias, bOff, relu, y, yOff + p0, spatial);
        }
    }

    /**
     * acc rows r0, r0 + ld, … (6 positions, 2 vectors of channels) = Σ over runs and the floats j of each
     * run of x[a_i + runAt[run] + j] · w[wOff + (run·runLength + j)·CB …]. Written out in full: C2 keeps
     * locals in registers, never arrays of vectors.
     */
    static void tile(int runs, int runLength, float[] x, int[] runAt, int a0, int a1, int a2, int a3, int a4, int a5, float[] w,
                     int wOff, float[] acc, int r0, int ld) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        for (int run = 0; run < runs; run++) {
            int o = runAt[run], b0 = a0 + o, b1 = a1 + o, b2 = a2 + o, b3 = a3 + o, b4 = a4 + o, b5 = a5 + o;
            int wb = wOff + run * runLength * CB;
            for (int j = 0; j < runLength; j++) {
                FloatVector w0 = FloatVector.fromArray(S, w, wb + j * CB), w1 = FloatVector.fromArray(S, w, wb + j * CB + L);
                FloatVector v = FloatVector.broadcast(S, x[b0 + j]); c00 = v.fma(w0, c00); c01 = v.fma(w1, c01);
                v = FloatVector.broadcast(S, x[b1 + j]); c10 = v.fma(w0, c10); c11 = v.fma(w1, c11);
                v = FloatVector.broadcast(S, x[b2 + j]); c20 = v.fma(w0, c20); c21 = v.fma(w1, c21);
                v = FloatVector.broadcast(S, x[b3 + j]); c30 = v.fma(w0, c30); c31 = v.fma(w1, c31);
                v = FloatVector.broadcast(S, x[b4 + j]); c40 = v.fma(w0, c40); c41 = v.fma(w1, c41);
                v = FloatVector.broadcast(S, x[b5 + j]); c50 = v.fma(w0, c50); c51 = v.fma(w1, c51);
            }
        }
        int r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld, r4 = r3 + ld, r5 = r4 + ld;
        c00.intoArray(acc, r0); c01.intoArray(acc, r0 + L);
        c10.intoArray(acc, r1); c11.intoArray(acc, r1 + L);
        c20.intoArray(acc, r2); c21.intoArray(acc, r2 + L);
        c30.intoArray(acc, r3); c31.intoArray(acc, r3 + L);
        c40.intoArray(acc, r4); c41.intoArray(acc, r4 + L);
        c50.intoArray(acc, r5); c51.intoArray(acc, r5 + L);
    }

    /**
     * One sample's input rows turned channels last (while {@code at} is null), then its tiles of output
     * channels, split over a pool's threads; reused per thread.
     */
    private static final class Parts implements Parallel.RangeTask {
        private ConvGeometry g;
        private float[] x, xl, arranged, bias, y;
        private int[] at, runAt;
        private int n, bOff, yOff;
        private boolean relu;

        void set(ConvGeometry g, int n, float[] x, float[] xl, int[] at, int[] runAt, float[] arranged, float[] bias, int bOff,
                 boolean relu, float[] y, int yOff) {
            this.g = g;
            this.n = n;
            this.x = x;
            this.xl = xl;
            this.at = at;
            this.runAt = runAt;
            this.arranged = arranged;
            this.bias = bias;
            this.bOff = bOff;
            this.relu = relu;
            this.y = y;
            this.yOff = yOff;
        }

        void clear() { set(null, 0, null, null, null, null, null, null, 0, false, null, 0); }

        @Override
        public void run(int part, int from, int to) {
            if (at == null) {
                WinogradLanes.rowsInPlace(x, n * g.inSize(), g.inC(), g.inH(), g.inW(), from, to, xl, g.padH(), g.padW(),
                        g.inW() + 2 * g.padW(), g.inC());
            } else {
                ChannelsLastConv.part(g, from, to, xl, at, runAt, arranged, bias, bOff, relu, y, yOff);
            }
        }
    }

    private static final ThreadLocal<Parts> PARTS = ThreadLocal.withInitial(Parts::new);
}
