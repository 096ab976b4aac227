package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SimdGemm}'s micro-kernel for machines with 16 vector registers (AVX2): a tile of 4 rows × 2
 * vectors, 8 accumulators beside 2 vectors of B and a broadcast. The 8 × 3 tile of the 32-register
 * machines needs 24 accumulators, more than there are registers; and C2 spilled even the 6 × 2 tile's
 * 12 (one tile alone from L1, one thread of an AVX2 EPYC: 8 × 3 and 6 × 2 about 43 GFLOP/s, 4 × 3 the
 * same, 4 × 2 about 95, the machine's FMA peak).
 */
final class SimdGemmSmallTile {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    static final int MR = 4;
    static final int NR = 2 * L;

    private SimdGemmSmallTile() {}

    /** One MR×NR tile: C = A-panel · B-panel + beta·C for the rows×cols that exist (as {@link SimdGemmLargeTile#tile}). */
    static void tile(int kc, float[] ap, int ai, float[] bp, int[] bRows, int rowsOff, int col0,
                     float[] c, int ci, int ldc, int rows, int cols, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ai += MR) {
            int bi = bRows[rowsOff + p] + col0;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
        }
        if (rows == MR && cols == NR) {
            // written out rather than a helper taking vectors: a call C2 does not inline boxes them
            if (beta != 0) {
                FloatVector bv = FloatVector.broadcast(S, beta);
                c00 = c00.add(FloatVector.fromArray(S, c, ci).mul(bv));
                c01 = c01.add(FloatVector.fromArray(S, c, ci + L).mul(bv));
                c10 = c10.add(FloatVector.fromArray(S, c, ci + ldc).mul(bv));
                c11 = c11.add(FloatVector.fromArray(S, c, ci + ldc + L).mul(bv));
                c20 = c20.add(FloatVector.fromArray(S, c, ci + 2 * ldc).mul(bv));
                c21 = c21.add(FloatVector.fromArray(S, c, ci + 2 * ldc + L).mul(bv));
                c30 = c30.add(FloatVector.fromArray(S, c, ci + 3 * ldc).mul(bv));
                c31 = c31.add(FloatVector.fromArray(S, c, ci + 3 * ldc + L).mul(bv));
            }
            c00.intoArray(c, ci); c01.intoArray(c, ci + L);
            c10.intoArray(c, ci + ldc); c11.intoArray(c, ci + ldc + L);
            c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L);
            c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L);
            return;
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        for (int i = 0; i < rows; i++) {
            int row = ci + i * ldc;
            for (int j = 0; j < cols; j++) {
                float v = tile[i * NR + j];
                c[row + j] = beta == 0 ? v : v + beta * c[row + j];
            }
        }
    }

    /**
     * A whole MR×NR tile whose rows of B lie evenly spaced, ldb apart from bi: {@link #tile} without its
     * table of row starts. Loads at a multiple of the loop's counter let C2 check their bounds once
     * per loop instead of once per row: one thread of an AVX2 EPYC, Winograd's 16 products of a chunk
     * of 144 tiles (its transformed inputs in L2), 32 × 32 channels 60–63 against 68–71 GFLOP/s, 64 × 64
     * 71 against 81–83.
     */
    static void strided(int kc, float[] ap, int ai, float[] bp, int bi, int ldb, float[] c, int ci, int ldc, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ai += MR, bi += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
        }
        // the whole-tile store of {@link #tile}, written out again for the same reason
        if (beta != 0) {
            FloatVector bv = FloatVector.broadcast(S, beta);
            c00 = c00.add(FloatVector.fromArray(S, c, ci).mul(bv));
            c01 = c01.add(FloatVector.fromArray(S, c, ci + L).mul(bv));
            c10 = c10.add(FloatVector.fromArray(S, c, ci + ldc).mul(bv));
            c11 = c11.add(FloatVector.fromArray(S, c, ci + ldc + L).mul(bv));
            c20 = c20.add(FloatVector.fromArray(S, c, ci + 2 * ldc).mul(bv));
            c21 = c21.add(FloatVector.fromArray(S, c, ci + 2 * ldc + L).mul(bv));
            c30 = c30.add(FloatVector.fromArray(S, c, ci + 3 * ldc).mul(bv));
            c31 = c31.add(FloatVector.fromArray(S, c, ci + 3 * ldc + L).mul(bv));
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + ldc); c11.intoArray(c, ci + ldc + L);
        c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L);
    }

    /** A tile with a single row: the full tile would spend MR times the FMAs on zero rows. */
    static void row(int kc, float[] ap, int ai, float[] bp, int[] bRows, int rowsOff, int col0,
                    float[] c, int ci, int cols, float beta, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ai += MR) {
            int bi = bRows[rowsOff + p] + col0;
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c0 = x.fma(FloatVector.fromArray(S, bp, bi), c0);
            c1 = x.fma(FloatVector.fromArray(S, bp, bi + L), c1);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
        for (int j = 0; j < cols; j++) c[ci + j] = beta == 0 ? tile[j] : tile[j] + beta * c[ci + j];
    }
}
