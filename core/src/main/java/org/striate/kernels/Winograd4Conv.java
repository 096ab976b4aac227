package org.striate.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 3×3, stride-1 convolution of a batch by Winograd's F(4×4, 3×3) (Lavin and Gray, 2016): each 4×4
 * block of outputs comes from the 6×6 input patch under it, Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A, so the 144
 * multiply-adds per channel pair of a direct 4×4 block become 36, four times fewer (F(2×2, 3×3),
 * {@link WinogradConv}, makes them 2.25 times fewer). The 36 element-wise products summed over input
 * channels are 36 matrix products (tiles × input channels) · (input channels × output channels), done
 * by {@link SimdGemm}; the transforms ({@link Winograd4Tiles}) work with channels in the lanes, on a
 * channels-last, zero-bordered copy of the chunk's samples, so a narrow map fills every vector.
 *
 * <p>A call's samples are cut into chunks of whole samples, about {@link #CHUNK_TILES} tiles each,
 * taken by whichever thread is free; a sample's outputs do not depend on the chunk it falls in.
 * Rounding: the transforms' coefficients go up to 8 (and 1/24 in G), so outputs differ from a direct
 * convolution's by a few units in the last place of the larger partial sums, more than F(2×2, 3×3).
 */
final class Winograd4Conv {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    /**
     * Tiles a chunk holds about (whole samples). 128 channels at 7 × 7 (4 tiles a sample), batch 64 on two
     * threads: 2.34 ms in chunks of 32 tiles, 2.42 of 64, 3.07 of 96 (three chunks for two threads);
     * batch 128 on one, 9.6, 9.7 and 9.8 ms.
     */
    static final int CHUNK_TILES = 32;

    private Winograd4Conv() {}

    /**
     * A Winograd convolution ({@link WinogradConv#applies}) of more than one sample with 128 channels or
     * more on both sides, in whole vectors (vectors of 8 or 16 lanes, as the layout turns take them).
     * On AVX2 (8 lanes, the small register tile), two threads, calls taking turns in one JVM, medians of
     * 10 (F(2×2, 3×3) against this): 128 channels at 7 × 7, batch 256, 24.2 against 17.2 ms, batch 64
     * 6.2–6.6 against 4.3–6.1, its input gradient at batch 64 6.2 against 4.5; 128 at 28 × 28, batch
     * 16, 14.9 against 15.1 (even); but 64 at 14 × 14, batch 256, 19.8 against 21.7–23.3, and 32 at 28 ×
     * 28 even (24.9 against 25.1), so the rule is the same as on AVX-512. Narrower layers stay on F(2×2, 3×3): the
     * copies and transforms here grow with tiles × channels and the products with tiles × channels²,
     * and below 128 channels they ate the gain or most of it (one thread unless said,
     * medians of 9 windows, F(2×2, 3×3) against this: 32 channels at 28 × 28, batch 128, 16.0 against
     * 17.1 ms; 64 at 14 × 14 14.4 against 13.6; 64 at 56 × 56, batch 8, 11.4 against 11.9; against 128
     * at 7 × 7, batch 128, 20.1 against 10.0, and two threads at batch 64 5.1 against 3.2; 128 at
     * 28 × 28, batch 8, 9.9 against 8.8; 256 at 14 × 14 11.0 against 10.5; 512 at 7 × 7 15.0 against 12.4).
     */
    static boolean pays(ConvGeometry g, int batch) {
        return batch > 1 && LaneTranspose.applies() && WinogradConv.applies(g) && g.inC() % L == 0 && g.outC() % L == 0
                && Math.min(g.inC(), g.outC()) >= MIN_CHANNELS && (long) g.inC() * g.outC() <= MAX_PAIRS;
    }

    /**
     * Channel pairs up to which this pays: its transformed weights are four times the layer's (36/9;
     * F(2×2, 3×3)'s 16/9), 2.4 MB at 128 × 128, but 38 MB at 512 × 512, more than L3 holds, streamed
     * by every chunk. resnet18's inference at batch 16 with its 256- and 512-channel layers here too,
     * the two taking turns in one JVM: 63 img/s on F(2×2, 3×3), 57 here.
     */
    static final long MAX_PAIRS = 128 * 128;

    /** Channels on each side from which this pays ({@link #pays}). */
    static final int MIN_CHANNELS = 128;

    /** Floats of the transformed weights: 36 blocks of inC × outC. */
    static int weightsSize(ConvGeometry g) { return 36 * g.inC() * g.outC(); }

    /** 4×4 output tiles down (or across) a map of this many outputs. */
    private static int tiles(int outputs) { return (outputs + 3) / 4; }

    /** Samples a chunk takes: about {@link #CHUNK_TILES} tiles, but few enough that every thread has one. */
    static int chunkSamples(ConvGeometry g, int batch, int threads) {
        int perSample = tiles(g.outH()) * tiles(g.outW());
        return Math.max(1, Math.min((CHUNK_TILES + perSample - 1) / perSample, (batch + threads - 1) / threads));
    }

    /**
     * y = conv(x) + bias, then max(·, 0) when {@code relu}; {@code u} holds the weights from
     * {@link Winograd4Tiles#transformWeights}. Chunks go to whichever thread of the pool is free.
     */
    static void forward(ConvGeometry g, int batch, float[] x, float[] u, float[] bias, int bOff, float[] y, boolean relu, float[] res,
                        Parallel pool) {
        int threads = pool == null ? 1 : pool.threads(), per = chunkSamples(g, batch, threads), chunks = (batch + per - 1) / per;
        if (threads == 1 || chunks == 1) {
            for (int n = 0; n < batch; n += per) chunk(g, n, Math.min(per, batch - n), x, u, bias, bOff, y, relu, res);
            return;
        }
        Split split = SPLITS.get();
        split.set(g, batch, per, x, u, bias, bOff, y, relu, res);
        try {
            pool.run(threads, split);
        } finally {
            split.set(null, 0, 0, null, null, null, 0, null, false, null);
        }
    }

