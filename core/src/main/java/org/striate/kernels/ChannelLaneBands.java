package org.striate.kernels;

/**
 * A single sample's channel-lane forward pass ({@link ChannelLaneConv}) split over the pool's threads:
 * by bands of output rows, by runs of pooling windows, or by tiles of output channels.
 */
final class ChannelLaneBands {
    private static final int L = SimdGemm.L;
    private static final int PR = ChannelLaneTiles.POSITIONS;

    private ChannelLaneBands() {}

    /** Sample at xOff of x into y at yOff, its taps at rows[·] of the padded input; split over {@code pool}. */
    static void forward(ConvGeometry g, float[] x, int xOff, int[] rows, float[] wt, float[] bias, int bOff, float[] y, int yOff,
                        boolean relu, boolean maxPool, Parallel pool) {
        Bands job = BANDS.get();
        job.set(g, x, xOff, rows, wt, bias, bOff, y, yOff, relu, maxPool, pool.threads(),
                ChannelLaneConv.splitsByChannels(g, pool.threads()));
        try {
            pool.run(pool.threads(), job);
        } finally {
            job.set(null, null, 0, null, null, null, 0, null, 0, false, false, 0, false);
        }
    }

    /**
     * One sample split over the pool by bands of output rows (by runs of pooling windows, with
     * {@code maxPool}), or by tiles of output channels ({@link ChannelLaneConv#splitsByChannels}): each
     * thread pads the input its part reads (its band's rows, or all of it), computes its tiles into
     * accumulators of its own and turns them back itself, so no thread reads what another wrote but the weights. Splitting the
     * tiles alone left the padding, pooling and turning back to the calling thread, the other core
     * reading and writing its buffers: fashion-cnn's second layer took as long on two threads as on
     * one (45.5 against 43.5 µs); by bands, 41.0–43.3 with the calling thread padding for both, 33.3 with
     * each padding its own (medians of six fresh JVMs).
     */
    private static final class Bands implements Parallel.RangeTask {
        private ConvGeometry g;
        private float[] x, wt, bias, y;
        private int[] rows;
        private int xOff, bOff, yOff, bands;
        private boolean relu, maxPool, byChannels;

        void set(ConvGeometry g, float[] x, int xOff, int[] rows, float[] wt, float[] bias, int bOff, float[] y, int yOff,
                 boolean relu, boolean maxPool, int bands, boolean byChannels) {
            this.g = g;
            this.byChannels = byChannels;
            this.bands = bands;
            this.x = x;
            this.xOff = xOff;
            this.rows = rows;
            this.wt = wt;
            this.bias = bias;
            this.bOff = bOff;
            this.y = y;
            this.yOff = yOff;
            this.relu = relu;
            this.maxPool = maxPool;
        }

        @Override
        public void run(int part, int from, int to) {
            int oh = g.outH(), ph = oh / 2, tilesOfChannels = g.outC() / ChannelLaneTiles.CB;
            for (int b = from; b < to; b++) {
                if (byChannels) {
                    // whole tiles of channels, at every (pooled) row
                    part(0, maxPool ? 2 * ph : oh, Parallel.split(tilesOfChannels, bands, b) * ChannelLaneTiles.CB,
                            Parallel.split(tilesOfChannels, bands, b + 1) * ChannelLaneTiles.CB);
                } else if (maxPool) {
                    int windows = ph * (g.outW() / 2);
                    windows(Parallel.split(windows, bands, b), Parallel.split(windows, bands, b + 1));
                } else {
                    part(Parallel.split(oh, bands, b), Parallel.split(oh, bands, b + 1), 0, g.outC());
                }
            }
        }

        /**
         * The input rows that output rows [y0, y1) read, padded by this thread into its own buffer (no
         * thread reads a copy another core wrote), or x itself when the layer has no padding.
         */
        private float[] inputRows(Scratch s, int y0, int y1) {
            if (ChannelLaneConv.unpadded(g)) return x;
            int r0 = Math.max(0, y0 * g.strideH() - g.padH());
            int r1 = Math.min(g.inH(), (y1 - 1) * g.strideH() + (g.kH() - 1) * g.dilH() + 1 - g.padH());
            return SimdConv.pad(s, x, xOff, g.inC(), g.inH(), g.inW(), g.padH(), g.padW(), g.dilW() * (g.kW() - 1), r0, Math.max(r0, r1));
        }

