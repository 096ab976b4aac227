package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The transforms of {@link Winograd4Conv}'s F(4×4, 3×3), channels in the vector lanes: the input
 * patch's V = Bᵀ d B (6 × 6) and the output tile's Y = Aᵀ M A (4 × 4), each as two passes of the same
 * one-dimensional transform, along the rows into {@code stage} (a few vectors, in L1), then down its
 * columns. Every vector is whole whatever the map's width: tiles in the lanes would fill 2 of 16 on a
 * 7 × 7 map (two tiles a row).
 * <pre>
 *      [4  0 −5  0  1  0]        [1 1  1 1  1 0]
 *      [0 −4 −4  1  1  0]   Aᵀ = [0 1 −1 2 −2 0]
 * Bᵀ = [0  4 −4 −1  1  0]        [0 1  1 4  4 0]
 *      [0 −2 −1  2  1  0]        [0 1 −1 8 −8 1]
 *      [0  2 −1 −2  1  0]
 *      [0  4  0 −5  0  1]
 * </pre>
 * Methods take and return no vectors: C2 boxes the vectors of a call it does not inline.
 */
final class Winograd4Tiles {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();

    private Winograd4Tiles() {}

    /**
     * V = Bᵀ d B of the 6 × 6 patch whose (0, 0) is xh[p0] (rows {@code row} floats apart, positions
     * {@code ld} apart), for the L channels there: element ξ = 6i + j to v[at + ξ·step]. stage holds 36·L floats.
     */
    static void patch(float[] xh, int p0, int row, int ld, float[] v, int at, int step, float[] stage) {
        for (int q = 0; q < 6; q++) bt(xh, p0 + q * row, ld, stage, 6 * q * L, L);
        for (int j = 0; j < 6; j++) bt(stage, j * L, 6 * L, v, at + j * step, 6 * step);
    }

    /** dst[dOff + i·dStep] = (Bᵀ d)_i for d_k = src[off + k·step], six vectors each. */
    private static void bt(float[] src, int off, int step, float[] dst, int dOff, int dStep) {
        FloatVector d0 = FloatVector.fromArray(S, src, off), d1 = FloatVector.fromArray(S, src, off + step);
        FloatVector d2 = FloatVector.fromArray(S, src, off + 2 * step), d3 = FloatVector.fromArray(S, src, off + 3 * step);
        FloatVector d4 = FloatVector.fromArray(S, src, off + 4 * step), d5 = FloatVector.fromArray(S, src, off + 5 * step);
        d0.mul(4f).add(d4.sub(d2.mul(5f))).intoArray(dst, dOff);
        FloatVector a = d4.sub(d2.mul(4f)), b = d3.sub(d1.mul(4f));
        a.add(b).intoArray(dst, dOff + dStep);
        a.sub(b).intoArray(dst, dOff + 2 * dStep);
        a = d4.sub(d2);
        b = d3.sub(d1).mul(2f);
        a.add(b).intoArray(dst, dOff + 3 * dStep);
        a.sub(b).intoArray(dst, dOff + 4 * dStep);
        d1.mul(4f).add(d5.sub(d3.mul(5f))).intoArray(dst, dOff + 5 * dStep);
    }

    /**
     * Y = Aᵀ M A of one tile for L output channels, M's element ξ = 6i + j at m[at + ξ·step]: output
     * (r, c) to acc[pos[4r + c] + o]. stage holds 24·L floats.
     */
    static void untransform(float[] m, int at, int step, float[] stage, float[] acc, int[] pos, int o) {
        for (int i = 0; i < 6; i++) {
            int s = 4 * i * L;
            at(m, at + 6 * i * step, step, stage, s, s + L, s + 2 * L, s + 3 * L);
        }
        for (int c = 0; c < 4; c++) at(stage, c * L, 4 * L, acc, pos[c] + o, pos[4 + c] + o, pos[8 + c] + o, pos[12 + c] + o);
    }

    /** (Aᵀ m)_r to dst[p_r] for m_k = src[off + k·step], six vectors in, four out. */
    private static void at(float[] src, int off, int step, float[] dst, int p0, int p1, int p2, int p3) {
        FloatVector m0 = FloatVector.fromArray(S, src, off), m1 = FloatVector.fromArray(S, src, off + step);
        FloatVector m2 = FloatVector.fromArray(S, src, off + 2 * step), m3 = FloatVector.fromArray(S, src, off + 3 * step);
        FloatVector m4 = FloatVector.fromArray(S, src, off + 4 * step), m5 = FloatVector.fromArray(S, src, off + 5 * step);
        FloatVector s12 = m1.add(m2), d12 = m1.sub(m2), s34 = m3.add(m4), d34 = m3.sub(m4);
        m0.add(s12).add(s34).intoArray(dst, p0);
        d12.add(d34.mul(2f)).intoArray(dst, p1);
        s12.add(s34.mul(4f)).intoArray(dst, p2);
        d12.add(d34.mul(8f)).add(m5).intoArray(dst, p3);
    }

    /**
     * U = G g Gᵀ of every (input, output) channel pair ({@link WinogradWeights#G4}):
     * dst[(ξ·inC + c)·outC + o], ξ = 6i + j; {@code taps} is scratch of {@link WinogradWeights#tapsSize}(inC·outC).
     */
    static void transformWeights(ConvGeometry g, float[] w, int wOff, float[] taps, float[] dst) {
        int in = g.inC(), out = g.outC(), pairs = in * out;
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < in; c++) {
                for (int k = 0, src = wOff + (o * in + c) * 9; k < 9; k++) taps[WinogradWeights.tap(c * out + o, k)] = w[src + k];
            }
        }
        WinogradWeights.transform(WinogradWeights.G4, taps, 0, pairs, dst);
    }
}
