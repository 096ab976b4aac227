package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The additions of {@link WinogradConv}'s F(2×2, 3×3): the input patch transform V = Bᵀ d B and the
 * output transform Y = Aᵀ m A, each for L tiles of one tile row at once (a tile per lane). A patch
 * starts at every second input column, so each padded input row is first split into its even and
 * odd columns: then the patch columns 0…3 of L neighbouring tiles are four plain vector loads.
 * Methods take and return no vectors: C2 boxes the vectors of a call it does not inline.
 */
final class WinogradTiles {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    /**
     * Zipping a and b (a0 b0 a1 b1 …): each spread over pairs of lanes (first halves for the low vector,
     * second halves for the high one), b's taking the odd lanes. Single-vector permutes and a blend:
     * a permute of two vectors is not compiled to vector instructions on AVX2.
     */
    private static final VectorShuffle<Float> SPREAD_LO = VectorShuffle.fromOp(S, i -> i / 2);
    private static final VectorShuffle<Float> SPREAD_HI = VectorShuffle.fromOp(S, i -> L / 2 + i / 2);
    private static final VectorMask<Float> ODD = VectorMask.fromLong(S, 0xAAAAAAAAAAAAAAAAL);
    /** Lane i takes lane 2i mod L (EVEN) or 2i + 1 mod L (ODD): the even or odd values of one vector in each half. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i % L);
    private static final VectorShuffle<Float> ODD_LANES = VectorShuffle.fromOp(S, i -> (2 * i + 1) % L);
    private static final VectorMask<Float> UPPER = VectorMask.fromLong(S, ((1L << L) - 1) & ~((1L << (L / 2)) - 1));

    private WinogradTiles() {}

    /**
     * Splits the padded row at xp[from …] into its even columns, to split[eOff …], and its odd ones, to
     * split[eOff + stride …], {@code pairs} of each rounded up to whole vectors: reads 2·pairs + 2L
     * floats at most. Two loads, then each half of each result is a single-vector permute of one of them.
     */
    static void splitRow(float[] xp, int from, int pairs, float[] split, int eOff, int stride) {
        for (int k = 0; k < pairs; k += L) {
            FloatVector a = FloatVector.fromArray(S, xp, from + 2 * k), b = FloatVector.fromArray(S, xp, from + 2 * k + L);
            a.rearrange(EVEN).blend(b.rearrange(EVEN), UPPER).intoArray(split, eOff + k);
            a.rearrange(ODD_LANES).blend(b.rearrange(ODD_LANES), UPPER).intoArray(split, eOff + stride + k);
        }
    }

    /**
     * dst[to + k] = src[from + 2k] for k &lt; count, by whole vectors: reads 2·roundUp(count, L) floats
     * from {@code from} and writes roundUp(count, L) from {@code to}, so the caller leaves room for both
     * (a store past {@code count} lands where the caller writes next, or on slack). The even half of
     * {@link #splitRow} without the odd one.
     */
    static void evenColumns(float[] src, int from, int count, float[] dst, int to) {
        for (int k = 0; k < count; k += L) {
            FloatVector a = FloatVector.fromArray(S, src, from + 2 * k), b = FloatVector.fromArray(S, src, from + 2 * k + L);
            a.rearrange(EVEN).blend(b.rearrange(EVEN), UPPER).intoArray(dst, to + k);
        }
    }

