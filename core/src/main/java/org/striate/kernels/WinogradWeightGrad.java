package org.striate.kernels;

import java.util.Arrays;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient of a 3×3, stride-1 convolution by Winograd's F(3×3, 2×2), the twin in training
 * of {@link WinogradConv}: dW[o][c] = Σ over tiles of the 3×3 correlation of the 4×4 input patch d
 * with the 2×2 block of dy over the tile, and each such correlation is Aᵀ[(G dy Gᵀ) ⊙ (Bᵀ d B)]A. The
 * transforms are linear, so the element-wise products are summed over all tiles first and Aᵀ · A taken
 * once at the end: 16 matrix products (output channels × tiles) · (tiles × input channels) through
 * {@link SimdGemm}, 16 multiply-adds per channel pair and tile instead of the direct 36. The patches
 * are transformed as in the forward pass ({@link WinogradConv#transformPatches}); dy by
 * {@link WinogradTiles#gradient}.
 *
 * <p>Each thread sums its share of the batch (a fixed share, so the sums do not depend on timing) into
 * its own buffer, in chunks of tile rows that keep the transformed operands near L2; the buffers are
 * added in thread order and transformed back into dW once.
 */
final class WinogradWeightGrad {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    /** Tiles a chunk holds at least: the products' inner dimension, long enough to amortise their packing. */
    static final int CHUNK_TILES = 256;

    /**
     * Input channels below which the 16 products are dot products ({@link SimdDot}, nothing packed)
     * rather than {@link SimdGemm}'s, whose packing of both operands then costs more than it saves.
     * One thread, AVX2, fashion-cnn and resnet8 shapes, best of 12 windows: 16 and 32 input channels
     * 1.0–1.7× faster as dots; 64 and more 1.1–1.3× faster through the GEMM.
     */
    static final int DOTS_BELOW = 64;

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
        if (dbias != null) SimdKernels.addInto(dbias, dbOff, total, 16 * pairs, out);
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
        int in = g.inC(), out = g.outC(), pairs = out * in, spatial = g.outH() * g.outW();
        int down = (g.outH() + 1) / 2, across = (g.outW() + 1) / 2;
        Arrays.fill(sum, 0, 16 * pairs + out, 0f);
        Scratch s = Scratch.get();
        int per = Math.max(1, (CHUNK_TILES + across - 1) / across), end = to * down;
        for (int r0 = from * down; r0 < end; r0 += per) {
            int r1 = Math.min(end, r0 + per), tiles = (r1 - r0) * across, ld = tiles + L;
            float[] v = s.winogradIn(16 * in * ld), dyt = s.winogradProducts(16 * out * ld);
            WinogradConv.transformPatches(g, r0, r1, x, v, ld, s);
            transformGradients(g, r0, r1, dy, dyt, ld, s);
            int[] rows = s.convRows(in);
            for (int xi = 0; xi < 16; xi++) {
                for (int c = 0; c < in; c++) rows[c] = (xi * in + c) * ld;
                if (in < DOTS_BELOW) SimdDot.accumulate(out, 0, in, tiles, dyt, xi * out * ld, ld, v, rows, sum, xi * pairs, in);
                else SimdGemm.columns(false, true, out, 0, in, tiles, dyt, xi * out * ld, ld, null, v, rows, 1f, sum, xi * pairs, in);
            }
        }
        for (int n = from; n < to; n++) {
            for (int o = 0; o < out; o++) sum[16 * pairs + o] += SimdKernels.sumOf(dy, n * g.outSize() + o * spatial, spatial);
        }
    }

    /**
     * G g Gᵀ of dy's 2×2 blocks under tile rows [r0, r1): element ξ of output channel o's tile t
     * (counted from r0's first) to dst[(ξ·outC + o)·ld + t]. Channel by channel, the top rows of all
     * the blocks are split into even and odd columns one after another, so that tile t's four values
     * sit at t in the four split rows and {@link WinogradTiles#gradient} takes L tiles a call even
     * when a map is narrower than a vector. A block past an odd map's edge is zero there.
     */
    static void transformGradients(ConvGeometry g, int r0, int r1, float[] dy, float[] dst, int ld, Scratch s) {
        int out = g.outC(), oh = g.outH(), ow = g.outW(), down = (oh + 1) / 2, across = (ow + 1) / 2, tiles = (r1 - r0) * across;
        // a row split reads 2·roundUp(across, L) floats: near dy's end they come from a copy
        int reach = 2 * SimdGemm.roundUp(across, L), stride = tiles + L;
        float[] split = s.winogradSplit(4 * stride), tail = s.ext(2 * reach);
        for (int o = 0; o < out; o++) {
            for (int r = r0; r < r1; r++) {
                int n = r / down, ti = r % down, t = (r - r0) * across;
                int top = (n * out + o) * oh * ow + 2 * ti * ow;
                splitInto(dy, top, ow, across, reach, tail, split, t, stride);
                if (2 * ti + 1 < oh) {
                    splitInto(dy, top + ow, ow, across, reach, tail, split, 2 * stride + t, stride);
                } else {
                    java.util.Arrays.fill(split, 2 * stride + t, 2 * stride + t + across, 0f);
                    java.util.Arrays.fill(split, 3 * stride + t, 3 * stride + t + across, 0f);
                }
            }
            for (int t = 0; t < tiles; t += L) WinogradTiles.gradient(split, stride, t, dst, o * ld, out * ld);
        }
    }

    /**
     * The dy row at dy[from …] (width columns) split into even columns at split[at …] and odd ones at
     * split[at + stride …], across of each; an odd width's last odd column is zero. Whole vectors
     * past the row's tiles land where the next row's are written after it, or on the slack.
     */
    private static void splitInto(float[] dy, int from, int width, int across, int reach, float[] tail, float[] split, int at, int stride) {
        if (from + reach <= dy.length) {
            WinogradTiles.splitRow(dy, from, across, split, at, stride);
        } else {
            System.arraycopy(dy, from, tail, 0, width);
            WinogradTiles.splitRow(tail, 0, across, split, at, stride);
        }
        if ((width & 1) != 0) split[at + stride + across - 1] = 0f;
    }
}
