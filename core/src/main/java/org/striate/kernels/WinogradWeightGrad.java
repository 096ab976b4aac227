package org.striate.kernels;

import java.util.Arrays;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient of a 3×3, stride-1 convolution by Winograd's F(3×3, 2×2), the twin in training
 * of {@link WinogradConv}: dW[o][c] = Σ over tiles of the 3×3 correlation of the 4×4 input patch d
 * with the 2×2 block of dy over the tile, and each such correlation is Aᵀ[(G dy Gᵀ) ⊙ (Bᵀ d B)]A. The
 * transforms are linear, so the element-wise products are summed over all tiles first and Aᵀ · A taken
 * once at the end: 16 matrix products (output channels × tiles) · (tiles × input channels) through
 * {@link SimdGemm}, 16 multiply-adds per channel pair and tile instead of the direct 36. Both
 * operands are transformed with channels in the lanes ({@link WinogradLanes}), straight into the
 * layouts the products read without packing; the transforms use this class's Bᵀ (that of
 * {@link WinogradTiles}), G = [1 0; ½ ½; ½ −½; 0 −1] and Aᵀ = [1 1 1 0; 0 1 −1 0; 0 1 1 1].
 *
 * <p>Each thread sums its share of the batch (a fixed share, so the sums do not depend on timing) into
 * its own buffer, in chunks of tile rows that keep the transformed operands near L2; the buffers are
 * added in thread order and transformed back into dW once.
 */
final class WinogradWeightGrad {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    /**
     * Tiles a chunk holds at most (whole tile rows, one at least): the products' inner dimension, within
     * one of the GEMM's K blocks ({@link SimdGemm#KC}) unless a single tile row is longer.
     */
    static final int CHUNK_TILES = 256;

    private WinogradWeightGrad() {}

    /** dw += the weight gradient, dbias (if not null) += Σ dy per output channel. */
    static void backwardParams(ConvGeometry g, int batch, float[] x, float[] dy, float[] dw, int dwOff, float[] dbias, int dbOff,
                               Parallel pool) {
        int in = g.inC(), out = g.outC(), pairs = out * in, size = 16 * pairs + out, parts = pool.threads();
        float[][] sums = Scratch.get().partials(parts, size);
        Part task = PARTS.get();
        task.set(g, x, dy, sums);
        try {
            pool.run(batch, task);
        } finally {
            task.set(null, null, null, null);
        }
        float[] total = null;
        for (int part = 0; part < parts; part++) {
            if (Parallel.split(batch, parts, part) == Parallel.split(batch, parts, part + 1)) continue;
            if (total == null) total = sums[part];
            else SimdKernels.addInto(total, 0, sums[part], 0, size);
        }
        if (total == null) return;
        for (int p = 0; p < pairs; p++) untransform(total, p, pairs, dw, dwOff + p * 9);
        // one by one: a vector loop run once a call stayed in C1 there and boxed its vectors (48 bytes each)
        for (int o = 0; o < out && dbias != null; o++) dbias[dbOff + o] += total[16 * pairs + o];
    }

    /**
     * dw[at …] += Aᵀ M A, the 3×3 gradient of one channel pair, M its 4×4 summed products (element ξ at
     * m[ξ·pairs + p]); Aᵀ = [1 1 1 0; 0 1 −1 0; 0 1 1 1].
     */
    private static void untransform(float[] m, int p, int pairs, float[] dw, int at) {
        // row i of Aᵀ M is ti0 … ti3; then each row times A
        float t00 = 0, t01 = 0, t02 = 0, t03 = 0, t10 = 0, t11 = 0, t12 = 0, t13 = 0, t20 = 0, t21 = 0, t22 = 0, t23 = 0;
        for (int j = 0; j < 4; j++) {
            float m0 = m[j * pairs + p], m1 = m[(4 + j) * pairs + p], m2 = m[(8 + j) * pairs + p], m3 = m[(12 + j) * pairs + p];
            float r0 = m0 + m1 + m2, r1 = m1 - m2, r2 = m1 + m2 + m3;
            switch (j) {
                case 0 -> { t00 = r0; t10 = r1; t20 = r2; }
                case 1 -> { t01 = r0; t11 = r1; t21 = r2; }
                case 2 -> { t02 = r0; t12 = r1; t22 = r2; }
                default -> { t03 = r0; t13 = r1; t23 = r2; }
            }
        }
        dw[at] += t00 + t01 + t02;
        dw[at + 1] += t01 - t02;
        dw[at + 2] += t01 + t02 + t03;
        dw[at + 3] += t10 + t11 + t12;
        dw[at + 4] += t11 - t12;
        dw[at + 5] += t11 + t12 + t13;
        dw[at + 6] += t20 + t21 + t22;
        dw[at + 7] += t21 - t22;
        dw[at + 8] += t21 + t22 + t23;
    }