    /**
     * V for the L tiles from tile column tj: split holds the four patch rows from split[rowOff], each as
     * even columns then odd ones (row q's even columns at rowOff + q·2·stride); element ξ = 4i + j goes to
     * v[vOff + ξ·vStep + tj].
     * Written out in full: a helper taking or returning vectors that C2 does not inline boxes them.
     */
    static void input(float[] split, int rowOff, int stride, int tj, float[] v, int vOff, int vStep) {
        int e0 = rowOff + tj, e1 = e0 + 2 * stride, e2 = e1 + 2 * stride, e3 = e2 + 2 * stride, at = vOff + tj;
        // column j of (patch row q)·B, with d0 d2 the even columns and d1 d3 the odd ones: d0 − d2,
        // d1 + d2, d2 − d1, d1 − d3; then Bᵀ down the four rows: t0 − t2, t1 + t2, t2 − t1, t1 − t3
        FloatVector a0 = FloatVector.fromArray(S, split, e0).sub(FloatVector.fromArray(S, split, e0 + 1));
        FloatVector a1 = FloatVector.fromArray(S, split, e1).sub(FloatVector.fromArray(S, split, e1 + 1));
        FloatVector a2 = FloatVector.fromArray(S, split, e2).sub(FloatVector.fromArray(S, split, e2 + 1));
        FloatVector a3 = FloatVector.fromArray(S, split, e3).sub(FloatVector.fromArray(S, split, e3 + 1));
        a0.sub(a2).intoArray(v, at);
        a1.add(a2).intoArray(v, at + 4 * vStep);
        a2.sub(a1).intoArray(v, at + 8 * vStep);
        a1.sub(a3).intoArray(v, at + 12 * vStep);
        FloatVector o0 = FloatVector.fromArray(S, split, e0 + stride), o1 = FloatVector.fromArray(S, split, e1 + stride);
        FloatVector o2 = FloatVector.fromArray(S, split, e2 + stride), o3 = FloatVector.fromArray(S, split, e3 + stride);
        FloatVector n0 = FloatVector.fromArray(S, split, e0 + 1), n1 = FloatVector.fromArray(S, split, e1 + 1);
        FloatVector n2 = FloatVector.fromArray(S, split, e2 + 1), n3 = FloatVector.fromArray(S, split, e3 + 1);
        a0 = o0.add(n0);
        a1 = o1.add(n1);
        a2 = o2.add(n2);
        a3 = o3.add(n3);
        a0.sub(a2).intoArray(v, at + vStep);
        a1.add(a2).intoArray(v, at + 5 * vStep);
        a2.sub(a1).intoArray(v, at + 9 * vStep);
        a1.sub(a3).intoArray(v, at + 13 * vStep);
        a0 = n0.sub(o0);
        a1 = n1.sub(o1);
        a2 = n2.sub(o2);
        a3 = n3.sub(o3);
        a0.sub(a2).intoArray(v, at + 2 * vStep);
        a1.add(a2).intoArray(v, at + 6 * vStep);
        a2.sub(a1).intoArray(v, at + 10 * vStep);
        a1.sub(a3).intoArray(v, at + 14 * vStep);
        a0 = o0.sub(FloatVector.fromArray(S, split, e0 + stride + 1));
        a1 = o1.sub(FloatVector.fromArray(S, split, e1 + stride + 1));
        a2 = o2.sub(FloatVector.fromArray(S, split, e2 + stride + 1));
        a3 = o3.sub(FloatVector.fromArray(S, split, e3 + stride + 1));
        a0.sub(a2).intoArray(v, at + 3 * vStep);
        a1.add(a2).intoArray(v, at + 7 * vStep);
        a2.sub(a1).intoArray(v, at + 11 * vStep);
        a1.sub(a3).intoArray(v, at + 15 * vStep);
    }

