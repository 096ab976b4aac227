package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolution forward with output channels in the vector lanes: a tile of output positions
 * × output channels is held in registers ({@link ChannelLaneTiles}), and each tap adds
 * x[c, i+l, j+m] (one broadcast per position) times the packed weights of that tap (one vector load
 * per 16 channels, shared by every position of the tile). Positions are whole output pixels, so no
 * lane is spent on padding columns, which the shifted-view product ({@link SimdConv}) pays for when
 * the output width is not a multiple of the vector length (14 of 16 lanes on Fashion-MNIST's second
 * convolution), and strides above 1 need no im2col copy. The input gradient of a stride-1
 * convolution is such a convolution too.
 *
 * <p>The tiles are laid out (positions, channels); each sample is turned back to (channels,
 * positions) at the end, with bias and ReLU, by transposes in registers. Taps are taken
 * {@link ChannelLaneTiles#KC} at a time so the block of packed weights stays in L1 while every tile
 * of the sample walks over it.
 *
 * <p>A tile needs 24 accumulators plus its weight vectors in registers: the stride-1 passes run only
 * where the vector registers are 512-bit (32 of them); with 16 (AVX2) the forward pass of strided
 * layers, and at batch 1 of small maps, takes the 4 × 2 tile of {@link ChannelLaneSmallTile}. Always
 * for one group whose output channels fill whole tiles. (Tiles of
 * 12 positions × 2 vectors, for 32 channels, were tried: no faster than the shifted-view product.)
 */
final class ChannelLaneConv {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    private static final int PR = ChannelLaneTiles.POSITIONS;

    private ChannelLaneConv() {}

    /** Stride 1, for the passes that need it: the input gradient (as a convolution of dy) and the weight gradient's tile. */
    static boolean applies(ConvGeometry g) {
        return ChannelLaneTiles.LARGE && fitsTiles(g) && SimdConv.unitStride(g);
    }

    /**
     * The weight gradient ({@link ChannelLaneWeightGrad}) at stride 1, and at stride 2 across (any
     * stride down) for kernels wider than one column: each padded row is split into its even and odd
     * columns, so a tap's inputs along an output row are neighbours again. There it replaces an im2col
     * copy and a GEMM against it: resnet8's stride-2 layers, batch 64, two threads, 32 → 64 channels
     * 4.7 → 3.7 ms, 64 → 128 4.1 → 3.5 ms. A 1×1 kernel would read only the even half of the split:
     * 0.77 → 1.1 ms, so it keeps im2col. (Reading the unsplit rows at stride 2 in the tile was faster
     * still, 3.2 ms, but the tile's stride-1 loop lost 10% with a stride in it.)
     */
    static boolean appliesWeightGrad(ConvGeometry g) {
        return ChannelLaneTiles.LARGE && fitsTiles(g) && (SimdConv.unitStride(g) || g.strideW() == 2 && g.kW() > 1);
    }

    /** Output channels in whole tiles, one group, and not a 1×1 kernel read in place. */
    static boolean fitsTiles(ConvGeometry g) {
        return L >= 8 && g.groups() == 1 && g.outC() % ChannelLaneTiles.CB == 0 && !Im2colConv.pointwise(g);
    }

    /**
     * The forward pass takes any stride: a tile's positions only say where each receptive field starts.
     * A 1×1 convolution at stride 1 without padding multiplies its input in place instead (no copy).
     * On the small tile (16 registers), only strided kernels wider than 1×1, which would otherwise
     * copy their inputs out by im2col: through the kernels, one thread, batch 128, fresh JVMs taking
     * turns, resnet8's 32 → 64 stride-2 layer 37–39 → 48–51 GFLOP/s, but stride-1 layers slower than
     * the shifted-view product (fashion-cnn's second 60 → 53–56, 128 channels at 7 × 7 57–58 → 50–51)
     * and the 1×1 stride-2 shortcut too (35–38 → 26–27). Strided kernels whose kernel rows hold 16
     * input floats or more go to {@link ChannelsLastConv} before this is asked (SimdConv.forward), so
     * here these are the ones of few channels and narrow kernels. A single sample of a small map (14 × 14 or
     * less) split by channels over the threads, each taking two tiles or more, takes it at stride 1
     * too: each thread then reads only its share of the weights, which outweigh such a map. Two
     * threads, fresh JVMs taking turns: resnet8's 128-channel 7 × 7 layer 246–272 → 142–149 µs, its
     * 64-channel 14 × 14 one 139–147 → 124–132, resnet18's 512-channel 7 × 7 one 6.0–8.2 → 3.2–3.7
     * ms, its 256-channel 14 × 14 one 2.3–4.1 → 2.2–2.3 ms; but its 128-channel 28 × 28 layer slower,
     * 1.8–1.9 → 2.1–2.2 ms, and 64 channels at 56 × 56 1.7–1.8 → 2.4–4.2 ms; resnet8's 32-channel 28 ×
     * 28 layer, one tile a thread, 111 → 130–132 µs. Not a strided 1×1 kernel, whose single sample
     * runs faster on one thread through im2col (a gather and one GEMM): resnet8's shortcuts, two
     * threads, one JVM taking turns, medians, 32 → 64 at 28 × 28 26–38 → 17.5–18.7 µs, 64 → 128 at
     * 14 × 14 24 → 18.5 µs.
     */
    static boolean appliesForward(ConvGeometry g, int batch, int threads) {
        if (!fitsTiles(g) || batch >= threads && subsamples(g) && g.outH() * g.outW() >= GATHERED_GEMM_POSITIONS) return false;
        if (ChannelLaneTiles.LARGE || !SimdConv.unitStride(g) && !subsamples(g)) return true;
        return batch == 1 && threads > 1 && !subsamples(g) && g.outH() * g.outW() <= SMALL_MAP && splitsByChannels(g, threads)
                && g.outC() / ChannelLaneTiles.CB >= 2 * threads;
    }

    /**
     * Whether a forward pass that Winograd's tiles would take runs faster here: a few tiles make its 16
     * products too narrow (a 7 × 7 map is 16 tiles, one vector), while these tiles read each weight
     * vector once for six positions whatever the map. Large tiles only (AVX-512), batch 1, median µs,
     * one JVM, calls taking turns, two threads (one): 7 × 7 maps with 64 channels 23 against 63 (40
     * against 102), 128 channels 82 against 181 (156 against 322), 256 channels 354 against 629, 512
     * channels 1,700 against 2,308 (2,716 against 4,186); 14 × 14 maps (49 tiles) with 64 channels 76
     * against 107 (142 against 151), but 128 channels 292 against 328 (558 against 523: slower) and
     * 256 channels 1,154 against 1,129 (2,251 against 1,917). Four samples of 7 × 7 with 128 channels
     * (64 tiles) already go faster on Winograd's, 435 against 476 µs.
     * Measured again after Winograd's split by channels for few tiles ({@link WinogradConv#SPLIT_TILES}),
     * weights fixed as in an inference copy, two threads, batch 1, medians of 200 calls (with the caches
     * flushed before each call, as a large model's other layers leave them): 7 × 7 with 512 channels
     * 1,747–1,974 (2,407–2,486) against Winograd's 1,401–1,691 (1,621–1,886), 256 channels 601 (919)
     * against 386 (702); 128 channels still faster here, 92–104 (246–292) against 118–146 (245–295).
     * So from 256 channels a 7 × 7 map takes Winograd's (one thread: 256 channels 926 against 786
     * flushed, 512 channels 3,302 against 3,486).
     */
    static boolean beatsWinograd(ConvGeometry g, int batch) {
        long tiles = WinogradConv.tiles(g, batch);
        return ChannelLaneTiles.LARGE && fitsTiles(g) && (tiles <= 16 && g.outC() <= 128 || tiles <= 49 && g.outC() <= 64);
    }

    /**
     * Output positions from which a 1×1 convolution at a stride ({@link #subsamples}), on a batch of a
     * sample a thread or more, takes the GEMM over its gathered inputs ({@link Im2colConv}) rather than
     * these tiles: the GEMM writes each output row whole, where the tiles are turned back to channels
     * first by scattered 16 × 16 blocks (38% of the pass in a flight recording). Two threads, calls
     * taking turns in one JVM, medians of 6 (tiles against GEMM): 32 → 64 channels, 28 × 28 → 14 × 14,
     * batch 256 4.41 → 3.07 and 5.14 → 3.43 ms, batch 64 534 → 516 µs; 64 → 128, 28 × 28 → 14 × 14,
     * batch 16 556 → 433 µs; 32 → 64, 56 × 56 → 28 × 28, 494 against 483. Below, the tiles win: 64 → 128,
     * 14 × 14 → 7 × 7, 2.12 against 2.82 ms at batch 256, 398 against 564 µs at 64; 128 → 256 at 7 × 7 407
     * against 541 µs; 256 → 512 at 4 × 4 433 against 634.
     */
    static final int GATHERED_GEMM_POSITIONS = 192;

    /** Output positions of a map small enough for a single sample to take the small tile at stride 1 (14 × 14). */
    private static final int SMALL_MAP = 196;

    static void forward(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y,
                        boolean relu, boolean maxPool, Parallel pool) {
        int k = g.inC() * g.kH() * g.kW(), outC = g.outC();
        float[] wt = WeightCache.mine().transposed(g, w, wOff, outC, k, ChannelLaneTiles.lead(outC));
        ConvCall.mine().run(ConvCall.Pass.FORWARD_CHANNEL_LANES, pool, g, batch, x, wt, 0, bias, bOff, relu, maxPool, y);
    }

    /**
     * Whether a single sample split over {@code threads} goes by tiles of output channels, each thread
     * taking every position, rather than by bands of rows: when the tiles of channels divide evenly.
     * Each thread then reads its share of the weights only, and each block of them serves all of the
     * map's tiles instead of a band's. Through the kernels, 2 threads, fresh JVMs taking turns with
     * the bands: resnet18's 512-channel 7×7 layer 1,550–1,589 → 1,373–1,408 µs, resnet8's 64 → 128
     * stride-2 layer 47.0–47.1 → 40.4–46.4 µs and its 128-channel 7×7 layer 83.7–86.7 → 79.5–82.5 µs;
     * 256 channels at 14×14 even (918–956 against 941–954).
     */
    static boolean splitsByChannels(ConvGeometry g, int threads) {
        int tilesOfChannels = g.outC() / ChannelLaneTiles.CB;
        return tilesOfChannels >= threads && tilesOfChannels % threads == 0;
    }

    /** Tiles a group of samples should hold at least, so each block of packed weights serves enough of them. */
    private static final int GROUP_TILES = 32;

    /**
     * Samples taken together by {@link #samples}: one for maps of 32 tiles or more, up to 8 for small
     * maps (resnet18's last layers: 9 tiles of 7×7, 9.4 MB of weights walked once per sample otherwise).
     */
    static int group(ConvGeometry g) {
        int tiles = (g.outH() * g.outW() + PR - 1) / PR;
        return Math.max(1, Math.min(8, GROUP_TILES / tiles));
    }

    /**
     * Samples [n0, n0 + count) into y, sample n0 + i at yOff + i·yStep: their tiles are taken together,
     * so each block of packed weights is read once for all of them. With {@code maxPool}, each sample's
     * 2×2, stride-2 max pool instead, taken while the tiles are still (positions, channels): whole
     * vectors of channels, and a quarter of the positions left to turn back. Bias and ReLU come after
     * the max, which gives the same values: adding a constant and rounding never changes which of the
     * four is largest.
     */
    static void samples(ConvGeometry g, int n0, int count, float[] x, float[] wt, float[] bias, int bOff, float[] y, int yOff,
                        int yStep, boolean relu, boolean maxPool, Parallel inner) {
        int wp = g.inW() + 2 * g.padW(), plane = (g.inH() + 2 * g.padH()) * wp;
        int ow = g.outW(), spatial = g.outH() * ow, outC = g.outC(), ld = ChannelLaneTiles.lead(outC), k = g.inC() * g.kH() * g.kW();
        Scratch s = Scratch.get();
        int[] rows = s.convRows(k);
        SimdConv.shiftedRows(rows, 0, g.inC(), plane, wp, g.kH(), g.kW(), g.dilH(), g.dilW());
        if (count == 1 && inner != null) {
            ChannelLaneBands.forward(g, x, n0 * g.inSize(), rows, wt, bias, bOff, y, yOff, relu, maxPool, inner);
            return;
        }
        // the samples are consecutive in x: padded together as count·inC channels, or read where they
        // are when there is no padding (resnet's 1×1 stride-2 shortcuts: copying the whole input took
        // longer than the products, which read a quarter of it)
        boolean inPlace = unpadded(g);
        // the samples' positions follow one another, so a tile may hold the end of one and the start of
        // the next: a 7 × 7 map is 8 tiles and 1 position, and a group of 3 then takes 25 tiles, not 27.
        // resnet8's 64 → 128 stride-2 layer, two threads, calls taking turns in one JVM: batch 256
        // 11.0 → 10.2 ms (10 of 10), batch 64 2.66 → 2.46 ms (9 of 10); its 1×1 shortcut 2.01 → 1.91 ms
        int joined = count * spatial, allTiles = (joined + PR - 1) / PR, allCovered = allTiles * PR;
        int[] at = s.rows(allCovered);
        float[] xp;
        if (subsamples(g)) {
            // a 1×1 kernel at stride 2 or more reads one input in s²: those inputs are gathered first,
            // so a tile's six positions are neighbours (the walk over the strided input took three
            // times the products' time for resnet8's shortcuts); at stride 2 across, by vectors
            xp = subsample(s, g, x, n0, count);
            for (int t = 0; t < k; t++) rows[t] = t * spatial;
            for (int i = 0, p = 0; i < count; i++) {
                for (int q = 0; q < spatial; q++) at[p++] = i * k * spatial + q;
            }
        } else {
            xp = inPlace ? x
                    : SimdConv.pad(s, x, n0 * g.inSize(), count * g.inC(), g.inH(), g.inW(), g.padH(), g.padW(), g.dilW() * (g.kW() - 1));
            for (int i = 0; i < count; i++) {
                fieldStarts(g, (inPlace ? n0 * g.inSize() : 0) + i * g.inC() * plane, 0, g.outH(), wp, at, i * spatial, spatial);
            }
        }
        // a last part tile reads the last position again; its extra rows are never used
        for (int p = joined; p < allCovered; p++) at[p] = at[joined - 1];
        boolean rowOfThree = rowsOfThree(g);
        if (!maxPool && inner == null && allTiles > CHUNK_TILES && (long) k * ld <= CHUNK_WEIGHTS) {
            chunked(allTiles, k, rowOfThree, xp, rows, at, wt, outC, ld, joined, spatial, bias, bOff, relu, y, yOff, yStep);
            return;
        }
        // (positions, channels) in rows of ld, with room for a whole last tile and a whole last gather
        float[] acc = s.ext((allCovered + L) * ld);
        ChannelLaneTiles.walk(allTiles, k, rowOfThree, xp, rows, at, wt, outC, ld, acc, inner);
        int ph = g.outH() / 2, pw = ow / 2;
        float[] pooled = maxPool ? s.sampleOut((ph * pw + L) * ld) : null;
        for (int i = 0; i < count; i++) {
            int from = i * spatial * ld;
            if (!maxPool) {
                LaneTranspose.toChannelsFirst(acc, from, spatial, ld, 0, outC, bias, bOff, relu, y, yOff + i * yStep, spatial);
            } else {
                maxOfFours(acc, from, ow, ph, pw, ld, 0, outC, pooled);
                LaneTranspose.toChannelsFirst(pooled, 0, ph * pw, ld, 0, outC, bias, bOff, relu, y, yOff + i * yStep, ph * pw);
            }
        }
    }

    /**
     * Tiles a chunk of {@link #chunked} takes: 1,152 positions (whole blocks of 16 for the turn back),
     * whose sums (288 KB at 64 channels) stay in L2. resnet18's stem alone, batch 16, two threads, calls
     * taking turns in one JVM (whole walk → chunks of 192 tiles): 15.9 → 14.6, 16.8 → 14.9 and 16.5 →
     * 14.9 ms; chunks of 96 tiles 16.9 → 15.5 and 16.5 → 15.2, of 42 tiles slower (15.4 → 17.1: the turn
     * back took 12 of each chunk's positions one at a time). The whole model's inference moved within
     * its noise (169.1 → 169.6 and 183.3 → 178.0 ms).
     */
    static final int CHUNK_TILES = 192;
    /** Kept weights (floats) up to which a chunked pass reads them again per chunk from L2 rather than once. */
    static final long CHUNK_WEIGHTS = 64 << 10;

    /**
     * The tiles of samples' positions (starting at at[...]) a chunk at a time: every block of taps over
     * the chunk, then its positions turned back to channels first while their sums are in cache. Walked
     * whole, a large map's sums went to memory and back once per block of taps and once more to be
     * turned back: resnet18's 7 × 7 stem, 12,544 positions of 64 channels (3.2 MB a sample).
     */
    private static void chunked(int allTiles, int k, boolean rowOfThree, float[] xp, int[] rows, int[] at, float[] wt, int outC,
                                int ld, int joined, int spatial, float[] bias, int bOff, boolean relu, float[] y, int yOff, int yStep) {
        Scratch s = Scratch.get();
        float[] acc = s.ext((CHUNK_TILES * PR + L) * ld);
        int[] starts = s.chunkStarts(CHUNK_TILES * PR);
        for (int t0 = 0; t0 < allTiles; t0 += CHUNK_TILES) {
            int t1 = Math.min(allTiles, t0 + CHUNK_TILES), p0 = t0 * PR, p1 = Math.min(joined, t1 * PR);
            System.arraycopy(at, p0, starts, 0, (t1 - t0) * PR);
            ChannelLaneTiles.walk(0, t1 - t0, 0, outC, k, rowOfThree, xp, rows, starts, wt, ld, acc);
            for (int p = p0; p < p1; ) { // the chunk's positions, sample by sample
                int i = p / spatial, q1 = Math.min(p1, (i + 1) * spatial);
                LaneTranspose.toChannelsFirst(acc, (p - p0) * ld, q1 - p, ld, 0, outC, bias, bOff, relu, y,
                        yOff + i * yStep + p - i * spatial, spatial);
                p = q1;
            }
        }
    }

    /** A 1×1 kernel without padding at a stride above 1: it reads only the inputs on the strides' grid. */
    static boolean subsamples(ConvGeometry g) {
        return g.kH() == 1 && g.kW() == 1 && unpadded(g) && (g.strideH() > 1 || g.strideW() > 1);
    }

    /** The inputs a {@link #subsamples} convolution reads, of samples [n0, n0 + count): (count·inC, outH·outW) in scratch. */
    private static float[] subsample(Scratch s, ConvGeometry g, float[] x, int n0, int count) {
        float[] xs = s.paddedOverwritten(count * g.inC() * g.outH() * g.outW() + SimdGemm.roundUp(g.outW(), L));
        Im2colConv.subsample(g, x, n0, count, xs);
        return xs;
    }

    /** Whether each kernel row's taps read three neighbouring inputs, which the tile takes a row at a time. */
    static boolean rowsOfThree(ConvGeometry g) {
        return g.kW() == 3 && g.dilW() == 1;
    }

    /** No padding: the input is read in place, its taps' rows within it (a kernel row never runs past its input row). */
    static boolean unpadded(ConvGeometry g) {
        return g.padH() == 0 && g.padW() == 0;
    }

    /**
     * at[atOff + p]: where output position p of rows [y0, y1) of a sample starting at {@code sample}
     * in the padded input (rows wp apart) has its receptive field; positions from the last to
     * {@code covered} repeat the last, so a part tile reads real values and its extra rows are never
     * used. Row by row, without a division per position: written with two, this loop took 0.4 µs a
     * sample (fashion-cnn's second layer) in most runs and 23–27 µs in some.
     */
    static void fieldStarts(ConvGeometry g, int sample, int y0, int y1, int wp, int[] at, int atOff, int covered) {
        int ow = g.outW(), rowStep = g.strideH() * wp, colStep = g.strideW(), p = atOff;
        for (int y = y0; y < y1; y++) {
            for (int x = 0, start = sample + y * rowStep; x < ow; x++, start += colStep) at[p++] = start;
        }
        int last = sample + (y1 - 1) * rowStep + (ow - 1) * colStep;
        while (p < atOff + covered) at[p++] = last;
    }

    /**
     * pooled (ph·pw, ld) = the max of each 2×2 block of positions of acc at accOff (rows of ow positions,
     * each ld floats of channels), channels [c0, c1) only.
     */
    static void maxOfFours(float[] acc, int accOff, int ow, int ph, int pw, int ld, int c0, int c1, float[] pooled) {
        for (int i = 0; i < ph; i++) {
            for (int j = 0; j < pw; j++) {
                int a = accOff + (2 * i * ow + 2 * j) * ld, b = a + ow * ld, to = (i * pw + j) * ld;
                for (int c = c0; c < c1; c += L) {
                    FloatVector top = FloatVector.fromArray(S, acc, a + c).max(FloatVector.fromArray(S, acc, a + ld + c));
                    FloatVector bottom = FloatVector.fromArray(S, acc, b + c).max(FloatVector.fromArray(S, acc, b + ld + c));
                    top.max(bottom).intoArray(pooled, to + c);
                }
            }
        }
    }
}