        /** The tiles [0, tiles) of this part, whose receptive fields start at at[·] of xp, channels [c0, c1), into acc. */
        private void walk(float[] xp, int[] at, int tiles, int c0, int c1, int ld, float[] acc) {
            ChannelLaneTiles.walk(0, tiles, c0, c1, g.inC() * g.kH() * g.kW(), ChannelLaneConv.rowsOfThree(g), xp, rows, at, wt, ld, acc);
        }

        /** Output rows [y0, y1) of channels [c0, c1) (whole tiles of them), tiled from the rows' first position. */
        private void part(int y0, int y1, int c0, int c1) {
            if (y0 == y1 || c0 == c1) return;
            int oh = g.outH(), ow = g.outW(), ld = ChannelLaneTiles.lead(g.outC()), ph = oh / 2, pw = ow / 2;
            int positions = (y1 - y0) * ow, tiles = (positions + PR - 1) / PR, covered = tiles * PR;
            Scratch s = Scratch.get();
            boolean inPlace = ChannelLaneConv.unpadded(g);
            float[] xp = inputRows(s, y0, y1);
            int[] at = s.rows(covered);
            ChannelLaneConv.fieldStarts(g, inPlace ? xOff : 0, y0, y1, g.inW() + 2 * g.padW(), at, 0, covered);
            float[] acc = s.ext((covered + L) * ld);
            walk(xp, at, tiles, c0, c1, ld, acc);
            if (!maxPool) {
                LaneTranspose.toChannelsFirst(acc, 0, positions, ld, c0, c1, bias, bOff, relu, y, yOff + y0 * ow, oh * ow);
                return;
            }
            int pooledRows = (y1 - y0) / 2;
            float[] pooled = s.sampleOut((pooledRows * pw + L) * ld);
            ChannelLaneConv.maxOfFours(acc, 0, ow, pooledRows, pw, ld, c0, c1, pooled);
            LaneTranspose.toChannelsFirst(pooled, 0, pooledRows * pw, ld, c0, c1, bias, bOff, relu, y, yOff + y0 / 2 * pw, ph * pw);
        }

        /**
         * Pooling windows [q0, q1) (row-major over the pooled map), all channels: each window's four
         * positions tiled one after the other, so the pool takes four neighbouring rows of the
         * accumulators and the threads share the windows evenly. Split by whole pooled rows, fashion-cnn's
         * second layer (7 pooled rows) gave one thread 19 tiles and the other 14; its batch-1 latency,
         * two threads, blocks of 200 calls taking turns in one JVM (rows → windows): 57.3 → 47.9,
         * 58.0 → 50.5 and 58.2 → 51.0 µs, and 67.5 → 71.6 in a fourth JVM that was slow either way.
         */
        private void windows(int q0, int q1) {
            if (q0 == q1) return;
            int pw = g.outW() / 2, ph = g.outH() / 2, outC = g.outC(), ld = ChannelLaneTiles.lead(outC);
            int wp = g.inW() + 2 * g.padW(), rowStep = g.strideH() * wp, colStep = g.strideW();
            int positions = 4 * (q1 - q0), tiles = (positions + PR - 1) / PR, covered = tiles * PR;
            int y0 = 2 * (q0 / pw), y1 = 2 * ((q1 - 1) / pw) + 2;
            Scratch s = Scratch.get();
            boolean inPlace = ChannelLaneConv.unpadded(g);
            float[] xp = inputRows(s, y0, y1);
            int[] at = s.rows(covered);
            int p = 0;
            for (int q = q0; q < q1; q++) {
                int start = (inPlace ? xOff : 0) + 2 * (q / pw) * rowStep + 2 * (q % pw) * colStep;
                at[p++] = start;
                at[p++] = start + colStep;
                at[p++] = start + rowStep;
                at[p++] = start + rowStep + colStep;
            }
            // a last part tile reads the last position again; its extra rows are never used
            for (; p < covered; p++) at[p] = at[positions - 1];
            float[] acc = s.ext((covered + L) * ld);
            walk(xp, at, tiles, 0, outC, ld, acc);
            float[] pooled = s.sampleOut((q1 - q0 + L) * ld);
            // each window's four rows of sums lie one after another: a map two positions wide, one window a row
            ChannelLaneConv.maxOfFours(acc, 0, 2, q1 - q0, 1, ld, 0, outC, pooled);
            LaneTranspose.toChannelsFirst(pooled, 0, q1 - q0, ld, 0, outC, bias, bOff, relu, y, yOff + q0, ph * pw);
        }
    }

    private static final ThreadLocal<Bands> BANDS = ThreadLocal.withInitial(Bands::new);
}