    /**
     * Both rows of Y = Aᵀ m A for the L tiles at m[mOff …] (element ξ at mOff + ξ·mStep), plus bias,
     * plus res when res is not null (a residual sum), then max(·, floor): the top row's n values (two
     * per tile) to dst[at …] and, with {@code bottom} (false for a last tile row whose bottom row lies
     * past the map), the bottom row's to dst[at + ow …]. Aᵀ = [1 1 1 0; 0 1 −1 −1]: the top row adds
     * rows 0, 1, 2 of m·A, the bottom one takes row 1 − row 2 − row 3. Whole vectors are stored when
     * they end by {@code limit}; otherwise through {@code edge} (2L floats), one by one: masked stores
     * are slow on AVX2, and C2 left the masks of a branch taken once a call as objects. The top row is
     * stored first, so where its whole vectors run past the row's end the bottom row overwrites them; a
     * caller going along a tile row from its last vector to its first leaves every spill to a later
     * store. One pass over m, 16 loads where a call a row made 24 (one thread, batch 128, 32 channels
     * at 28 × 28: 20.0–21.9 → 18.7–20.4 ms a pass; 64 at 14 × 14 16.1–17.2 → 15.3–16.8). The two
     * rows' stores are written out: a helper taking vectors that C2 does not inline boxes them.
     */
    static void outputRows(float[] m, int mOff, int mStep, int ow, boolean bottom, float bias, float floor, float[] dst, int at, int n,
                           int limit, float[] edge, float[] res) {
        int r1 = mOff + 4 * mStep, r2 = r1 + 4 * mStep, r3 = r2 + 4 * mStep;
        // (row r of m)·A: column 0 m0 + m1 + m2, column 1 m1 − m2 − m3
        FloatVector p1 = FloatVector.fromArray(S, m, mOff + mStep), p2 = FloatVector.fromArray(S, m, mOff + 2 * mStep);
        FloatVector s00 = FloatVector.fromArray(S, m, mOff).add(p1).add(p2);
        FloatVector s01 = p1.sub(p2).sub(FloatVector.fromArray(S, m, mOff + 3 * mStep));
        p1 = FloatVector.fromArray(S, m, r1 + mStep);
        p2 = FloatVector.fromArray(S, m, r1 + 2 * mStep);
        FloatVector s10 = FloatVector.fromArray(S, m, r1).add(p1).add(p2);
        FloatVector s11 = p1.sub(p2).sub(FloatVector.fromArray(S, m, r1 + 3 * mStep));
        p1 = FloatVector.fromArray(S, m, r2 + mStep);
        p2 = FloatVector.fromArray(S, m, r2 + 2 * mStep);
        FloatVector s20 = FloatVector.fromArray(S, m, r2).add(p1).add(p2);
        FloatVector s21 = p1.sub(p2).sub(FloatVector.fromArray(S, m, r2 + 3 * mStep));
        p1 = FloatVector.fromArray(S, m, r3 + mStep);
        p2 = FloatVector.fromArray(S, m, r3 + 2 * mStep);
        FloatVector s30 = FloatVector.fromArray(S, m, r3).add(p1).add(p2);
        FloatVector s31 = p1.sub(p2).sub(FloatVector.fromArray(S, m, r3 + 3 * mStep));
        FloatVector t0 = s00.add(s10).add(s20).add(bias), t1 = s01.add(s11).add(s21).add(bias);
        FloatVector b0 = s10.sub(s20).sub(s30).add(bias), b1 = s11.sub(s21).sub(s31).add(bias);
        FloatVector lo = t0.rearrange(SPREAD_LO).blend(t1.rearrange(SPREAD_LO), ODD);
        FloatVector hi = t0.rearrange(SPREAD_HI).blend(t1.rearrange(SPREAD_HI), ODD);
        if (n >= 2 * L || at + 2 * L <= limit) {
            if (res != null) {
                lo = lo.add(FloatVector.fromArray(S, res, at));
                hi = hi.add(FloatVector.fromArray(S, res, at + L));
            }
            lo.max(floor).intoArray(dst, at);
            hi.max(floor).intoArray(dst, at + L);
        } else {
            lo.intoArray(edge, 0);
            hi.intoArray(edge, L);
            for (int k = 0; k < n; k++) dst[at + k] = Math.max(edge[k] + (res == null ? 0f : res[at + k]), floor);
        }
        if (!bottom) return;
        int bt = at + ow;
        lo = b0.rearrange(SPREAD_LO).blend(b1.rearrange(SPREAD_LO), ODD);
        hi = b0.rearrange(SPREAD_HI).blend(b1.rearrange(SPREAD_HI), ODD);
        if (n >= 2 * L || bt + 2 * L <= limit) {
            if (res != null) {
                lo = lo.add(FloatVector.fromArray(S, res, bt));
                hi = hi.add(FloatVector.fromArray(S, res, bt + L));
            }
            lo.max(floor).intoArray(dst, bt);
            hi.max(floor).intoArray(dst, bt + L);
        } else {
            lo.intoArray(edge, 0);
            hi.intoArray(edge, L);
            for (int k = 0; k < n; k++) dst[bt + k] = Math.max(edge[k] + (res == null ? 0f : res[bt + k]), floor);
        }
    }

