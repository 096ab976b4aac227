package org.striate.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The transforms of {@link WinogradWeightGrad} with channels in the vector lanes, written straight in
 * the layouts {@link SimdGemm#multiplyPacked} reads without packing: the input patches' V = Bᵀ d B as
 * rows of B (a tile's channels side by side), dy's G g Gᵀ as panels of packed A ({@link SimdGemm#MR}
 * output channels side by side, tile after tile). Packing the 16 operands of every chunk cost the
 * products half their speed (one thread, AVX2: 64 × 32 channels over 259 tiles at 26 GFLOP/s packed
 * from rows, 63 read in place). Both read channels-last copies of a sample ({@link #channelsLast}).
 * Methods take and return no vectors: C2 boxes the vectors of a call it does not inline.
 */
final class WinogradLanes {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    /** The lanes of {@link #gradientPair}'s second tile: the upper {@link SimdGemm#MR} (used where a vector is two panel rows). */
    private static final VectorMask<Float> SECOND = VectorMask.fromLong(S, L == 2 * SimdGemm.MR ? ((1L << L) - 1) & (-1L << SimdGemm.MR) : 0);

    private WinogradLanes() {}

    /**
     * dst[((i + top)·cols + j + left)·ld + c] = src[srcOff + (c·h + i)·w + j] for channels c < channels:
     * a sample made channels-last, placed at (top, left) in a map cols positions wide. Whole vectors
     * of channels go through register transposes: row by row straight into place when a row holds a
     * whole block of positions, else over the whole map into {@code tmp} (h·w·ld floats) and then row
     * by row into place (straight into dst when it has no border); the rest one by one. (Through tmp,
     * resnet8's 32 → 64 stride-2 pass on 128 samples a thread took 17.3–17.6 ms, row by row 15.0–15.1.)
     */
    static void channelsLast(float[] src, int srcOff, int channels, int h, int w, float[] dst, int top, int left, int cols, int ld,
                             float[] tmp) {
        int spatial = h * w, whole = channels / L * L;
        if (byRows(channels, w)) {
            rowsInPlace(src, srcOff, channels, h, w, 0, h, dst, top, left, cols, ld);
            return;
        }
        boolean inPlace = top == 0 && left == 0 && cols == w;
        float[] to = inPlace ? dst : tmp;
        if (whole > 0) LaneTranspose.transpose(src, srcOff, whole, spatial, to, ld);
        for (int c = whole; c < channels; c++) {
            for (int p = 0; p < spatial; p++) to[p * ld + c] = src[srcOff + c * spatial + p];
        }
        if (inPlace) return;
        for (int i = 0; i < h; i++) System.arraycopy(tmp, i * w * ld, dst, ((i + top) * cols + left) * ld, w * ld);
    }

    /** Whether {@link #channelsLast} goes {@link #rowsInPlace}: a whole vector of channels, a row of a whole vector or more. */
    static boolean byRows(int channels, int w) {
        return channels >= L && w >= L && LaneTranspose.applies();
    }

    /**
     * {@link #channelsLast} row by row: blocks of L channels × L positions of a row transposed into place,
     * a block of channels down every row before the next (L streams from memory at a time, which the
     * prefetcher follows: all channels row by row took resnet8's 32 → 64 stride-2 input 3.8–6.0 ms
     * against 2.1–3.1, batch 256, two threads), then the rest one by one. Input rows [i0, i1) only.
     */
    static void rowsInPlace(float[] src, int srcOff, int channels, int h, int w, int i0, int i1, float[] dst, int top, int left,
                            int cols, int ld) {
        int plane = h * w, wholeC = channels / L * L, wholeQ = w / L * L;
        for (int c = 0; c < wholeC; c += L) {
            for (int i = i0; i < i1; i++) {
                int row = ((i + top) * cols + left) * ld, from = srcOff + c * plane + i * w;
                for (int q = 0; q < wholeQ; q += L) {
                    LaneTranspose.block(src, from + q, plane, dst, row + q * ld + c, ld, null, 0, Float.NEGATIVE_INFINITY);
                }
            }
        }
        for (int i = i0; i < i1; i++) {
            int row = ((i + top) * cols + left) * ld, from = srcOff + i * w;
            for (int q = 0; q < w; q++) {
                for (int c = q < wholeQ ? wholeC : 0; c < channels; c++) dst[row + q * ld + c] = src[from + c * plane + q];
            }
        }
    }

    /** Zeros the border of one sample's map (rows × cols positions of ld floats) around its h × w input at (top, left). */
    static void zeroBorder(float[] xh, int off, int rows, int cols, int ld, int top, int left, int h, int w) {
        int row = cols * ld;
        Arrays.fill(xh, off, off + top * row, 0f);
        Arrays.fill(xh, off + (top + h) * row, off + rows * row, 0f);
        for (int i = top; i < top + h; i++) {
            int r = off + i * row;
            Arrays.fill(xh, r, r + left * ld, 0f);
            Arrays.fill(xh, r + (left + w) * ld, r + row, 0f);
        }
    }

    /**
     * V = Bᵀ d B of the patch at (2ti, 2tj) of the padded channels-last map xh (cols positions wide,
     * ld floats a position), for channel vectors [0, channels): element ξ to v[at + ξ·step + c].
     * Column j of each patch row (d0 − d2, d1 + d2, d2 − d1, d1 − d3), then the same down the rows;
     * a column a call: with all four in one method C2 left its vectors boxed.
     */
    static void patch(float[] xh, int cols, int ld, int channels, int ti, int tj, float[] v, int at, int step) {
        int r0 = (2 * ti * cols + 2 * tj) * ld, row = cols * ld;
        for (int c = 0; c < channels; c += L) {
            columnDifference(xh, r0 + c, row, 0, 2 * ld, v, at + c, step);
            columnSum(xh, r0 + c, row, ld, 2 * ld, v, at + c + step, step);
            columnDifference(xh, r0 + c, row, 2 * ld, ld, v, at + c + 2 * step, step);
            columnDifference(xh, r0 + c, row, ld, 3 * ld, v, at + c + 3 * step, step);
        }
    }

    /** Column j of V when column j of each row's d·B is d[u] − d[w]: rows 0 … 3 to v[t], v[t + 4·step], …. */
    private static void columnDifference(float[] xh, int p0, int row, int u, int w, float[] v, int t, int step) {
        int p1 = p0 + row, p2 = p1 + row, p3 = p2 + row;
        FloatVector a0 = FloatVector.fromArray(S, xh, p0 + u).sub(FloatVector.fromArray(S, xh, p0 + w));
        FloatVector a1 = FloatVector.fromArray(S, xh, p1 + u).sub(FloatVector.fromArray(S, xh, p1 + w));
        FloatVector a2 = FloatVector.fromArray(S, xh, p2 + u).sub(FloatVector.fromArray(S, xh, p2 + w));
        FloatVector a3 = FloatVector.fromArray(S, xh, p3 + u).sub(FloatVector.fromArray(S, xh, p3 + w));
        a0.sub(a2).intoArray(v, t);
        a1.add(a2).intoArray(v, t + 4 * step);
        a2.sub(a1).intoArray(v, t + 8 * step);
        a1.sub(a3).intoArray(v, t + 12 * step);
    }

    /** {@link #columnDifference} for a column that is d[u] + d[w]. */
    private static void columnSum(float[] xh, int p0, int row, int u, int w, float[] v, int t, int step) {
        int p1 = p0 + row, p2 = p1 + row, p3 = p2 + row;
        FloatVector a0 = FloatVector.fromArray(S, xh, p0 + u).add(FloatVector.fromArray(S, xh, p0 + w));
        FloatVector a1 = FloatVector.fromArray(S, xh, p1 + u).add(FloatVector.fromArray(S, xh, p1 + w));
        FloatVector a2 = FloatVector.fromArray(S, xh, p2 + u).add(FloatVector.fromArray(S, xh, p2 + w));
        FloatVector a3 = FloatVector.fromArray(S, xh, p3 + u).add(FloatVector.fromArray(S, xh, p3 + w));
        a0.sub(a2).intoArray(v, t);
        a1.add(a2).intoArray(v, t + 4 * step);
        a2.sub(a1).intoArray(v, t + 8 * step);
        a1.sub(a3).intoArray(v, t + 12 * step);
    }

    /**
     * G g Gᵀ of the 2×2 block g of dy at (2ti, 2tj) for the {@link SimdGemm#MR} output channels from o0,
     * dyh channels-last (cols positions a row, ld floats a position; an odd map is padded with zeros
     * to even, so that every block is four plain loads: vectors chosen by a condition were left boxed).
     * Element ξ to ap[at + ξ·step …]. G = [1 0; ½ ½; ½ −½; 0 −1], the rows of G g then each times Gᵀ
     * (see {@link WinogradWeightGrad}).
     *
     * <p>A plain loop, for a tile whose neighbour is not beside it in the panel (a row's odd last tile);
     * two neighbours take {@link #gradientPair}. Vectors of MR lanes here (a 256-bit species beside the
     * 512-bit one) put two vector classes through the Vector API's shared methods, whose type profiles
     * then held both, and C2 at times compiled other kernels' vector operations as calls to their
     * allocating Java fallbacks: resnet8's training, fresh JVMs, 2 of 5 at half speed (its weight
     * gradient's tiles allocating 1.9 GB a step), none of 13 since. 512-bit vectors with the upper lanes
     * masked fell back here instead, in 3 fashion-cnn runs of 3 (BENCHMARKS.md).
     */
    static void gradient(float[] dyh, int cols, int ld, int o0, int ti, int tj, float[] ap, int at, int step) {
        int p = (2 * ti * cols + 2 * tj) * ld + o0;
        for (int j = 0; j < SimdGemm.MR; j++) {
            float a = dyh[p + j], b = dyh[p + ld + j], c = dyh[p + cols * ld + j], d = dyh[p + (cols + 1) * ld + j];
            float e = a, o = b;
            ap[at + j] = e;
            ap[at + step + j] = (e + o) * 0.5f;
            ap[at + 2 * step + j] = (e - o) * 0.5f;
            ap[at + 3 * step + j] = -o;
            e = (a + c) * 0.5f;
            o = (b + d) * 0.5f;
            ap[at + 4 * step + j] = e;
            ap[at + 5 * step + j] = (e + o) * 0.5f;
            ap[at + 6 * step + j] = (e - o) * 0.5f;
            ap[at + 7 * step + j] = -o;
            e = (a - c) * 0.5f;
            o = (b - d) * 0.5f;
            ap[at + 8 * step + j] = e;
            ap[at + 9 * step + j] = (e + o) * 0.5f;
            ap[at + 10 * step + j] = (e - o) * 0.5f;
            ap[at + 11 * step + j] = -o;
            e = -c;
            o = -d;
            ap[at + 12 * step + j] = e;
            ap[at + 13 * step + j] = (e + o) * 0.5f;
            ap[at + 14 * step + j] = (e - o) * 0.5f;
            ap[at + 15 * step + j] = d;
        }
    }

    /** Whether {@link #gradientPair} applies: a vector holds two panel rows (AVX-512's 16 lanes, AVX2's 8). */
    static boolean pairs() { return L == 2 * SimdGemm.MR; }

    /**
     * {@link #gradient} for the tiles (ti, tj) and (ti, tj + 1) at once, whose panel rows lie side by
     * side in ap: each of dy's four values per tile is one vector, the first tile's channels in the lower
     * lanes and the second's blended into the upper ones by a constant mask, and each element ξ is one
     * store of both. Whole vectors of the one species, with no masked loads or stores: both of those made
     * C2 leave kernels to their fallbacks (see {@link #gradient}). dyh needs L floats of slack past its
     * last position (a lower-lane load reads the next channels).
     */
    static void gradientPair(float[] dyh, int cols, int ld, int o0, int ti, int tj, float[] ap, int at, int step) {
        int p = (2 * ti * cols + 2 * tj) * ld + o0, q = p + 2 * ld - SimdGemm.MR;
        FloatVector a = FloatVector.fromArray(S, dyh, p).blend(FloatVector.fromArray(S, dyh, q), SECOND);
        FloatVector b = FloatVector.fromArray(S, dyh, p + ld).blend(FloatVector.fromArray(S, dyh, q + ld), SECOND);
        FloatVector c = FloatVector.fromArray(S, dyh, p + cols * ld).blend(FloatVector.fromArray(S, dyh, q + cols * ld), SECOND);
        FloatVector d = FloatVector.fromArray(S, dyh, p + (cols + 1) * ld).blend(FloatVector.fromArray(S, dyh, q + (cols + 1) * ld), SECOND);
        FloatVector e = a, o = b;
        e.intoArray(ap, at);
        e.add(o).mul(0.5f).intoArray(ap, at + step);
        e.sub(o).mul(0.5f).intoArray(ap, at + 2 * step);
        o.neg().intoArray(ap, at + 3 * step);
        e = a.add(c).mul(0.5f);
        o = b.add(d).mul(0.5f);
        e.intoArray(ap, at + 4 * step);
        e.add(o).mul(0.5f).intoArray(ap, at + 5 * step);
        e.sub(o).mul(0.5f).intoArray(ap, at + 6 * step);
        o.neg().intoArray(ap, at + 7 * step);
        e = a.sub(c).mul(0.5f);
        o = b.sub(d).mul(0.5f);
        e.intoArray(ap, at + 8 * step);
        e.add(o).mul(0.5f).intoArray(ap, at + 9 * step);
        e.sub(o).mul(0.5f).intoArray(ap, at + 10 * step);
        o.neg().intoArray(ap, at + 11 * step);
        e = c.neg();
        o = d.neg();
        e.intoArray(ap, at + 12 * step);
        e.add(o).mul(0.5f).intoArray(ap, at + 13 * step);
        e.sub(o).mul(0.5f).intoArray(ap, at + 14 * step);
        d.intoArray(ap, at + 15 * step);
    }
}
