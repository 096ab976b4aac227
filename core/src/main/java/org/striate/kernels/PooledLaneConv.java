package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Inference's convolution → ReLU → max pool of any window (resnet18's 7 × 7, stride-2 stem and the
 * 3 × 3, stride-2 pool after it) on the channel-lane tiles ({@link ChannelLaneTiles}), a chunk of whole
 * output rows at a time: each chunk's sums, still (positions, channels), are pooled by vectors of
 * channels, and only the pooled positions are turned back to channels first. The full-size output
 * (3.2 MB a sample for resnet18's stem) never reaches memory, and the pool's own pass over it is gone.
 * The rows a chunk's windows share with the next chunk's are carried over, not computed again.
 *
 * <p>Bias and ReLU come after the max, which gives the same values: adding a constant and rounding never
 * change which value is largest, and max(ReLU(a), ReLU(b)) = ReLU(max(a, b)). Padding never wins a max,
 * and a window always holds a real output (padding is at most half the window, {@link PoolGeometry}).
 *
 * <p>Samples go to whichever thread asks next; a batch smaller than the threads splits each sample's
 * pooled rows into bands, each thread padding the input rows its band reads and computing the output
 * rows it pools (the rows two bands' windows share are computed by both).
 */
final class PooledLaneConv {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    private static final int PR = ChannelLaneTiles.POSITIONS;
    /** Output positions a chunk computes about: their sums (288 KB at 64 channels) stay in L2, as in ChannelLaneConv's chunks. */
    private static final int CHUNK_POSITIONS = ChannelLaneConv.CHUNK_TILES * PR;

    private PooledLaneConv() {}

    /** A convolution the large channel-lane tiles take, followed by a max pool over its whole output. */
    static boolean applies(ConvGeometry g, PoolGeometry p) {
        return ChannelLaneTiles.LARGE && ChannelLaneConv.fitsTiles(g) && p.kind() == PoolGeometry.Kind.MAX && p.channels() == g.outC()
                && p.inH() == g.outH() && p.inW() == g.outW();
    }

    static void forward(ConvGeometry g, PoolGeometry p, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y,
                        Parallel pool) {
        int k = g.inC() * g.kH() * g.kW(), outC = g.outC();
        float[] wt = WeightCache.mine().transposed(g, w, wOff, outC, k, ChannelLaneTiles.lead(outC));
        Job job = JOBS.get();
        job.set(g, p, x, wt, bias, bOff, y);
        try {
            if (pool == null) {
                for (int n = 0; n < batch; n++) job.run(n, null);
            } else {
                SimdConv.forSamples(pool, batch, g.macs(), job);
            }
        } finally {
            job.set(null, null, null, null, null, 0, null);
        }
    }

    /** Pooled rows [i0, i1) of sample n into y. */
    static void band(ConvGeometry g, PoolGeometry p, int n, int i0, int i1, float[] x, float[] wt, float[] bias, int bOff, float[] y) {
        int oh = g.outH(), ow = g.outW(), pw = p.outW(), sH = p.strideH(), outC = g.outC(), ld = ChannelLaneTiles.lead(outC);
        int k = g.inC() * g.kH() * g.kW(), wp = g.inW() + 2 * g.padW(), plane = (g.inH() + 2 * g.padH()) * wp;
        Scratch s = Scratch.get();
        // the input rows this band's output rows read, padded
        int lo = firstRow(p, i0), hi = endRow(p, i1 - 1, oh);
        int r0 = Math.max(0, lo * g.strideH() - g.padH()), r1 = Math.min(g.inH(), (hi - 1) * g.strideH() - g.padH() + g.dilH() * (g.kH() - 1) + 1);
        float[] xp = SimdConv.pad(s, x, n * g.inSize(), g.inC(), g.inH(), g.inW(), g.padH(), g.padW(), g.dilW() * (g.kW() - 1), r0, r1);
        int[] rows = s.convRows(k);
        SimdConv.shiftedRows(rows, 0, g.inC(), plane, wp, g.kH(), g.kW(), g.dilH(), g.dilW());
        boolean rowOfThree = ChannelLaneConv.rowsOfThree(g);
        int chunk = Math.max(1, CHUNK_POSITIONS / (sH * ow)), mostRows = (chunk - 1) * sH + p.kH();
        int capacity = PR + mostRows * ow + PR;
        float[] acc = s.ext((capacity + L) * ld);
        int[] at = s.rows(capacity);
        float[] pooled = s.sampleOut((chunk * pw + L) * ld);
        int have0 = 0, have1 = 0, base = 0;  // output rows [have0, have1) are in acc from position base
        for (int c0 = i0; c0 < i1; c0 += chunk) {
            int c1 = Math.min(i1, c0 + chunk), need0 = firstRow(p, c0), need1 = endRow(p, c1 - 1, oh);
            int keep0 = Math.max(need0, have0), keep = Math.max(0, have1 - keep0), from = keep > 0 ? have1 : need0;
            // carried rows end where a whole tile starts, so the new rows' tiles hold only new positions
            int newBase = (PR - keep * ow % PR) % PR;
            if (keep > 0) System.arraycopy(acc, (base + (keep0 - have0) * ow) * ld, acc, newBase * ld, keep * ow * ld);
            int start = newBase + keep * ow, count = (need1 - from) * ow;
            if (count > 0) {
                int tiles = (count + PR - 1) / PR;
                ChannelLaneConv.fieldStarts(g, 0, from, need1, wp, at, start, tiles * PR);
                ChannelLaneTiles.walk(start / PR, start / PR + tiles, 0, outC, k, rowOfThree, xp, rows, at, wt, ld, acc);
            }
            have0 = keep > 0 ? keep0 : need0;
            have1 = need1;
            base = newBase;
            maxOfWindows(p, c0, c1, acc, base, have0, ow, ld, outC, pooled);
            LaneTranspose.toChannelsFirst(pooled, 0, (c1 - c0) * pw, ld, 0, outC, bias, bOff, true, y,
                    n * p.outSize() + c0 * pw, p.outH() * pw);
        }
    }

    /** The first output row pooled row i's windows read. */
    private static int firstRow(PoolGeometry p, int i) { return Math.max(0, i * p.strideH() - p.padH()); }

    /** The end (exclusive) of the output rows pooled row i's windows read. */
    private static int endRow(PoolGeometry p, int i, int rows) { return Math.min(rows, i * p.strideH() - p.padH() + p.kH()); }

    /**
     * pooled ((i − c0)·pw + j, ld) = the max over pooled position (i, j)'s window of the sums in acc, output
     * row r at position base + (r − have0)·ow, for channels [0, outC), by vectors.
     */
    private static void maxOfWindows(PoolGeometry p, int c0, int c1, float[] acc, int base, int have0, int ow, int ld, int outC,
                                     float[] pooled) {
        int pw = p.outW();
        for (int i = c0; i < c1; i++) {
            int rlo = firstRow(p, i), rhi = endRow(p, i, p.inH());
            for (int j = 0; j < pw; j++) {
                int clo = Math.max(0, j * p.strideW() - p.padW()), chi = Math.min(ow, j * p.strideW() - p.padW() + p.kW());
                int to = ((i - c0) * pw + j) * ld;
                for (int c = 0; c < outC; c += L) {
                    FloatVector m = FloatVector.fromArray(S, acc, (base + (rlo - have0) * ow + clo) * ld + c);
                    for (int r = rlo; r < rhi; r++) {
                        for (int q = r == rlo ? clo + 1 : clo, at = (base + (r - have0) * ow + q) * ld + c; q < chi; q++, at += ld) {
                            m = m.max(FloatVector.fromArray(S, acc, at));
                        }
                    }
                    m.intoArray(pooled, to + c);
                }
            }
        }
    }

    /**
     * Sample n whole, each to whichever thread asks next, so a slowed core does not hold up the other;
     * or, with {@code inner} (fewer samples than threads), its pooled rows in bands over inner's
     * threads. Reused per calling thread.
     */
    private static final class Job implements SimdConv.SampleTask, Parallel.RangeTask {
        private ConvGeometry g;
        private PoolGeometry p;
        private int n, bOff;
        private float[] x, wt, bias, y;

        void set(ConvGeometry g, PoolGeometry p, float[] x, float[] wt, float[] bias, int bOff, float[] y) {
            this.g = g;
            this.p = p;
            this.x = x;
            this.wt = wt;
            this.bias = bias;
            this.bOff = bOff;
            this.y = y;
        }

        @Override
        public void run(int sample, Parallel inner) {
            if (inner == null) {
                band(g, p, sample, 0, p.outH(), x, wt, bias, bOff, y);
                return;
            }
            n = sample;
            inner.run(p.outH(), this);
        }

        @Override
        public void run(int part, int from, int to) { band(g, p, n, from, to, x, wt, bias, bOff, y); }
    }

    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);
}
