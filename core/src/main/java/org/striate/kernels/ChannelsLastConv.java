package org.striate.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forward pass of a strided convolution with its input channels last, for machines with 16 vector
 * registers (AVX2). Each sample is copied once into a zero-bordered buffer of (row, column, channel);
 * a tile of 4 output positions × 2 vectors of output channels then walks every tap and, innermost,
 * every input channel, so the inputs it broadcasts and the weights it loads both sit at the channel
 * plus a fixed offset. C2 checks their bounds once per tap rather than once per load, and keeps the
 * 8 accumulators, 2 weight vectors and a broadcast in registers with the few indices left.
 *
 * <p>The channel-lane tile ({@link ChannelLaneSmallTile}) finds each broadcast input through a table
 * of taps: on AVX2 that costs an index, a bounds check and a spilled register per load, and it ran
 * at 53–61 GFLOP/s on one core from L1 against 77–80 here (FMA peak about 85). The weights are laid
 * out once per layer ({@link #arrange}, kept by {@link WeightCache}).
 */
final class ChannelsLastConv {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    /** Output channels per tile: two vectors. */
    static final int CB = 2 * L;
    /** Output positions per tile. */
    static final int POSITIONS = 4;
    /** Input channels below which a tap's run is too short to pay for the turn to channels last. */
    static final int MIN_IN = 16;

    private ChannelsLastConv() {}

    /**
     * A kernel of more than one tap at a stride above 1, output channels in whole tiles, one group; on
     * the 16-register machines only, whose channel-lane tile it replaces (the 32-register tile reads
     * its table of taps at 6 positions × 4 vectors a load, where the cost is spread thin).
     */
    static boolean applies(ConvGeometry g) {
        return !SimdGemm.LARGE_TILE && supports(g) && (g.strideH() > 1 || g.strideW() > 1);
    }

    /** The shapes the pass computes at all, on any vector length (the tests take it there too). */
    static boolean supports(ConvGeometry g) {
        return g.groups() == 1 && g.outC() % CB == 0 && g.kH() * g.kW() > 1 && g.inC() >= MIN_IN;
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

    static void forward(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y,
                        boolean relu, Parallel pool) {
        float[] arranged = WeightCache.mine().channelsLast(g, w, wOff);
        ConvCall.mine().run(ConvCall.Pass.FORWARD_CHANNELS_LAST, pool, g, batch, x, arranged, 0, bias, bOff, relu, y);
    }

    /**
     * Sample n of x into y at yOff: y = conv + bias, then max(·, 0) with relu. With {@code inner}, the
     * tiles of output channels are split over its threads, each turning its own channels back.
     */
    static void sample(ConvGeometry g, int n, float[] x, float[] arranged, float[] bias, int bOff, boolean relu, float[] y,
                       int yOff, Parallel inner) {
        Scratch s = Scratch.get();
        int wp = g.inW() + 2 * g.padW(), hp = g.inH() + 2 * g.padH(), in = g.inC();
        float[] xl = s.channelsLast(hp * wp * in);
        toChannelsLast(g, x, n * g.inSize(), xl);
        int ow = g.outW(), spatial = g.outH() * ow, covered = (spatial + POSITIONS - 1) / POSITIONS * POSITIONS;
        int[] at = s.rows(covered);
        for (int p = 0; p < covered; p++) {
            int q = Math.min(p, spatial - 1);  // a last part tile reads the last position again
            at[p] = ((q / ow) * g.strideH() * wp + (q % ow) * g.strideW()) * in;
        }
        int taps = g.kH() * g.kW();
        int[] tapAt = s.convRows(taps);
        for (int l = 0; l < g.kH(); l++) {
            for (int m = 0; m < g.kW(); m++) tapAt[l * g.kW() + m] = (l * g.dilH() * wp + m * g.dilW()) * in;
        }
        int tilesOfChannels = g.outC() / CB;
        if (inner == null || tilesOfChannels < 2) {
            part(g, 0, tilesOfChannels, xl, at, tapAt, arranged, bias, bOff, relu, y, yOff);
            return;
        }
        Parts job = PARTS.get();
        job.set(g, xl, at, tapAt, arranged, bias, bOff, relu, y, yOff);
        try {
            inner.run(tilesOfChannels, job);
        } finally {
            job.set(null, null, null, null, null, null, 0, false, null, 0);
        }
    }

    /** Tiles of output channels [t0, t1) at every position, into the running thread's accumulators, then turned back into y. */
    private static void part(ConvGeometry g, int t0, int t1, float[] xl, int[] at, int[] tapAt, float[] arranged, float[] bias,
                             int bOff, boolean relu, float[] y, int yOff) {
        if (t0 == t1) return;
        int spatial = g.outH() * g.outW(), covered = (spatial + POSITIONS - 1) / POSITIONS * POSITIONS;
        int ld = ChannelLaneTiles.lead(g.outC()), in = g.inC(), taps = g.kH() * g.kW();
        float[] acc = Scratch.get().ext(covered * ld);
        for (int t = t0; t < t1; t++) {
            int wOff = t * taps * in * CB;
            for (int p = 0; p < covered; p += POSITIONS) {
                tile(taps, in, xl, tapAt, at[p], at[p + 1], at[p + 2], at[p + 3], arranged, wOff, acc, p * ld + t * CB, ld);
            }
        }
        LaneTranspose.toChannelsFirst(acc, 0, spatial, ld, t0 * CB, t1 * CB, bias, bOff, relu, y, yOff, spatial);
    }

    /**
     * acc rows r0, r0 + ld, … (4 positions, 2 vectors of channels) = Σ over taps and input channels c of
     * x[a_i + tapAt[tap] + c] · w[wOff + (tap·in + c)·CB …]. Written out in full: C2 keeps locals in
     * registers, never arrays of vectors.
     */
    static void tile(int taps, int in, float[] x, int[] tapAt, int a0, int a1, int a2, int a3, float[] w, int wOff,
                     float[] acc, int r0, int ld) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(S);
        for (int tap = 0; tap < taps; tap++) {
            int o = tapAt[tap], b0 = a0 + o, b1 = a1 + o, b2 = a2 + o, b3 = a3 + o, wb = wOff + tap * in * CB;
            for (int c = 0; c < in; c++) {
                FloatVector w0 = FloatVector.fromArray(S, w, wb + c * CB), w1 = FloatVector.fromArray(S, w, wb + c * CB + L);
                FloatVector v = FloatVector.broadcast(S, x[b0 + c]); c00 = v.fma(w0, c00); c01 = v.fma(w1, c01);
                v = FloatVector.broadcast(S, x[b1 + c]); c10 = v.fma(w0, c10); c11 = v.fma(w1, c11);
                v = FloatVector.broadcast(S, x[b2 + c]); c20 = v.fma(w0, c20); c21 = v.fma(w1, c21);
                v = FloatVector.broadcast(S, x[b3 + c]); c30 = v.fma(w0, c30); c31 = v.fma(w1, c31);
            }
        }
        int r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld;
        c00.intoArray(acc, r0); c01.intoArray(acc, r0 + L);
        c10.intoArray(acc, r1); c11.intoArray(acc, r1 + L);
        c20.intoArray(acc, r2); c21.intoArray(acc, r2 + L);
        c30.intoArray(acc, r3); c31.intoArray(acc, r3 + L);
    }

    /**
     * xl ((inH + 2·padH) rows × (inW + 2·padW) columns × inC) = the sample at xOff with a zero border:
     * blocks of channels × positions of a row transposed in registers, the rest a float at a time.
     */
    static void toChannelsLast(ConvGeometry g, float[] x, int xOff, float[] xl) {
        int in = g.inC(), h = g.inH(), w = g.inW(), ph = g.padH(), pw = g.padW(), wp = w + 2 * pw, plane = h * w;
        int rowFloats = wp * in;
        Arrays.fill(xl, 0, ph * rowFloats, 0f);
        Arrays.fill(xl, (ph + h) * rowFloats, (2 * ph + h) * rowFloats, 0f);
        int n = LaneTranspose.N, wholeC = LaneTranspose.applies() ? in / n * n : 0, wholeQ = LaneTranspose.applies() ? w / n * n : 0;
        for (int r = 0; r < h; r++) {
            int row = (ph + r) * rowFloats, src = xOff + r * w;
            Arrays.fill(xl, row, row + pw * in, 0f);
            Arrays.fill(xl, row + (pw + w) * in, row + rowFloats, 0f);
            for (int c = 0; c < wholeC; c += n) {
                for (int q = 0; q < wholeQ; q += n) {
                    LaneTranspose.block(x, src + c * plane + q, plane, xl, row + (pw + q) * in + c, in, null, 0, Float.NEGATIVE_INFINITY);
                }
            }
            for (int q = 0; q < w; q++) {
                int cell = row + (pw + q) * in;
                for (int c = q < wholeQ ? wholeC : 0; c < in; c++) xl[cell + c] = x[src + c * plane + q];
            }
        }
    }

    /** One sample's tiles of output channels, split over a pool's threads; reused per thread. */
    private static final class Parts implements Parallel.RangeTask {
        private ConvGeometry g;
        private float[] xl, arranged, bias, y;
        private int[] at, tapAt;
        private int bOff, yOff;
        private boolean relu;

        void set(ConvGeometry g, float[] xl, int[] at, int[] tapAt, float[] arranged, float[] bias, int bOff, boolean relu,
                 float[] y, int yOff) {
            this.g = g;
            this.xl = xl;
            this.at = at;
            this.tapAt = tapAt;
            this.arranged = arranged;
            this.bias = bias;
            this.bOff = bOff;
            this.relu = relu;
            this.y = y;
            this.yOff = yOff;
        }

        @Override
        public void run(int part, int from, int to) {
            ChannelsLastConv.part(g, from, to, xl, at, tapAt, arranged, bias, bOff, relu, y, yOff);
        }
    }

    private static final ThreadLocal<Parts> PARTS = ThreadLocal.withInitial(Parts::new);
}