    /**
     * Where lane k's pooling window starts, in a pooled output {@code across} wide whose rows follow one
     * another in the vector (the full-size output is 2·across wide): 4·across a row down, 2 a tile across.
     * Lanes past the last whole row get a row's offsets: like their values, their indices are stored
     * only where the next rows' overwrite them.
     */
    static int[] stackedCorners(int across) { return STACKED_CORNERS[across]; }

    private static final int[][] STACKED_CORNERS = new int[L / 2 + 1][];

    static {
        for (int a = 1; a <= L / 2; a++) {
            int across = a, rows = L / across;
            STACKED_CORNERS[a] = java.util.stream.IntStream.range(0, L)
                    .map(k -> k < rows * across ? 4 * across * (k / across) + 2 * (k % across) : 2 * k).toArray();
        }
    }

    /**
     * The 2×2 max of each tile's Y (the tile is the pooling window), plus bias, then max(·, floor): the
     * first n tiles' to dst[at …], a whole vector when it ends by {@code limit}, else through edge (as
     * {@link #outputRows}).
     * Adding a constant and rounding never change which of four is largest. With {@code keep}, the four
     * outputs before the bias (top-left, top-right, bottom-left, bottom-right, a vector each) go to
     * keep[0 …] for the winners ({@link SimdPool#winners}).
     */
    static void outputPooled(float[] m, int mOff, int mStep, float bias, float floor, float[] dst, int at, int n, int limit,
                             float[] edge, float[] keep) {
        int r1 = mOff + 4 * mStep, r2 = r1 + 4 * mStep, r3 = r2 + 4 * mStep;
        FloatVector p1 = FloatVector.fromArray(S, m, mOff + mStep), p2 = FloatVector.fromArray(S, m, mOff + 2 * mStep);
        FloatVector s00 = FloatVector.fromArray(S, m, mOff).add(p1).add(p2);
        FloatVector s01 = p1.sub(p2).sub(FloatVector.fromArray(S, m, mOff + 3 * mStep));
        p1 = FloatVector.fromArray(S, m, r1 + mStep);
        p2 = FloatVector.fromArray(S, m, r1 + 2 * mStep);
        FloatVector s10 = FloatVector.fromArray(S, m, r1).add(p1).add(p2);
        FloatVector s11 = p1.sub(p2).sub(FloatVector.fromArray(S, m, r1 + 3 * mStep));
        p1 = FloatVector.fromArray(S, m, r2 + mStep);
        p2 = FloatVector.fromArray(S, m, r2 + 2 * mStep);
        FloatVector s20 = FloatVector.fromArray(S, m, r2).add(p1).add(p2);
        FloatVector s21 = p1.sub(p2).sub(FloatVector.fromArray(S, m, r2 + 3 * mStep));
        p1 = FloatVector.fromArray(S, m, r3 + mStep);
        p2 = FloatVector.fromArray(S, m, r3 + 2 * mStep);
        FloatVector s30 = FloatVector.fromArray(S, m, r3).add(p1).add(p2);
        FloatVector s31 = p1.sub(p2).sub(FloatVector.fromArray(S, m, r3 + 3 * mStep));
        FloatVector y00 = s00.add(s10).add(s20), y01 = s01.add(s11).add(s21), y10 = s10.sub(s20).sub(s30), y11 = s11.sub(s21).sub(s31);
        FloatVector y = y00.max(y01).max(y10.max(y11)).add(bias).max(floor);
        if (keep != null) {
            y00.intoArray(keep, 0); y01.intoArray(keep, L); y10.intoArray(keep, 2 * L); y11.intoArray(keep, 3 * L);
        }
        if (n >= L || at + L <= limit) {
            y.intoArray(dst, at);
        } else {
            y.intoArray(edge, 0);
            System.arraycopy(edge, 0, dst, at, n);
        }
    }
}
