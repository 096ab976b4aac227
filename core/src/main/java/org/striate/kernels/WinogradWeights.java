package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * U = G g Gᵀ of every channel pair's 3×3 kernel g, for both Winograd forms: F(2×2, 3×3)
 * ({@link WinogradConv}, G 4 × 3) and F(4×4, 3×3) ({@link Winograd4Conv}, G 6 × 3). The taps are
 * first laid out in blocks of L pairs ({@link #tap}; pairs in the order the caller's layout wants), so
 * that L pairs are transformed at once: a training step makes these again each time the weights
 * change, and one pair at a time 128 × 128 channels took 1.8 ms (F(4×4, 3×3)) and 0.82 ms (F(2×2,
 * 3×3), with its packing). Taps whole rows of pairs apart took 0.48 ms for F(4×4, 3×3): nine loads
 * 64 KB apart, which share L1's sets.
 */
final class WinogradWeights {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();

    /** F(2×2, 3×3)'s G. */
    static final float[][] G2 = {{1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};
    /** F(4×4, 3×3)'s G. */
    static final float[][] G4 = {
        {0.25f, 0, 0}, {-1 / 6f, -1 / 6f, -1 / 6f}, {-1 / 6f, 1 / 6f, -1 / 6f},
        {1 / 24f, 1 / 12f, 1 / 6f}, {1 / 24f, -1 / 12f, 1 / 6f}, {0, 0, 1}};

    private WinogradWeights() {}

    /** Where tap k of pair q goes among the taps: blocks of L pairs, each its 9 taps one vector after another. */
    static int tap(int q, int k) { return (q / L * 9 + k) * L + q % L; }

    /** Floats the taps of this many pairs take: whole blocks. */
    static int tapsSize(int pairs) { return (pairs + L - 1) / L * 9 * L; }

    /**
     * dst[ξ·pairs + q] = element ξ = n·i + j of G g Gᵀ (n = G's rows) for the kernel whose tap k is at
     * taps[at + {@link #tap}(q, k)]. dst and the taps may share an array when they do not overlap.
     */
    static void transform(float[][] gm, float[] taps, int at, int pairs, float[] dst) {
        int q = 0;
        for (; q + L <= pairs; q += L) vectors(gm, taps, at + tap(q, 0), dst, q, pairs);
        for (; q < pairs; q++) {
            int t = at + tap(q, 0);
            for (int i = 0; i < gm.length; i++) {
                float[] r = gm[i];
                float t0 = r[0] * taps[t] + r[1] * taps[t + 3 * L] + r[2] * taps[t + 6 * L];
                float t1 = r[0] * taps[t + L] + r[1] * taps[t + 4 * L] + r[2] * taps[t + 7 * L];
                float t2 = r[0] * taps[t + 2 * L] + r[1] * taps[t + 5 * L] + r[2] * taps[t + 8 * L];
                for (int j = 0; j < gm.length; j++) {
                    dst[(gm.length * i + j) * pairs + q] = gm[j][0] * t0 + gm[j][1] * t1 + gm[j][2] * t2;
                }
            }
        }
    }

    /** {@link #transform} for the L pairs from q (their block of taps at t), in vectors: the same operations in the same order as the tail. */
    private static void vectors(float[][] gm, float[] taps, int t, float[] dst, int q, int pairs) {
        FloatVector g0 = FloatVector.fromArray(S, taps, t), g1 = FloatVector.fromArray(S, taps, t + L);
        FloatVector g2 = FloatVector.fromArray(S, taps, t + 2 * L), g3 = FloatVector.fromArray(S, taps, t + 3 * L);
        FloatVector g4 = FloatVector.fromArray(S, taps, t + 4 * L), g5 = FloatVector.fromArray(S, taps, t + 5 * L);
        FloatVector g6 = FloatVector.fromArray(S, taps, t + 6 * L), g7 = FloatVector.fromArray(S, taps, t + 7 * L);
        FloatVector g8 = FloatVector.fromArray(S, taps, t + 8 * L);
        int n = gm.length;
        for (int i = 0; i < n; i++) {
            // row i of G g, then times each row of G
            float[] r = gm[i];
            FloatVector t0 = g0.mul(r[0]).add(g3.mul(r[1])).add(g6.mul(r[2]));
            FloatVector t1 = g1.mul(r[0]).add(g4.mul(r[1])).add(g7.mul(r[2]));
            FloatVector t2 = g2.mul(r[0]).add(g5.mul(r[1])).add(g8.mul(r[2]));
            for (int j = 0; j < n; j++) {
                t0.mul(gm[j][0]).add(t1.mul(gm[j][1])).add(t2.mul(gm[j][2])).intoArray(dst, (n * i + j) * pairs + q);
            }
        }
    }
}
