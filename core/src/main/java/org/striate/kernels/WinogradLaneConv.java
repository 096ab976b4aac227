package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Winograd's F(2×2, 3×3) ({@link WinogradConv}) for one sample's small map of many channels, with
 * output channels in the vector lanes. A 7 × 7 map has 16 tiles: {@link WinogradConv}'s products,
 * (output channels × input channels) · (input channels × tiles), then fill one vector of the GEMM's
 * 8 × 3-vector register tile, and each transformed weight is read for 16 multiply-adds. Here the
 * products are (tiles × input channels) · (input channels × output channels): the tiles are broadcast,
 * the register tiles are whole, and the transformed weights (16/9 of the layer's, most of what a call
 * reads) stream in panels of output channels stored one after another.
 *
 * <p>Measured against {@link WinogradConv}'s pass, two threads, batch 1, the weights of several layers
 * taken in turn (more than the L3 cache holds, as in a whole network): 512 channels at 7 × 7 1,492 →
 * 1,001 µs, 256 at 14 × 14 980 → 809, 128 at 7 × 7 146 → 101; but 64 at 14 × 14 112 → 225, 128 at
 * 14 × 14 249 → 246 and 128 at 28 × 28 723 → 769. So it is taken where the output channels are at least
 * four times the tiles (and the map has 16 tiles or more, {@link #pays}). resnet18's batch-1 forward,
 * this path on and off in turns in one JVM, 16 windows of 0.5 s: median 17,175 → 15,591 µs, faster in
 * 14 of 16.
 *
 * <p>Three passes over the pool's threads: the patches, transformed as {@link WinogradConv#transformPatches}
 * does and packed, split by input channels; the 16 products split by ξ; the outputs (Aᵀ M A with
 * channels in the lanes into a channels-last map, turned channels-first with the bias and ReLU by
 * {@link LaneTranspose#toChannelsFirst}) split by output channels. Outputs equal {@link WinogradConv}'s
 * up to the order of the last additions.
 */
final class WinogradLaneConv {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    private static final int NR = SimdGemm.NR, MR = SimdGemm.MR;

    /** Tiles of a sample above which the map is left to {@link WinogradConv}'s chunks (a 16 × 16 map has 64). */
    static final int MAX_TILES = 64;

    private WinogradLaneConv() {}

    /**
     * A single sample of a Winograd convolution ({@link WinogradConv#applies}) whose map has from
     * {@link WinogradConv#MIN_TILES} to {@link #MAX_TILES} tiles and at least four output channels a
     * tile, whole vectors of channels on both sides, on the large register tile of 16 lanes. Smaller
     * maps stay on the channel-lane tiles: two threads, weights in L3, 256 channels at 4 × 4 126 against
     * 172 µs here, 512 at 2 × 2 204 against 428 (512 at 4 × 4 492 against 462). (Single small maps of up to 128 channels
     * take the channel-lane tiles before this is asked, {@link ChannelLaneConv#beatsWinograd}: resnet8's
     * 128-channel 7 × 7 layer measured the same on both.)
     */
    static boolean pays(ConvGeometry g, int batch) {
        return batch == 1 && SimdGemm.LARGE_TILE && L == 16 && WinogradConv.applies(g) && g.inC() % L == 0 && g.outC() % L == 0
                && WinogradConv.tiles(g, 1) >= WinogradConv.MIN_TILES && WinogradConv.tiles(g, 1) <= MAX_TILES
                && g.outC() >= 4 * WinogradConv.tiles(g, 1);
    }

    /** Floats of the transformed weights: 16 blocks of inC × outC. */
    static int weightsSize(ConvGeometry g) { return 16 * g.inC() * g.outC(); }

    /**
     * The width of the panel of output channels from pb: {@link SimdGemm#NR}, but a last 16 left over
     * goes with the panel before it as two of 32 (a one-vector panel fills a third of the register tile).
     */
    static int panelWidth(int out, int pb) {
        int rest = out - pb;
        return rest == NR + L ? 2 * L : Math.min(NR, rest);
    }

    /**
     * dst receives U = G g Gᵀ ({@link WinogradConv#transformWeights}) as 16 blocks, one per element ξ;
     * block ξ holds the panels of output channels ({@link #panelWidth}) one after another, each inC
     * rows of its width. {@code u} is scratch of {@link WinogradConv#scratchSize}.
     */
    static void transformWeights(ConvGeometry g, float[] w, int wOff, float[] u, float[] dst) {
        int in = g.inC(), out = g.outC(), pairs = in * out;
        WinogradConv.transformWeights(g, w, wOff, u);
        for (int xi = 0; xi < 16; xi++) {
            for (int pb = 0, width; pb < out; pb += width) {
                width = panelWidth(out, pb);
                int base = xi * pairs + pb * in;
                for (int c = 0; c < in; c++) {
                    for (int j = 0; j < width; j++) dst[base + c * width + j] = u[xi * pairs + (pb + j) * in + c];
                }
            }
        }
    }

    /**
     * y = conv(x) + bias for one sample, then max(·, 0) when {@code relu}; {@code ul} holds the weights
     * from {@link #transformWeights}. Three passes over the pool's threads: the patches by input
     * channels, the 16 products by ξ (whole products, every panel read once), the outputs by output
     * channels.
     */
    static void forward(ConvGeometry g, float[] x, float[] ul, float[] bias, int bOff, float[] y, boolean relu, Parallel pool) {
        int in = g.inC(), out = g.outC(), rows = SimdGemm.roundUp((int) WinogradConv.tiles(g, 1), MR);
        Scratch s = Scratch.get();
        float[] v = s.winogradIn(16 * in * (rows + L)), ap = s.packA(16 * rows * in), m = s.winogradProducts(16 * rows * out);
        // one position more than the map: where a tile's outputs past an odd edge are stored and dropped
        float[] acc = s.winogradOut((g.outH() * g.outW() + 1) * out);
        if (pool == null || pool.threads() == 1) {
            patches(g, 0, in, x, v, ap);
            products(g, 0, 16, ap, ul, m);
            outputs(g, 0, out, m, acc, bias, bOff, y, relu);
            return;
        }
        Split split = SPLITS.get();
        split.set(g, x, v, ap, ul, m, acc, bias, bOff, y, relu);
        try {
            // the phases one by one: Phase.values() would make an array each call
            split.phase = Phase.PATCHES;
            pool.run(in / L, split);
            split.phase = Phase.PRODUCTS;
            pool.run(16, split);
            split.phase = Phase.OUTPUTS;
            pool.run(out / L, split);
        } finally {
            split.set(null, null, null, null, null, null, null, null, 0, null, false);
        }
    }

    /**
     * Input channels [c0, c1): the patches' V = Bᵀ d B (tiles in the lanes, {@link WinogradConv#transformPatches})
     * to v, then packed for the products ({@link SimdGemmPacking#packTransposedRows}) over the tiles rounded up
     * to whole panels. The tiles past the map carry whatever v holds there: each product row depends on
     * its own tile alone, and no output reads those rows.
     */
    private static void patches(ConvGeometry g, int c0, int c1, float[] x, float[] v, float[] ap) {
        int in = g.inC(), rows = SimdGemm.roundUp((int) WinogradConv.tiles(g, 1), MR), ld = rows + L;
        WinogradConv.transformPatches(g, 0, (g.outH() + 1) / 2, c0, c1, x, v, ld, in * ld, Scratch.get());
        for (int xi = 0; xi < 16; xi++) SimdGemmPacking.packTransposedRows(rows, in, c0, c1, v, xi * in * ld, ld, ap, xi * rows * in);
    }

    /** Products ξ in [xi0, xi1): M_ξ (tile rows × output channels) = V_ξ · U_ξ, panel by panel. */
    private static void products(ConvGeometry g, int xi0, int xi1, float[] ap, float[] ul, float[] m) {
        int in = g.inC(), out = g.outC(), pairs = in * out, rows = SimdGemm.roundUp((int) WinogradConv.tiles(g, 1), MR);
        int[] starts = Scratch.get().convRows(in);
        for (int xi = xi0; xi < xi1; xi++) {
            for (int pb = 0, width; pb < out; pb += width) {
                width = panelWidth(out, pb);
                SimdGemm.strided(starts, in, xi * pairs + pb * in, width);
                SimdGemm.multiplyPacked(rows, 0, width, in, ap, xi * rows * in, ul, starts, 0f, m, xi * rows * out + pb, out);
            }
        }
    }

    /** Output channels [o0, o1) (multiples of the vector length): each tile's Aᵀ M A, then written out channels first. */
    private static void outputs(ConvGeometry g, int o0, int o1, float[] m, float[] acc, float[] bias, int bOff, float[] y, boolean relu) {
        int out = g.outC(), oh = g.outH(), ow = g.outW(), down = (oh + 1) / 2, across = (ow + 1) / 2;
        int step = SimdGemm.roundUp(down * across, MR) * out, dropped = oh * ow * out;
        for (int ti = 0; ti < down; ti++) {
            for (int tj = 0; tj < across; tj++) {
                int p = 2 * ti * ow + 2 * tj;
                boolean right = 2 * tj + 1 < ow, below = 2 * ti + 1 < oh;
                int p00 = p * out, p01 = right ? p00 + out : dropped, p10 = below ? p00 + ow * out : dropped;
                int p11 = right && below ? p00 + (ow + 1) * out : dropped, t = (ti * across + tj) * out;
                for (int o = o0; o < o1; o += L) untransform(m, t + o, step, acc, p00 + o, p01 + o, p10 + o, p11 + o);
            }
        }
        LaneTranspose.toChannelsFirst(acc, 0, oh * ow, out, o0, o1, bias, bOff, relu, y, 0, oh * ow);
    }

    /**
     * The 2×2 outputs Aᵀ M A of one tile for L output channels, M's element ξ at m[at + ξ·step], to acc
     * at the four positions given; Aᵀ = [1 1 1 0; 0 1 −1 −1]. Written out in full: C2 boxes the vectors
     * of a helper it does not inline.
     */
    private static void untransform(float[] m, int at, int step, float[] acc, int p00, int p01, int p10, int p11) {
        // row i of M·A: (m_i0 + m_i1 + m_i2, m_i1 − m_i2 − m_i3)
        FloatVector q1 = FloatVector.fromArray(S, m, at + step), q2 = FloatVector.fromArray(S, m, at + 2 * step);
        FloatVector a0 = FloatVector.fromArray(S, m, at).add(q1).add(q2);
        FloatVector a1 = q1.sub(q2).sub(FloatVector.fromArray(S, m, at + 3 * step));
        q1 = FloatVector.fromArray(S, m, at + 5 * step);
        q2 = FloatVector.fromArray(S, m, at + 6 * step);
        FloatVector b0 = FloatVector.fromArray(S, m, at + 4 * step).add(q1).add(q2);
        FloatVector b1 = q1.sub(q2).sub(FloatVector.fromArray(S, m, at + 7 * step));
        q1 = FloatVector.fromArray(S, m, at + 9 * step);
        q2 = FloatVector.fromArray(S, m, at + 10 * step);
        FloatVector c0 = FloatVector.fromArray(S, m, at + 8 * step).add(q1).add(q2);
        FloatVector c1 = q1.sub(q2).sub(FloatVector.fromArray(S, m, at + 11 * step));
        q1 = FloatVector.fromArray(S, m, at + 13 * step);
        q2 = FloatVector.fromArray(S, m, at + 14 * step);
        FloatVector d0 = FloatVector.fromArray(S, m, at + 12 * step).add(q1).add(q2);
        FloatVector d1 = q1.sub(q2).sub(FloatVector.fromArray(S, m, at + 15 * step));
        a0.add(b0).add(c0).intoArray(acc, p00);
        a1.add(b1).add(c1).intoArray(acc, p01);
        b0.sub(c0).sub(d0).intoArray(acc, p10);
        b1.sub(c1).sub(d1).intoArray(acc, p11);
    }

    /** The passes of a split call, in order. */
    private enum Phase { PATCHES, PRODUCTS, OUTPUTS }

    /** The arguments of one split call, read by the pool's threads; reused per calling thread. */
    private static final class Split implements Parallel.RangeTask {
        ConvGeometry g;
        float[] x, v, ap, ul, m, acc, bias, y;
        int bOff;
        boolean relu;
        /** What the parts are: vectors of input channels, products, or vectors of output channels. */
        Phase phase;

        void set(ConvGeometry g, float[] x, float[] v, float[] ap, float[] ul, float[] m, float[] acc, float[] bias, int bOff, float[] y,
                 boolean relu) {
            this.g = g;
            this.x = x;
            this.v = v;
            this.ap = ap;
            this.ul = ul;
            this.m = m;
            this.acc = acc;
            this.bias = bias;
            this.bOff = bOff;
            this.y = y;
            this.relu = relu;
        }

        @Override
        public void run(int part, int from, int to) {
            switch (phase) {
                case PATCHES -> patches(g, from * L, to * L, x, v, ap);
                case PRODUCTS -> products(g, from, to, ap, ul, m);
                default -> outputs(g, from * L, to * L, m, acc, bias, bOff, y, relu);
            }
        }
    }

    private static final ThreadLocal<Split> SPLITS = ThreadLocal.withInitial(Split::new);
}
