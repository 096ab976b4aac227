package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SimdDot}'s blocks for machines with 16 vector registers (AVX2): 4 rows of A × 2 rows of B,
 * 8 sums beside 2 loads of B and one of A. The 4 × 3 blocks keep 12 sums and 4 loads, all 16
 * registers, and C2 then spills sums to the stack (as with the GEMM's tiles: {@link SimdGemmSmallTile}).
 */
final class SimdDotSmallBlock {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();

    private SimdDotSmallBlock() {}

    /** c[c0 + i·ldc + q] += dot(A row a0 + i·lda, B row b_q) for i < 4, q < 2; lanes summed in order, then the tail. */
    static void block4x2(int k, float[] a, int a0, int lda, float[] b, int b0, int b1, float[] c, int c0, int ldc, float[] tile) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S);
        int p = 0;
        for (int bound = k - L; p <= bound; p += L) {
            FloatVector v0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector v1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s00 = x.fma(v0, s00); s01 = x.fma(v1, s01);
            x = FloatVector.fromArray(S, a, a0 + lda + p);
            s10 = x.fma(v0, s10); s11 = x.fma(v1, s11);
            x = FloatVector.fromArray(S, a, a0 + 2 * lda + p);
            s20 = x.fma(v0, s20); s21 = x.fma(v1, s21);
            x = FloatVector.fromArray(S, a, a0 + 3 * lda + p);
            s30 = x.fma(v0, s30); s31 = x.fma(v1, s31);
        }
        float t00 = 0, t01 = 0, t10 = 0, t11 = 0, t20 = 0, t21 = 0, t30 = 0, t31 = 0;
        for (; p < k; p++) {
            float x0 = a[a0 + p], x1 = a[a0 + lda + p], x2 = a[a0 + 2 * lda + p], x3 = a[a0 + 3 * lda + p];
            float y0 = b[b0 + p], y1 = b[b1 + p];
            t00 += x0 * y0; t01 += x0 * y1;
            t10 += x1 * y0; t11 += x1 * y1;
            t20 += x2 * y0; t21 += x2 * y1;
            t30 += x3 * y0; t31 += x3 * y1;
        }
        // lanes summed in one fixed order (reduceLanes may change its order when compiled)
        s00.intoArray(tile, 0); s01.intoArray(tile, L);
        s10.intoArray(tile, 2 * L); s11.intoArray(tile, 3 * L);
        s20.intoArray(tile, 4 * L); s21.intoArray(tile, 5 * L);
        s30.intoArray(tile, 6 * L); s31.intoArray(tile, 7 * L);
        c[c0] += SimdDot.laneSum(tile, 0) + t00;
        c[c0 + 1] += SimdDot.laneSum(tile, 1) + t01;
        c[c0 + ldc] += SimdDot.laneSum(tile, 2) + t10;
        c[c0 + ldc + 1] += SimdDot.laneSum(tile, 3) + t11;
        c[c0 + 2 * ldc] += SimdDot.laneSum(tile, 4) + t20;
        c[c0 + 2 * ldc + 1] += SimdDot.laneSum(tile, 5) + t21;
        c[c0 + 3 * ldc] += SimdDot.laneSum(tile, 6) + t30;
        c[c0 + 3 * ldc + 1] += SimdDot.laneSum(tile, 7) + t31;
    }

    /** Like {@link SimdDot}'s 4 × 3 lanes block for 2 rows of B: lanes[at + i·ld + q·L + l] += lane l of the products. */
    static void lanes4x2(int k, float[] a, int a0, int lda, float[] b, int b0, int b1, float[] lanes, int at, int ld) {
        FloatVector s00 = FloatVector.fromArray(S, lanes, at), s01 = FloatVector.fromArray(S, lanes, at + L);
        FloatVector s10 = FloatVector.fromArray(S, lanes, at + ld), s11 = FloatVector.fromArray(S, lanes, at + ld + L);
        FloatVector s20 = FloatVector.fromArray(S, lanes, at + 2 * ld), s21 = FloatVector.fromArray(S, lanes, at + 2 * ld + L);
        FloatVector s30 = FloatVector.fromArray(S, lanes, at + 3 * ld), s31 = FloatVector.fromArray(S, lanes, at + 3 * ld + L);
        for (int p = 0; p < k; p += L) {
            FloatVector v0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector v1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s00 = x.fma(v0, s00); s01 = x.fma(v1, s01);
            x = FloatVector.fromArray(S, a, a0 + lda + p);
            s10 = x.fma(v0, s10); s11 = x.fma(v1, s11);
            x = FloatVector.fromArray(S, a, a0 + 2 * lda + p);
            s20 = x.fma(v0, s20); s21 = x.fma(v1, s21);
            x = FloatVector.fromArray(S, a, a0 + 3 * lda + p);
            s30 = x.fma(v0, s30); s31 = x.fma(v1, s31);
        }
        s00.intoArray(lanes, at); s01.intoArray(lanes, at + L);
        s10.intoArray(lanes, at + ld); s11.intoArray(lanes, at + ld + L);
        s20.intoArray(lanes, at + 2 * ld); s21.intoArray(lanes, at + 2 * ld + L);
        s30.intoArray(lanes, at + 3 * ld); s31.intoArray(lanes, at + 3 * ld + L);
    }
}
