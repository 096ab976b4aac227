package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The channel-lane forward tile for machines with 16 vector registers (AVX2): 4 output positions ×
 * 2 vectors of output channels, 8 accumulators, beside 2 weight vectors and a broadcast input. The
 * 6 × 4 tile of {@link ChannelLaneTiles} needs 24 accumulators; with 16 registers C2 keeps most of them
 * on the stack, as it does for the GEMM's large tile ({@link SimdGemmSmallTile} says why 4 × 2).
 * Same contract as {@link ChannelLaneTiles#forward6x4}: taps [from, to) of positions p0 … p0 + 3
 * into acc (positions, ld) at channels c0 …, the first block starting from zero.
 */
final class ChannelLaneSmallTile {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();

    private ChannelLaneSmallTile() {}

    static void forward4x2(int from, int to, float[] xp, int[] rows, int[] at, int p0, float[] wt, int ld, int c0,
            float[] acc) {
        int a0 = at[p0], a1 = at[p0 + 1], a2 = at[p0 + 2], a3 = at[p0 + 3];
        int r0 = p0 * ld + c0, r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (from == 0) {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(S);
        } else {
            c00 = FloatVector.fromArray(S, acc, r0); c01 = FloatVector.fromArray(S, acc, r0 + L);
            c10 = FloatVector.fromArray(S, acc, r1); c11 = FloatVector.fromArray(S, acc, r1 + L);
            c20 = FloatVector.fromArray(S, acc, r2); c21 = FloatVector.fromArray(S, acc, r2 + L);
            c30 = FloatVector.fromArray(S, acc, r3); c31 = FloatVector.fromArray(S, acc, r3 + L);
        }
        FloatVector w0, w1, v;
        for (int t = from; t < to; t++) {
            int r = rows[t], wi = t * ld + c0;
            w0 = FloatVector.fromArray(S, wt, wi); w1 = FloatVector.fromArray(S, wt, wi + L);
            v = FloatVector.broadcast(S, xp[r + a0]); c00 = v.fma(w0, c00); c01 = v.fma(w1, c01);
            v = FloatVector.broadcast(S, xp[r + a1]); c10 = v.fma(w0, c10); c11 = v.fma(w1, c11);
            v = FloatVector.broadcast(S, xp[r + a2]); c20 = v.fma(w0, c20); c21 = v.fma(w1, c21);
            v = FloatVector.broadcast(S, xp[r + a3]); c30 = v.fma(w0, c30); c31 = v.fma(w1, c31);
        }
        c00.intoArray(acc, r0); c01.intoArray(acc, r0 + L);
        c10.intoArray(acc, r1); c11.intoArray(acc, r1 + L);
        c20.intoArray(acc, r2); c21.intoArray(acc, r2 + L);
        c30.intoArray(acc, r3); c31.intoArray(acc, r3 + L);
    }

    /** {@link #forward4x2} for taps in kernel rows of three neighbouring inputs: C2 checks their bounds once. */
    static void forward4x2Rows3(int from, int to, float[] xp, int[] rows, int[] at, int p0, float[] wt, int ld, int c0,
            float[] acc) {
        int a0 = at[p0], a1 = at[p0 + 1], a2 = at[p0 + 2], a3 = at[p0 + 3];
        int r0 = p0 * ld + c0, r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (from == 0) {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(S);
        } else {
            c00 = FloatVector.fromArray(S, acc, r0); c01 = FloatVector.fromArray(S, acc, r0 + L);
            c10 = FloatVector.fromArray(S, acc, r1); c11 = FloatVector.fromArray(S, acc, r1 + L);
            c20 = FloatVector.fromArray(S, acc, r2); c21 = FloatVector.fromArray(S, acc, r2 + L);
            c30 = FloatVector.fromArray(S, acc, r3); c31 = FloatVector.fromArray(S, acc, r3 + L);
        }
        FloatVector w0, w1, v;
        for (int t = from; t < to; t += 3) {
            int r = rows[t], wi = t * ld + c0;
            w0 = FloatVector.fromArray(S, wt, wi); w1 = FloatVector.fromArray(S, wt, wi + L);
            v = FloatVector.broadcast(S, xp[r + a0]); c00 = v.fma(w0, c00); c01 = v.fma(w1, c01);
            v = FloatVector.broadcast(S, xp[r + a1]); c10 = v.fma(w0, c10); c11 = v.fma(w1, c11);
            v = FloatVector.broadcast(S, xp[r + a2]); c20 = v.fma(w0, c20); c21 = v.fma(w1, c21);
            v = FloatVector.broadcast(S, xp[r + a3]); c30 = v.fma(w0, c30); c31 = v.fma(w1, c31);
            w0 = FloatVector.fromArray(S, wt, wi + ld); w1 = FloatVector.fromArray(S, wt, wi + ld + L);
            v = FloatVector.broadcast(S, xp[r + a0 + 1]); c00 = v.fma(w0, c00); c01 = v.fma(w1, c01);
            v = FloatVector.broadcast(S, xp[r + a1 + 1]); c10 = v.fma(w0, c10); c11 = v.fma(w1, c11);
            v = FloatVector.broadcast(S, xp[r + a2 + 1]); c20 = v.fma(w0, c20); c21 = v.fma(w1, c21);
            v = FloatVector.broadcast(S, xp[r + a3 + 1]); c30 = v.fma(w0, c30); c31 = v.fma(w1, c31);
            w0 = FloatVector.fromArray(S, wt, wi + 2 * ld); w1 = FloatVector.fromArray(S, wt, wi + 2 * ld + L);
            v = FloatVector.broadcast(S, xp[r + a0 + 2]); c00 = v.fma(w0, c00); c01 = v.fma(w1, c01);
            v = FloatVector.broadcast(S, xp[r + a1 + 2]); c10 = v.fma(w0, c10); c11 = v.fma(w1, c11);
            v = FloatVector.broadcast(S, xp[r + a2 + 2]); c20 = v.fma(w0, c20); c21 = v.fma(w1, c21);
            v = FloatVector.broadcast(S, xp[r + a3 + 2]); c30 = v.fma(w0, c30); c31 = v.fma(w1, c31);
        }
        c00.intoArray(acc, r0); c01.intoArray(acc, r0 + L);
        c10.intoArray(acc, r1); c11.intoArray(acc, r1 + L);
        c20.intoArray(acc, r2); c21.intoArray(acc, r2 + L);
        c30.intoArray(acc, r3); c31.intoArray(acc, r3 + L);
    }
}
