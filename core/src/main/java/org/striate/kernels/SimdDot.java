package org.striate.kernels;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * C[i][j] += Σ_p A[i][p]·B[j][p] with both operands contiguous along p: blocks of 4×3 dot products
 * (4×2 on 16-register machines, {@link SimdDotSmallBlock}) share their vector loads, nothing is packed. A convolution's weight gradient with few filters or
 * few taps is this shape, and so is a dense layer's forward pass (x · wᵀ, weights new every step):
 * the packing a GEMM needs would cost more than the products.
 */
final class SimdDot {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();

    private SimdDot() {}

    /**
     * c[cOff + i·ldc + j] += dot(a row i, b row j) for i < m, j0 ≤ j < j1; row i of A starts at
     * aOff + i·lda, row j of B at bRows[j]; rows are k long.
     */
    static void accumulate(int m, int j0, int j1, int k, float[] a, int aOff, int lda, float[] b, int[] bRows,
                           float[] c, int cOff, int ldc) {
        // the lanes block4x3 spills, then a 4 × 3 block of products for units left over (PART)
        float[] tile = Scratch.get().tile(PART + 12);
        // units outer, rows inner: a block's B rows stay in L1 while A's rows stream past from L2, so
        // B is read from memory once. Rows outer read all of B once per 4 rows: fashion-cnn's 3136 →
        // 128 dense layer (B 1.6 MB, past L2) at 32 rows, one thread of an AVX-512 EPYC, medians of
        // 400 calls taking turns, 346 → 285 µs; 64 rows 791 → 750 µs. The same products either way.
        int rows4 = m / 4 * 4, j = j0;
        if (SimdGemm.LARGE_TILE) {
            for (; j + 3 <= j1; j += 3) {
                for (int i = 0; i < rows4; i += 4) {
                    block4x3(k, a, aOff + i * lda, lda, b, bRows[j], bRows[j + 1], bRows[j + 2], c, cOff + i * ldc + j, ldc, tile);
                }
            }
        } else {
            for (; j + 2 <= j1; j += 2) {
                for (int i = 0; i < rows4; i += 4) {
                    SimdDotSmallBlock.block4x2(k, a, aOff + i * lda, lda, b, bRows[j], bRows[j + 1], c, cOff + i * ldc + j, ldc, tile);
                }
            }
        }
        // the units left over (one or two) go through the same block, its missing units reading the
        // last one again into a block of its own: a method called only for them ran a few times a step,
        // so C2 compiled it late and its vector operations allocated in the meantime (resnet18's 1000
        // units, 152 KB a training step after the bench's warm-up)
        if (j < j1) {
            int left = j1 - j, b1 = bRows[Math.min(j + 1, j1 - 1)], b2 = bRows[j1 - 1];
            for (int i = 0; i < rows4; i += 4) {
                Arrays.fill(tile, PART, PART + 12, 0f);
                if (SimdGemm.LARGE_TILE) block4x3(k, a, aOff + i * lda, lda, b, bRows[j], b1, b2, tile, PART, 3, tile);
                else SimdDotSmallBlock.block4x2(k, a, aOff + i * lda, lda, b, bRows[j], b1, tile, PART, 3, tile);
                for (int r = 0; r < 4; r++) {
                    for (int q = 0; q < left; q++) c[cOff + (i + r) * ldc + j + q] += tile[PART + 3 * r + q];
                }
            }
        }
        // the rows left (all of them at batch 1): four B rows per pass over the A row, so each load
        // of A serves four products and eight sums are in flight instead of two; units left over as above
        for (int i = rows4; i < m; i++) {
            int q = j0;
            for (; q + 4 <= j1; q += 4) {
                row1x4(k, a, aOff + i * lda, b, bRows[q], bRows[q + 1], bRows[q + 2], bRows[q + 3], c, cOff + i * ldc + q, tile);
            }
            if (q < j1) {
                int last = bRows[j1 - 1];
                Arrays.fill(tile, PART, PART + 4, 0f);
                row1x4(k, a, aOff + i * lda, b, bRows[q], q + 1 < j1 ? bRows[q + 1] : last, q + 2 < j1 ? bRows[q + 2] : last, last, tile, PART, tile);
                for (int u = q; u < j1; u++) c[cOff + i * ldc + u] += tile[PART + u - q];
            }
        }
    }

