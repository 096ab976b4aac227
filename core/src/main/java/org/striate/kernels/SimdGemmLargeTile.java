package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SimdGemm}'s micro-kernel for machines with 32 vector registers (AVX-512, AArch64): a tile of 8
 * rows × 3 vectors, 24 accumulators beside 3 vectors of B and a broadcast. Machines with 16 registers
 * take {@link SimdGemmSmallTile} instead.
 */
final class SimdGemmLargeTile {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    static final int MR = 8;
    static final int NR = 3 * L;

    private SimdGemmLargeTile() {}

    /** One MR×NR tile: C = A-panel · B-panel + beta·C for the rows×cols that exist. */
    static void tile(int kc, float[] ap, int ai, float[] bp, int[] bRows, int rowsOff, int col0,
                     float[] c, int ci, int ldc, int rows, int cols, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S), c62 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S), c72 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ai += MR) {
            int bi = bRows[rowsOff + p] + col0;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 1 * L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector x = FloatVector.broadcast(S, ap[ai + 0]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
            x = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42);
            x = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52);
            x = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61); c62 = x.fma(b2, c62);
            x = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71); c72 = x.fma(b2, c72);
        }
        // Only the common case, a whole tile stored over C, is written out here. A tile that adds beta·C
        // or is cut short goes through the spill buffer to storeSpilled (24 stores and loads more against
        // the kc × 24 FMAs above), which keeps this method's compilation small: a slow run's JFR showed a
        // compilation of it that left fma to its allocating Java fallback (see BENCHMARKS.md).
        if (rows == MR && cols == NR && beta == 0) {
            c00.intoArray(c, ci + 0 * ldc + 0 * L); c01.intoArray(c, ci + 0 * ldc + 1 * L); c02.intoArray(c, ci + 0 * ldc + 2 * L);
            c10.intoArray(c, ci + 1 * ldc + 0 * L); c11.intoArray(c, ci + 1 * ldc + 1 * L); c12.intoArray(c, ci + 1 * ldc + 2 * L);
            c20.intoArray(c, ci + 2 * ldc + 0 * L); c21.intoArray(c, ci + 2 * ldc + 1 * L); c22.intoArray(c, ci + 2 * ldc + 2 * L);
            c30.intoArray(c, ci + 3 * ldc + 0 * L); c31.intoArray(c, ci + 3 * ldc + 1 * L); c32.intoArray(c, ci + 3 * ldc + 2 * L);
            c40.intoArray(c, ci + 4 * ldc + 0 * L); c41.intoArray(c, ci + 4 * ldc + 1 * L); c42.intoArray(c, ci + 4 * ldc + 2 * L);
            c50.intoArray(c, ci + 5 * ldc + 0 * L); c51.intoArray(c, ci + 5 * ldc + 1 * L); c52.intoArray(c, ci + 5 * ldc + 2 * L);
            c60.intoArray(c, ci + 6 * ldc + 0 * L); c61.intoArray(c, ci + 6 * ldc + 1 * L); c62.intoArray(c, ci + 6 * ldc + 2 * L);
            c70.intoArray(c, ci + 7 * ldc + 0 * L); c71.intoArray(c, ci + 7 * ldc + 1 * L); c72.intoArray(c, ci + 7 * ldc + 2 * L);
            return;
        }
        c00.intoArray(tile, 0 * NR + 0 * L); c01.intoArray(tile, 0 * NR + 1 * L); c02.intoArray(tile, 0 * NR + 2 * L);
        c10.intoArray(tile, 1 * NR + 0 * L); c11.intoArray(tile, 1 * NR + 1 * L); c12.intoArray(tile, 1 * NR + 2 * L);
        c20.intoArray(tile, 2 * NR + 0 * L); c21.intoArray(tile, 2 * NR + 1 * L); c22.intoArray(tile, 2 * NR + 2 * L);
        c30.intoArray(tile, 3 * NR + 0 * L); c31.intoArray(tile, 3 * NR + 1 * L); c32.intoArray(tile, 3 * NR + 2 * L);
        c40.intoArray(tile, 4 * NR + 0 * L); c41.intoArray(tile, 4 * NR + 1 * L); c42.intoArray(tile, 4 * NR + 2 * L);
        c50.intoArray(tile, 5 * NR + 0 * L); c51.intoArray(tile, 5 * NR + 1 * L); c52.intoArray(tile, 5 * NR + 2 * L);
        c60.intoArray(tile, 6 * NR + 0 * L); c61.intoArray(tile, 6 * NR + 1 * L); c62.intoArray(tile, 6 * NR + 2 * L);
        c70.intoArray(tile, 7 * NR + 0 * L); c71.intoArray(tile, 7 * NR + 1 * L); c72.intoArray(tile, 7 * NR + 2 * L);
        storeSpilled(tile, c, ci, ldc, rows, cols, beta);
    }

    /**
     * The rows × cols that exist of a tile spilled to {@code tile} (rows NR apart) into C, plus beta·C:
     * whole vectors under a mask (all lanes set for a whole tile that adds beta·C). A value at a time, a
     * product of few columns (Winograd's chunks of 98 or 140 tiles end in a panel of 2 or 44) spent as
     * long storing that panel as computing it.
     */
    private static void storeSpilled(float[] tile, float[] c, int ci, int ldc, int rows, int cols, float beta) {
        for (int j = 0; j < cols; j += L) {
            VectorMask<Float> in = S.indexInRange(j, cols);
            for (int i = 0; i < rows; i++) {
                FloatVector v = FloatVector.fromArray(S, tile, i * NR + j);
                int at = ci + i * ldc + j;
                if (beta != 0) v = v.add(FloatVector.fromArray(S, c, at, in).mul(beta));
                v.intoArray(c, at, in);
            }
        }
    }

    /**
     * A tile one vector wide, for a last panel of at most L columns (a chunk of 98 tiles ends in one of
     * 2): the full tile would spend three times the FMAs on columns that are not there.
     */
    static void column(int kc, float[] ap, int ai, float[] bp, int[] bRows, int rowsOff, int col0,
                       float[] c, int ci, int ldc, int rows, int cols, float beta, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S), c5 = FloatVector.zero(S), c6 = FloatVector.zero(S), c7 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ai += MR) {
            FloatVector b = FloatVector.fromArray(S, bp, bRows[rowsOff + p] + col0);
            c0 = b.fma(FloatVector.broadcast(S, ap[ai]), c0);
            c1 = b.fma(FloatVector.broadcast(S, ap[ai + 1]), c1);
            c2 = b.fma(FloatVector.broadcast(S, ap[ai + 2]), c2);
            c3 = b.fma(FloatVector.broadcast(S, ap[ai + 3]), c3);
            c4 = b.fma(FloatVector.broadcast(S, ap[ai + 4]), c4);
            c5 = b.fma(FloatVector.broadcast(S, ap[ai + 5]), c5);
            c6 = b.fma(FloatVector.broadcast(S, ap[ai + 6]), c6);
            c7 = b.fma(FloatVector.broadcast(S, ap[ai + 7]), c7);
        }
        c0.intoArray(tile, 0); c1.intoArray(tile, NR); c2.intoArray(tile, 2 * NR); c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR); c5.intoArray(tile, 5 * NR); c6.intoArray(tile, 6 * NR); c7.intoArray(tile, 7 * NR);
        storeSpilled(tile, c, ci, ldc, rows, cols, beta);
    }

    /** A tile two vectors wide, for a last panel of at most 2L columns (a chunk of 128 tiles ends in one of 32). */
    static void pair(int kc, float[] ap, int ai, float[] bp, int[] bRows, int rowsOff, int col0,
                     float[] c, int ci, int ldc, int rows, int cols, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S), c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ai += MR) {
            int bi = bRows[rowsOff + p] + col0;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L); c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L); c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L); c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + L); c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + L);
        storeSpilled(tile, c, ci, ldc, rows, cols, beta);
    }

    /**
     * A tile with a single row (a one-channel input's gradient, a batch of 1): the full kernel would
     * spend MR times the FMAs on zero rows.
     */
    static void row(int kc, float[] ap, int ai, float[] bp, int[] bRows, int rowsOff, int col0,
                    float[] c, int ci, int cols, float beta, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ai += MR) {
            int bi = bRows[rowsOff + p] + col0;
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c0 = x.fma(FloatVector.fromArray(S, bp, bi), c0);
            c1 = x.fma(FloatVector.fromArray(S, bp, bi + 1 * L), c1);
            c2 = x.fma(FloatVector.fromArray(S, bp, bi + 2 * L), c2);
        }
        c0.intoArray(tile, 0 * L);
        c1.intoArray(tile, 1 * L);
        c2.intoArray(tile, 2 * L);
        storeSpilled(tile, c, ci, 0, 1, cols, beta);
    }
}
