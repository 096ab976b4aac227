package org.striate.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 3×3, stride-1 convolution by Winograd's minimal filtering F(2×2, 3×3) (Lavin and Gray,
 * 2016): each 2×2 block of outputs (a tile) comes from the 4×4 input patch under it as
 * Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A, so the 36 multiply-adds per channel pair of a direct 2×2 block become
 * 16, 2.25 times fewer. Summed over input channels, the 16 element-wise products are 16 matrix
 * products (output channels × input channels) · (input channels × tiles), done by {@link SimdGemm};
 * the transforms are additions only, vectorised over the tiles of a row. The forward pass and the
 * input gradient (a convolution of dy with the flipped kernel, {@link SimdConv#backwardInput}) use it.
 *
 * <p>Tiles are numbered over the whole batch, sample after sample, row after row; a call's tiles are
 * cut into chunks of whole tile rows ({@link #CHUNK_TILES} tiles or more, whole samples or equal
 * shares of one: {@link #chunkRows}) so the transformed inputs and products of a chunk stay near
 * the core, and each thread takes the next chunk not yet taken. A tile's output does not depend on
 * the chunk it falls in: every product sums its input channels in one order.
 *
 * <p>The transformed weights, 16 packed (output × input channels) blocks, are made once per set of
 * weights ({@link WeightCache}). Rounding: the transforms add at most four terms in each direction
 * with coefficients ±1 and ±½, so outputs differ from a direct convolution's by a few units in the
 * last place of the larger partial sums.
 */
final class WinogradConv {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    /** Tiles a chunk holds at least (whole tile rows). */
    static final int CHUNK_TILES = 128;

    private WinogradConv() {}

    /** 3×3, stride 1, undilated, one group, enough channels on both sides for the products to pay. */
    static boolean applies(ConvGeometry g) {
        return L >= 8 && g.kH() == 3 && g.kW() == 3 && g.strideH() == 1 && g.strideW() == 1 && g.dilH() == 1 && g.dilW() == 1
                && g.groups() == 1 && g.inC() >= MIN_CHANNELS && g.outC() >= MIN_CHANNELS && g.padH() <= 2 && g.padW() <= 2;
    }

    static final int MIN_CHANNELS = 16;

    /**
     * Tiles a call needs (a 7 × 7 map): one thread, AVX2, batch 1, 7 × 7 maps 1.76× (128 channels) and
     * 2.6–2.8× (512) faster than the channel-lane tiles; a 4 × 4 map (4 tiles, 64 channels) slower,
     * 0.62–0.85× on two threads. The large channel-lane tiles (AVX-512) beat these on a single sample's
     * small map ({@link ChannelLaneConv#beatsWinograd}), and the forward pass takes them there.
     */
    static final int MIN_TILES = 16;

    /**
     * Tiles a thread should have at least to take chunks of its own; below, threads split the output
     * channels instead, each reading only its share of the 16 blocks of weights. Two threads, AVX2,
     * batch 1, against the channel-lane tiles: 14 × 14 maps (49 tiles, in chunks) 1.25–1.4× faster with
     * 32 → 64 channels, 1.15–3× with 64 → 64, 2.6–3× with 256 → 256; 7 × 7 maps (by channels) 1.2–1.3×
     * with 64 channels, 1.3–1.8× with 128, 2.3–3.3× with 256 and 3.8–5.3× with 512.
     */
    static final int SPLIT_TILES = 20;

    /** Whether a call on this batch takes this path: {@link #applies} and {@link #MIN_TILES} tiles or more. */
    static boolean pays(ConvGeometry g, int batch) {
        return applies(g) && tiles(g, batch) >= MIN_TILES;
    }

    /** 2×2 output tiles of a call on this batch (a last odd row or column makes a tile of its own). */
    static long tiles(ConvGeometry g, int batch) {
        return (long) batch * ((g.outH() + 1) / 2) * ((g.outW() + 1) / 2);
    }

    /**
     * Tile rows a chunk takes: {@link #CHUNK_TILES} tiles or more, few enough that every thread has a
     * chunk, and of those the count the products run fastest on ({@link #cost}). Before any such
     * count, whole samples or an even share of one (each piece of a sample in a chunk pads and splits
     * two rows more than it transforms; one thread, AVX2, batch 128, 32 channels at 28 × 28: 22.5 ms in
     * chunks of 10 tile rows, 20.5 in chunks of a sample, 14), which another count must beat by 3%. A
     * chunk's tiles end in a partial panel unless they are a whole number of panels or near it
     * ({@link #productColumns}), and a partial panel costs about as much as a whole one: fashion-cnn's
     * second layer (7 × 7 tiles a sample) at batch 16, one thread, AVX-512, chunks taking turns: 750–760
     * µs in chunks of 21 rows (147 tiles: three panels of 48 and 3 columns), 690–705 in chunks of 20 (140
     * tiles, three whole panels), 698–711 in chunks of 27 (189, four).
     */
    static int chunkRows(ConvGeometry g, int batch, int threads) {
        int across = (g.outW() + 1) / 2, down = (g.outH() + 1) / 2, rows = batch * down;
        int least = (CHUNK_TILES + across - 1) / across, cap = Math.max(1, (rows + threads - 1) / threads);
        int per = least;
        if (per >= down) per = SimdGemm.roundUp(per, down);
        else {
            int share = per;
            while (down % share != 0) share++;
            if (share <= 2 * per) per = share;
        }
        int best = Math.min(per, cap);
        double bestCost = 0.97 * cost(best, rows, down, across);
        for (int p = least; p <= Math.min(least + least / 2, cap); p++) {
            double c = cost(p, rows, down, across);
            if (c < bestCost) {
                best = p;
                bestCost = c;
            }
        }
        return best;
    }

    /**
     * Estimated time of all of a call's chunks of {@code per} tile rows, in one vector of product
     * columns: a whole panel its {@link SimdGemm#NR} / L vectors; a partial one (its edge tile stores
     * through a spill buffer) its vectors and 0.4 more; a chunk half a vector more (its
     * weights read again), a piece of a sample a tenth. Against the chunk sizes timed above, one thread.
     */
    static double cost(int per, int rows, int down, int across) {
        double total = 0;
        for (int r0 = 0; r0 < rows; r0 += per) {
            int r1 = Math.min(rows, r0 + per), cols = productColumns((r1 - r0) * across), edge = cols % SimdGemm.NR;
            total += (double) (cols / SimdGemm.NR) * SimdGemm.NR / L + 0.5 + 0.1 * ((r1 - 1) / down - r0 / down + 1);
            if (edge > 0) total += (edge + L - 1) / L + 0.4;
        }
        return total;
    }

    /**
     * y = conv(x) + bias, then max(·, 0) when {@code relu}; with {@code maxPool} y receives the 2×2,
     * stride-2 max pool instead (the tiles are its windows). {@code up} holds the transformed weights
     * ({@link #transformWeights}). Chunks go to whichever thread of the pool is free.
     */
    static void forward(ConvGeometry g, int batch, float[] x, float[] up, float[] bias, int bOff, float[] y, boolean relu,
                        boolean maxPool, Parallel pool) {
        forward(g, batch, x, up, bias, bOff, y, relu, maxPool, null, null, pool);
    }

    /**
     * With {@code arg} (training's pooled pass, {@link Kernels#conv2dForwardReluMaxPoolArg}), the pool's
     * winners too; with {@code res} (not with maxPool), y = conv + bias + res, then max(·, 0) with relu
     * ({@link Kernels#conv2dForwardAdd}), res read as each output vector is stored. (Added to a channel's
     * rows of a chunk right after they were written instead, resnet8's 32-channel layer at batch 256 took
     * 23.99 ms against 23.56 for the convolution and then a separate pass of the sum.)
     */
    static void forward(ConvGeometry g, int batch, float[] x, float[] up, float[] bias, int bOff, float[] y, boolean relu,
                        boolean maxPool, int[] arg, float[] res, Parallel pool) {
        int threads = pool == null ? 1 : pool.threads(), rows = batch * ((g.outH() + 1) / 2);
        boolean byChannels = threads > 1 && (long) rows * ((g.outW() + 1) / 2) < (long) SPLIT_TILES * threads;
        int per = byChannels ? rows : chunkRows(g, batch, threads), chunks = (rows + per - 1) / per;
        if (threads == 1 || chunks == 1 && !byChannels) {
            for (int c = 0; c < chunks; c++) chunk(g, batch, c * per, per, 0, g.outC(), x, up, bias, bOff, y, relu, maxPool, arg, res);
            return;
        }
        Split split = SPLITS.get();
        split.set(g, batch, chunks, per, byChannels, x, up, bias, bOff, y, relu, maxPool, arg, res);
        try {
            if (byChannels) pool.run((g.outC() + SimdGemm.MR - 1) / SimdGemm.MR, split);
            else pool.run(pool.threads(), split);
        } finally {
            split.set(null, 0, 0, 0, false, null, null, null, 0, null, false, false, null, null);
        }
    }

    /**
     * Hands out the chunks of one call, the next not yet taken to whichever thread asks; or, for a few
     * tiles, splits the output channels in whole register tiles, each thread transforming the patches
     * itself and reading only its rows of the weights (which outweigh such a chunk). Reused per calling thread.
     */
    private static final class Split implements Parallel.RangeTask {
        final AtomicInteger next = new AtomicInteger();
        ConvGeometry g;
        int batch, chunks, per, bOff;
        float[] x, up, bias, y, res;
        int[] arg;
        boolean relu, maxPool, byChannels;

        void set(ConvGeometry g, int batch, int chunks, int per, boolean byChannels, float[] x, float[] up, float[] bias, int bOff, float[] y, boolean relu,
                 boolean maxPool, int[] arg, float[] res) {
            next.set(0);
            this.g = g;
            this.batch = batch;
            this.chunks = chunks;
            this.per = per;
            this.byChannels = byChannels;
            this.x = x;
            this.up = up;
            this.bias = bias;
            this.bOff = bOff;
            this.y = y;
            this.relu = relu;
            this.maxPool = maxPool;
            this.arg = arg;
            this.res = res;
        }

        @Override
        public void run(int part, int from, int to) {
            if (byChannels) {
                chunk(g, batch, 0, per, from * SimdGemm.MR, Math.min(g.outC(), to * SimdGemm.MR), x, up, bias, bOff, y, relu, maxPool, arg, res);
                return;
            }
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                chunk(g, batch, c * per, per, 0, g.outC(), x, up, bias, bOff, y, relu, maxPool, arg, res);
            }
        }
    }

    private static final ThreadLocal<Split> SPLITS = ThreadLocal.withInitial(Split::new);

    /** The chunk of tile rows [r0, r0 + per): transform its patches, multiply, transform back into y. */
    static void chunk(ConvGeometry g, int batch, int r0, int per, float[] x, float[] up, float[] bias, int bOff, float[] y, boolean relu,
                      boolean maxPool) {
        chunk(g, batch, r0, per, 0, g.outC(), x, up, bias, bOff, y, relu, maxPool, null, null);
    }

    /**
     * Columns the products run over for a chunk of {@code tiles}: whole panels when that adds at most an
     * eighth, since a partial last panel takes GEMM's slower edge tile (the columns past the tiles, stale
     * scratch, only make outputs never read). AVX2's panels of 16 round a sample of 14 × 14 tiles up by
     * 12; AVX-512's of 48 would add 44, and 147 tiles (three 14 × 14 maps) 45: the panels rounded up
     * there, two threads, batch 256, medians of 40: 64 channels at 14 × 14 18.8 against 13.0 ms, 32 at
     * 28 × 28 18.0 against 13.5, fashion-cnn's pooled 32 → 64 8.5 against 6.8.
     */
    static int productColumns(int tiles) {
        int whole = SimdGemm.roundUp(tiles, SimdGemm.NR);
        return whole - tiles <= tiles / 8 ? whole : tiles;
    }

    /**
     * Floats from one of a chunk's 16 blocks (of transformed patches or of products) to the next: at
     * least {@code floats}, an odd number of 64-byte lines, so that the same row of the 16 blocks falls
     * in 16 different sets of L1 (4 KB a way), where the transforms read or write all 16 together. At a
     * multiple of 4 KB they shared one: fashion-cnn's second layer, one thread, chunks of 16, 19 and 20
     * tile rows (blocks of 32 input channels × 128 or 160 floats) took 1.17–1.25 µs a tile against
     * 0.85–0.96 for the others; its input gradient (64 channels) 2.78 ms at batch 32 in chunks of 20 or
     * 27 rows against 1.89 in chunks of 21 (163 floats a row).
     */
    static int blockStride(int floats) {
        int lines = (floats + 15) / 16;
        return (lines | 1) * 16;
    }

    /**
     * Output channels [o0, o1) of the chunk of tile rows [r0, r0 + per); o0 a multiple of {@link SimdGemm#MR}.
     * With maxPool and arg, each window's winner goes to arg, indexed like y; with res, y = conv + bias
     * + res (then the ReLU).
     */
    static void chunk(ConvGeometry g, int batch, int r0, int per, int o0, int o1, float[] x, float[] up, float[] bias, int bOff, float[] y,
                      boolean relu, boolean maxPool, int[] arg, float[] res) {
        int in = g.inC(), out = g.outC(), oh = g.outH(), ow = g.outW();
        int down = (oh + 1) / 2, across = (ow + 1) / 2;
        int r1 = Math.min(batch * down, r0 + per), tiles = (r1 - r0) * across, cols = productColumns(tiles), ld = cols + L;
        int vStep = blockStride(in * ld), mStep = blockStride(out * ld);
        Scratch s = Scratch.get();
        float[] v = s.winogradIn(16 * vStep), m = s.winogradProducts(16 * mStep);
        transformPatches(g, r0, r1, 0, in, x, v, ld, vStep, s);
        int[] rows = s.convRows(in);
        int packed = SimdGemmPacking.packedSize(out, in);
        for (int xi = 0; xi < 16; xi++) {
            for (int c = 0; c < in; c++) rows[c] = xi * vStep + c * ld;
            SimdGemm.multiplyPackedRows(out, o0, o1, 0, cols, in, up, xi * packed, v, rows, 0f, m, xi * mStep, ld);
        }
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        float[] edge = s.poolEdge(2 * L), keep = arg == null ? null : s.tile(4 * L);
        int[] wonAt = s.poolIndices(L);
        int ph = oh / 2, pw = ow / 2;
        for (int o = o0; o < o1; o++) {
            float b = bias == null ? 0f : bias[bOff + o];
            for (int r = r0; r < r1; ) {
                // tile rows [a, e) of sample n; this chunk writes its outputs in order, up to limit
                int n = r / down, a = r % down, e = Math.min(down, a + r1 - r);
                int mRow = o * ld + (r - r0) * across;
                if (maxPool && pw == across && across <= L / 2) {
                    // the pooled rows follow one another like the tiles: a vector holds several rows
                    int dstPlane = (n * out + o) * ph * pw, last = Math.min(ph, e), limit = dstPlane + last * pw, stacked = L / across;
                    int[] corners = WinogradTiles.stackedCorners(across);
                    for (int ti = a; ti < last; ti += stacked, mRow += stacked * across) {
                        int at = dstPlane + ti * pw, count = Math.min(stacked, last - ti) * across;
                        boolean whole = count >= L || at + L <= limit;
                        WinogradTiles.outputPooled(m, mRow, mStep, b, floor, y, at, count, limit, edge, keep);
                        if (arg != null) SimdPool.winners(keep, 0, corners, 2 * ti * ow, ow, arg, at, count, whole, wonAt);
                    }
                } else if (maxPool) {
                    int dstPlane = (n * out + o) * ph * pw, limit = dstPlane + Math.min(ph, e) * pw;
                    for (int ti = a; ti < Math.min(e, ph); ti++, mRow += across) {
                        int at = dstPlane + ti * pw;
                        for (int tj = 0; tj < pw; tj += L) {
                            int count = Math.min(L, pw - tj);
                            WinogradTiles.outputPooled(m, mRow + tj, mStep, b, floor, y, at + tj, count, limit, edge, keep);
                            if (arg != null) SimdPool.winners(keep, 0, 2 * (ti * ow + tj), ow, arg, at + tj, count, count >= L || at + tj + L <= limit, wonAt);
                        }
                    }
                } else {
                    int dstPlane = (n * out + o) * oh * ow, limit = dstPlane + Math.min(oh, 2 * e) * ow;
                    int last = (across - 1) / L * L;
                    for (int ti = a; ti < e; ti++, mRow += across) {
                        // both rows a call (the top one alone past an odd map's end), last vector first: a
                        // store past a row's end lands on the next row, where a later call (or this one's
                        // bottom row) writes
                        int at = dstPlane + 2 * ti * ow;
                        for (int tj = last; tj >= 0; tj -= L) {
                            WinogradTiles.outputRows(m, mRow + tj, mStep, ow, 2 * ti + 1 < oh, b, floor, y, at + 2 * tj, Math.min(2 * L, ow - 2 * tj),
                                    limit, edge, res);
                        }
                    }
                }
                r += e - a;
            }
        }
    }

    /**
     * V = Bᵀ d B of the patches under tile rows [r0, r1) (numbered over the batch), input channels [c0,
     * c1): element ξ of input channel c's tile t (counted from r0's first) to v[ξ·vStep + c·ld + t]
     * (vStep at least inC·ld). Sample by sample, the sample's padded rows under these tiles are split
     * into even and odd columns channel by channel; a whole-vector store past a row's last tile lands on
     * the next row's first tiles, written after it (or on the slack past the last tile: ld is at least
     * the tiles + L).
     */
    static void transformPatches(ConvGeometry g, int r0, int r1, int c0, int c1, float[] x, float[] v, int ld, int vStep, Scratch s) {
        int in = g.inC(), h = g.inH(), w = g.inW(), down = (g.outH() + 1) / 2, across = (g.outW() + 1) / 2;
        int stride = across + 1 + L, wp = w + 2 * g.padW(), plane = (h + 2 * g.padH()) * wp;
        float[] split = s.winogradSplit((2 * (r1 - r0) + 2) * 2 * stride);
        for (int r = r0; r < r1; ) {
            int n = r / down, a = r % down, b = Math.min(down, a + r1 - r), t0 = (r - r0) * across;
            // padded rows 2a … 2b + 1; past the padded map (an odd output) they only feed outputs dropped
            float[] xp = SimdConv.pad(s, x, n * g.inSize() + c0 * h * w, c1 - c0, h, w, g.padH(), g.padW(), wp + 2 * L + 2,
                    Math.max(0, 2 * a - g.padH()), Math.min(h, 2 * b + 2 - g.padH()));
            for (int c = c0; c < c1; c++) {
                int from = (c - c0) * plane;
                for (int q = 0; q < 2 * (b - a) + 2; q++) WinogradTiles.splitRow(xp, from + (2 * a + q) * wp, across + 1, split, q * 2 * stride, stride);
                for (int ti = a; ti < b; ti++) {
                    int at = c * ld + t0 + (ti - a) * across, rowOff = 2 * (ti - a) * 2 * stride;
                    for (int tj = 0; tj < across; tj += L) WinogradTiles.input(split, rowOff, stride, tj, v, at, vStep);
                }
            }
            r += b - a;
        }
    }

    /** Floats of the transformed, packed weights: 16 blocks of {@link SimdGemmPacking#packedSize}(outC, inC). */
    static int weightsSize(ConvGeometry g) { return 16 * SimdGemmPacking.packedSize(g.outC(), g.inC()); }

    /**
     * dst receives U = G g Gᵀ for every (output, input) channel pair, as 16 blocks (one per element ξ
     * of the 4×4 tile) each packed by {@link SimdGemmPacking#packWhole}; {@code u} is scratch of {@link #scratchSize}.
     */
    static void transformWeights(ConvGeometry g, float[] w, int wOff, float[] u, float[] dst) {
        int in = g.inC(), out = g.outC(), pairs = in * out;
        transformWeights(g, w, wOff, u);
        int per = SimdGemmPacking.packedSize(out, in);
        for (int xi = 0; xi < 16; xi++) SimdGemmPacking.packWhole(false, out, in, u, xi * pairs, in, dst, xi * per);
    }

    /**
     * u[ξ·outC·inC + o·inC + c] = element ξ of U = G g Gᵀ ({@link WinogradWeights#G2}) for output channel
     * o and input channel c; u holds {@link #scratchSize} floats, the taps laid out by
     * {@link WinogradWeights#tap} after the 16 blocks.
     */
    static int scratchSize(ConvGeometry g) { return 16 * g.inC() * g.outC() + WinogradWeights.tapsSize(g.inC() * g.outC()); }

    static void transformWeights(ConvGeometry g, float[] w, int wOff, float[] u) {
        int pairs = g.inC() * g.outC(), taps = 16 * pairs;
        for (int p = 0; p < pairs; p++) {
            for (int k = 0; k < 9; k++) u[taps + WinogradWeights.tap(p, k)] = w[wOff + p * 9 + k];
        }
        WinogradWeights.transform(WinogradWeights.G2, u, taps, pairs, u);
    }
}