    /** Where {@link #accumulate}'s tile buffer holds a block of products for units left over: past the spilled lanes. */
    private static final int PART = 12 * L;

    /** c[c0 + q] += dot(A row at a0, B row at b_q) for q < 4; two sums per product, added lane by lane at the end. */
    private static void row1x4(int k, float[] a, int a0, float[] b, int b0, int b1, int b2, int b3, float[] c, int c0,
                               float[] tile) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        FloatVector t0 = FloatVector.zero(S), t1 = FloatVector.zero(S), t2 = FloatVector.zero(S), t3 = FloatVector.zero(S);
        int p = 0;
        for (int bound = k - 2 * L; p <= bound; p += 2 * L) {
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s0 = x.fma(FloatVector.fromArray(S, b, b0 + p), s0);
            s1 = x.fma(FloatVector.fromArray(S, b, b1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(S, b, b2 + p), s2);
            s3 = x.fma(FloatVector.fromArray(S, b, b3 + p), s3);
            x = FloatVector.fromArray(S, a, a0 + p + L);
            t0 = x.fma(FloatVector.fromArray(S, b, b0 + p + L), t0);
            t1 = x.fma(FloatVector.fromArray(S, b, b1 + p + L), t1);
            t2 = x.fma(FloatVector.fromArray(S, b, b2 + p + L), t2);
            t3 = x.fma(FloatVector.fromArray(S, b, b3 + p + L), t3);
        }
        if (p + L <= k) {
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s0 = x.fma(FloatVector.fromArray(S, b, b0 + p), s0);
            s1 = x.fma(FloatVector.fromArray(S, b, b1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(S, b, b2 + p), s2);
            s3 = x.fma(FloatVector.fromArray(S, b, b3 + p), s3);
            p += L;
        }
        float r0 = 0, r1 = 0, r2 = 0, r3 = 0;
        for (; p < k; p++) {
            float x = a[a0 + p];
            r0 += x * b[b0 + p]; r1 += x * b[b1 + p]; r2 += x * b[b2 + p]; r3 += x * b[b3 + p];
        }
        s0.add(t0).intoArray(tile, 0); s1.add(t1).intoArray(tile, L);
        s2.add(t2).intoArray(tile, 2 * L); s3.add(t3).intoArray(tile, 3 * L);
        c[c0] += laneSum(tile, 0) + r0;
        c[c0 + 1] += laneSum(tile, 1) + r1;
        c[c0 + 2] += laneSum(tile, 2) + r2;
        c[c0 + 3] += laneSum(tile, 3) + r3;
    }

    /**
     * Like {@link #accumulate} for rows whose length k is a multiple of L, but without summing lanes:
     * lanes[(lOff + i·ldl + j)·L + l] += lane l of the products of A row i and B row j (j0 ≤ j < j1).
     * A weight gradient sums over many samples; its lanes are added up once at the end
     * ({@link #foldLanes}), in a fixed order, instead of once per sample.
     */
    static void accumulateLanes(int m, int j0, int j1, int k, float[] a, int aOff, int lda, float[] b, int[] bRows,
                                float[] lanes, int lOff, int ldl) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = j0;
            if (SimdGemm.LARGE_TILE) {
                for (; j + 3 <= j1; j += 3) {
                    lanes4x3(k, a, aOff + i * lda, lda, b, bRows[j], bRows[j + 1], bRows[j + 2], lanes, (lOff + i * ldl + j) * L, ldl * L);
                }
            } else {
                for (; j + 2 <= j1; j += 2) {
                    SimdDotSmallBlock.lanes4x2(k, a, aOff + i * lda, lda, b, bRows[j], bRows[j + 1], lanes, (lOff + i * ldl + j) * L, ldl * L);
                }
            }
            for (; j < j1; j++) {
                for (int q = 0; q < 4; q++) lanes1x1(k, a, aOff + (i + q) * lda, b, bRows[j], lanes, (lOff + (i + q) * ldl + j) * L);
            }
        }
        for (; i < m; i++) {
            for (int j = j0; j < j1; j++) lanes1x1(k, a, aOff + i * lda, b, bRows[j], lanes, (lOff + i * ldl + j) * L);
        }
    }

    private static void lanes1x1(int k, float[] a, int ai, float[] b, int bi, float[] lanes, int at) {
        FloatVector acc = FloatVector.fromArray(S, lanes, at);
        for (int p = 0; p < k; p += L) acc = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bi + p), acc);
        acc.intoArray(lanes, at);
    }

    private static void lanes4x3(int k, float[] a, int a0, int lda, float[] b, int b0, int b1, int b2, float[] lanes, int at, int ld) {
        FloatVector s00 = FloatVector.fromArray(S, lanes, at), s01 = FloatVector.fromArray(S, lanes, at + L);
        FloatVector s02 = FloatVector.fromArray(S, lanes, at + 2 * L);
        FloatVector s10 = FloatVector.fromArray(S, lanes, at + ld), s11 = FloatVector.fromArray(S, lanes, at + ld + L);
        FloatVector s12 = FloatVector.fromArray(S, lanes, at + ld + 2 * L);
        FloatVector s20 = FloatVector.fromArray(S, lanes, at + 2 * ld), s21 = FloatVector.fromArray(S, lanes, at + 2 * ld + L);
        FloatVector s22 = FloatVector.fromArray(S, lanes, at + 2 * ld + 2 * L);
        FloatVector s30 = FloatVector.fromArray(S, lanes, at + 3 * ld), s31 = FloatVector.fromArray(S, lanes, at + 3 * ld + L);
        FloatVector s32 = FloatVector.fromArray(S, lanes, at + 3 * ld + 2 * L);
        for (int p = 0; p < k; p += L) {
            FloatVector v0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector v1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector v2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s00 = x.fma(v0, s00); s01 = x.fma(v1, s01); s02 = x.fma(v2, s02);
            x = FloatVector.fromArray(S, a, a0 + lda + p);
            s10 = x.fma(v0, s10); s11 = x.fma(v1, s11); s12 = x.fma(v2, s12);
            x = FloatVector.fromArray(S, a, a0 + 2 * lda + p);
            s20 = x.fma(v0, s20); s21 = x.fma(v1, s21); s22 = x.fma(v2, s22);
            x = FloatVector.fromArray(S, a, a0 + 3 * lda + p);
            s30 = x.fma(v0, s30); s31 = x.fma(v1, s31); s32 = x.fma(v2, s32);
        }
        s00.intoArray(lanes, at); s01.intoArray(lanes, at + L); s02.intoArray(lanes, at + 2 * L);
        s10.intoArray(lanes, at + ld); s11.intoArray(lanes, at + ld + L); s12.intoArray(lanes, at + ld + 2 * L);
        s20.intoArray(lanes, at + 2 * ld); s21.intoArray(lanes, at + 2 * ld + L); s22.intoArray(lanes, at + 2 * ld + 2 * L);
        s30.intoArray(lanes, at + 3 * ld); s31.intoArray(lanes, at + 3 * ld + L); s32.intoArray(lanes, at + 3 * ld + 2 * L);
    }

    /** dst[dOff + t] += Σ_l lanes[t·L + l], lanes summed in order, for t < count. */
    static void foldLanes(float[] lanes, int count, float[] dst, int dOff) {
        for (int t = 0; t < count; t++) {
            float sum = 0;
            for (int l = 0; l < L; l++) sum += lanes[t * L + l];
            dst[dOff + t] += sum;
        }
    }

    private static void block4x3(int k, float[] a, int a0, int lda, float[] b, int b0, int b1, int b2, float[] c, int c0, int ldc,
                                 float[] tile) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S), s22 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S), s32 = FloatVector.zero(S);
        int p = 0;
        for (int bound = k - L; p <= bound; p += L) {
            FloatVector v0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector v1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector v2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s00 = x.fma(v0, s00); s01 = x.fma(v1, s01); s02 = x.fma(v2, s02);
            x = FloatVector.fromArray(S, a, a0 + lda + p);
            s10 = x.fma(v0, s10); s11 = x.fma(v1, s11); s12 = x.fma(v2, s12);
            x = FloatVector.fromArray(S, a, a0 + 2 * lda + p);
            s20 = x.fma(v0, s20); s21 = x.fma(v1, s21); s22 = x.fma(v2, s22);
            x = FloatVector.fromArray(S, a, a0 + 3 * lda + p);
            s30 = x.fma(v0, s30); s31 = x.fma(v1, s31); s32 = x.fma(v2, s32);
        }
        float t00 = 0, t01 = 0, t02 = 0, t10 = 0, t11 = 0, t12 = 0, t20 = 0, t21 = 0, t22 = 0, t30 = 0, t31 = 0, t32 = 0;
        for (; p < k; p++) {
            float x0 = a[a0 + p], x1 = a[a0 + lda + p], x2 = a[a0 + 2 * lda + p], x3 = a[a0 + 3 * lda + p];
            float y0 = b[b0 + p], y1 = b[b1 + p], y2 = b[b2 + p];
            t00 += x0 * y0; t01 += x0 * y1; t02 += x0 * y2;
            t10 += x1 * y0; t11 += x1 * y1; t12 += x1 * y2;
            t20 += x2 * y0; t21 += x2 * y1; t22 += x2 * y2;
            t30 += x3 * y0; t31 += x3 * y1; t32 += x3 * y2;
        }
        // lanes summed in one fixed order (reduceLanes may change its order when compiled)
        s00.intoArray(tile, 0); s01.intoArray(tile, L); s02.intoArray(tile, 2 * L);
        s10.intoArray(tile, 3 * L); s11.intoArray(tile, 4 * L); s12.intoArray(tile, 5 * L);
        s20.intoArray(tile, 6 * L); s21.intoArray(tile, 7 * L); s22.intoArray(tile, 8 * L);
        s30.intoArray(tile, 9 * L); s31.intoArray(tile, 10 * L); s32.intoArray(tile, 11 * L);
        c[c0] += laneSum(tile, 0) + t00;
        c[c0 + 1] += laneSum(tile, 1) + t01;
        c[c0 + 2] += laneSum(tile, 2) + t02;
        c[c0 + ldc] += laneSum(tile, 3) + t10;
        c[c0 + ldc + 1] += laneSum(tile, 4) + t11;
        c[c0 + ldc + 2] += laneSum(tile, 5) + t12;
        c[c0 + 2 * ldc] += laneSum(tile, 6) + t20;
        c[c0 + 2 * ldc + 1] += laneSum(tile, 7) + t21;
        c[c0 + 2 * ldc + 2] += laneSum(tile, 8) + t22;
        c[c0 + 3 * ldc] += laneSum(tile, 9) + t30;
        c[c0 + 3 * ldc + 1] += laneSum(tile, 10) + t31;
        c[c0 + 3 * ldc + 2] += laneSum(tile, 11) + t32;
    }

    /** Lanes of vector q of the tile, summed in lane order. */
    static float laneSum(float[] tile, int q) {
        float sum = 0;
        for (int l = 0; l < L; l++) sum += tile[q * L + l];
        return sum;
    }
}