    /** One thread's share of the batch: samples [from, to) into sums[part]. Reused per calling thread. */
    private static final class Part implements Parallel.RangeTask {
        ConvGeometry g;
        float[] x, dy;
        float[][] sums;

        void set(ConvGeometry g, float[] x, float[] dy, float[][] sums) {
            this.g = g;
            this.x = x;
            this.dy = dy;
            this.sums = sums;
        }

        @Override
        public void run(int part, int from, int to) {
            accumulate(g, from, to, x, dy, sums[part]);
        }
    }

    private static final ThreadLocal<Part> PARTS = ThreadLocal.withInitial(Part::new);

    /** sum (16 blocks of outC × inC, then outC bias sums) = the transformed gradient of samples [from, to). */
    static void accumulate(ConvGeometry g, int from, int to, float[] x, float[] dy, float[] sum) {
        int in = g.inC(), out = g.outC(), pairs = out * in, h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        int down = (oh + 1) / 2, across = (ow + 1) / 2, mr = SimdGemm.MR, mPad = SimdGemm.roundUp(out, mr);
        // channels-last padded input, with room for the patches of an odd output's last tiles
        int cPad = SimdGemm.roundUp(in, L), rowsX = Math.max(h + 2 * g.padH(), 2 * down + 2), colsX = Math.max(w + 2 * g.padW(), 2 * across + 2);
        // B's rows a vector longer when a multiple of 32 floats: rows 128 B apart or a multiple of it
        // would crowd a K block of them onto a fraction of L1's sets
        int ldv = cPad % 32 == 0 ? cPad + L : cPad;
        Arrays.fill(sum, 0, 16 * pairs + out, 0f);
        Scratch s = Scratch.get();
        float[] xh = s.winogradPatches(rowsX * colsX * cPad), dyh = s.winogradGradients(4 * down * across * mPad + L), tmp = s.col(Math.max(h * w * cPad, oh * ow * mPad));
        int per = Math.max(1, CHUNK_TILES / across), end = to * down, built = -1;
        for (int r0 = from * down; r0 < end; r0 += per) {
            int r1 = Math.min(end, r0 + per), tiles = (r1 - r0) * across, kcMax = SimdGemm.blockK(tiles);
            float[] v = s.winogradIn(16 * tiles * ldv + L), ap = s.winogradProducts(16 * mPad * tiles);
            for (int r = r0; r < r1; r++) {
                int n = r / down, ti = r % down;
                if (n != built) {
                    Arrays.fill(xh, 0, rowsX * colsX * cPad, 0f);
                    WinogradLanes.channelsLast(x, n * g.inSize(), in, h, w, xh, g.padH(), g.padW(), colsX, cPad, tmp);
                    // dy padded with zeros to an even map, and panel rows past the last channel zero too
                    // (only their products' unused rows meet them)
                    if (2 * down != oh || 2 * across != ow || mPad > out) Arrays.fill(dyh, 0, 4 * down * across * mPad, 0f);
                    WinogradLanes.channelsLast(dy, n * g.outSize(), out, oh, ow, dyh, 0, 0, 2 * across, mPad, tmp);
                    built = n;
                }
                for (int tj = 0; tj < across; tj++) {
                    WinogradLanes.patch(xh, colsX, cPad, cPad, ti, tj, v, ((r - r0) * across + tj) * ldv, tiles * ldv);
                }
                for (int tj = 0; tj < across; ) {
                    // packed A: K blocks of kc tiles, each MR-row panel of a block kc·MR floats; two
                    // neighbouring tiles of a block are neighbours there, and take one vector together
                    int t = (r - r0) * across + tj, blockStart = t / kcMax * kcMax, kc = Math.min(kcMax, tiles - blockStart);
                    int at = blockStart * mPad + (t - blockStart) * mr;
                    boolean pair = WinogradLanes.pairs() && tj + 1 < across && t + 1 - blockStart < kc;
                    for (int o0 = 0; o0 < mPad; o0 += mr) {
                        if (pair) WinogradLanes.gradientPair(dyh, 2 * across, mPad, o0, ti, tj, ap, at + o0 * kc, mPad * tiles);
                        else WinogradLanes.gradient(dyh, 2 * across, mPad, o0, ti, tj, ap, at + o0 * kc, mPad * tiles);
                    }
                    tj += pair ? 2 : 1;
                }
            }
            int[] rows = s.convRows(tiles);
            for (int xi = 0; xi < 16; xi++) {
                for (int t = 0; t < tiles; t++) rows[t] = (xi * tiles + t) * ldv;
                SimdGemm.multiplyPacked(out, 0, in, tiles, ap, xi * mPad * tiles, v, rows, 1f, sum, xi * pairs, in);
            }
        }
        for (int n = from; n < to; n++) {
            for (int o = 0; o < out; o++) sum[16 * pairs + o] += SimdKernels.sumOf(dy, n * g.outSize() + o * oh * ow, oh * ow);
        }
    }
}