    /**
     * Samples [n0, n0 + count): made channels last, their patches transformed, the 36 products, the
     * outputs; with res, y = conv + bias + res (then the ReLU), res added to each sample's output right
     * after it is written.
     */
    static void chunk(ConvGeometry g, int n0, int count, float[] x, float[] u, float[] bias, int bOff, float[] y, boolean relu,
                      float[] res) {
        int in = g.inC(), out = g.outC(), h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        int down = tiles(oh), across = tiles(ow), rowsP = 4 * down + 2, cols = 4 * across + 2, row = cols * in;
        // products over whole 16-row blocks, as the patches are packed by register transposes: the
        // rows past the tiles hold whatever the scratch held, and their products are never read
        int t = count * down * across, tp = SimdGemm.roundUp(t, L);
        Scratch s = Scratch.get();
        float[] stage = s.winogradStage(36 * L);
        // the samples one under another, each in a zero-bordered map of whole patches
        float[] xh = s.paddedOverwritten(count * rowsP * row), tmp = s.winogradPatches(h * w * in);
        for (int k = 0; k < count; k++) {
            WinogradLanes.zeroBorder(xh, k * rowsP * row, rowsP, cols, in, g.padH(), g.padW(), h, w);
            WinogradLanes.channelsLast(x, (n0 + k) * g.inSize(), in, h, w, xh, k * rowsP + g.padH(), g.padW(), cols, in, tmp);
        }
        float[] v = s.winogradIn(36 * tp * in);
        for (int k = 0, ti = 0; k < count; k++) {
            for (int i = 0; i < down; i++) {
                for (int j = 0; j < across; j++, ti++) {
                    int p0 = (k * rowsP + 4 * i) * row + 4 * j * in;
                    for (int c = 0; c < in; c += L) Winograd4Tiles.patch(xh, p0 + c, row, in, v, ti * in + c, tp * in, stage);
                }
            }
        }
        float[] ap = s.packA(tp * in), m = s.winogradProducts(36 * tp * out);
        int[] starts = s.convRows(in);
        for (int xi = 0; xi < 36; xi++) {
            // by register transposes where the panels are 8 rows of 16 lanes (stage: its L·L floats), else a float at a time
            if (SimdGemmPacking.packsByBlocks(in)) SimdGemmPacking.packRowsByBlocks(tp, in, v, xi * tp * in, in, ap, 0, stage);
            else SimdGemmPacking.packWhole(false, tp, in, v, xi * tp * in, in, ap, 0);
            SimdGemm.strided(starts, in, xi * in * out, out);
            SimdGemm.multiplyPacked(tp, 0, out, in, ap, 0, u, starts, 0f, m, xi * tp * out, out);
        }
        // each sample's outputs channels last, one position more than the map for outputs past its edge
        int spatial = oh * ow, dropped = spatial * out;
        float[] acc = s.winogradOut((spatial + 1) * out);
        int[] pos = s.rows(16);
        for (int k = 0, ti = 0; k < count; k++) {
            for (int i = 0; i < down; i++) {
                for (int j = 0; j < across; j++, ti++) {
                    for (int r = 0; r < 4; r++) {
                        for (int c = 0; c < 4; c++) {
                            int yy = 4 * i + r, xx = 4 * j + c;
                            pos[4 * r + c] = yy < oh && xx < ow ? (yy * ow + xx) * out : dropped;
                        }
                    }
                    for (int o = 0; o < out; o += L) Winograd4Tiles.untransform(m, ti * out + o, tp * out, stage, acc, pos, o);
                }
            }
            int at = (n0 + k) * g.outSize();
            LaneTranspose.toChannelsFirst(acc, 0, spatial, out, 0, out, bias, bOff, relu && res == null, y, at, spatial);
            if (res != null) SimdElementwise.apply(relu ? SimdElementwise.Op.ADD_RELU : SimdElementwise.Op.ADD, 0f, y, res, y, at, at + g.outSize());
        }
    }

    /** The arguments of one split call; chunks to whichever thread asks next. Reused per calling thread. */
    private static final class Split implements Parallel.RangeTask {
        final AtomicInteger next = new AtomicInteger();
        ConvGeometry g;
        int batch, per, bOff;
        float[] x, u, bias, y, res;
        boolean relu;

        void set(ConvGeometry g, int batch, int per, float[] x, float[] u, float[] bias, int bOff, float[] y, boolean relu, float[] res) {
            next.set(0);
            this.g = g;
            this.batch = batch;
            this.per = per;
            this.x = x;
            this.u = u;
            this.bias = bias;
            this.bOff = bOff;
            this.y = y;
            this.relu = relu;
            this.res = res;
        }

        @Override
        public void run(int part, int from, int to) {
            for (int c = next.getAndIncrement(); c * per < batch; c = next.getAndIncrement()) {
                chunk(g, c * per, Math.min(per, batch - c * per), x, u, bias, bOff, y, relu, res);
            }
        }
    }

    private static final ThreadLocal<Split> SPLITS = ThreadLocal.withInitial(Split::new);
}
