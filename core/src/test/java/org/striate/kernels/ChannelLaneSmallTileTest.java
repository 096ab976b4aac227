package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The 16-register channel-lane tile against a plain loop, whatever tile this machine's convolutions
 * use: taps read through a table of rows, positions through a table of starts, a first block that
 * starts from zero and later blocks that add to what is there, and taps in threes of neighbours.
 */
class ChannelLaneSmallTileTest {
    private static final int L = SimdGemm.S.length();

    @BeforeAll
    static void needsVectors() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
    }

    @Test
    void tilesEqualALoopOnRandomShapes() {
        Random r = new Random(21);
        for (int t = 0; t < 1200; t++) {
            boolean threes = t % 2 == 0;
            int k = threes ? 3 * (1 + r.nextInt(t % 7 == 0 ? 120 : 13)) : 1 + r.nextInt(t % 7 == 0 ? 300 : 41);
            int from = r.nextInt(3) == 0 ? 0 : (threes ? 3 * r.nextInt(k / 3 + 1) : r.nextInt(k + 1));
            int positions = 4 + r.nextInt(9), p0 = r.nextInt(positions - 3);
            int c0 = L * r.nextInt(3), ld = c0 + 2 * L + r.nextInt(2) * L + r.nextInt(3);
            int rowLength = 3 + r.nextInt(17), xpLength = k * rowLength + 64;
            float[] xp = random(r, xpLength), wt = random(r, k * ld + 2 * L);
            int[] rows = new int[k], at = new int[positions];
            for (int i = 0; i < k; i++) {
                // in threes, a tap's row is the one before it plus one (kernel rows of three neighbours)
                rows[i] = threes && i % 3 != 0 ? rows[i - 1] + 1 : r.nextInt(xpLength - 40);
            }
            for (int p = 0; p < positions; p++) at[p] = r.nextInt(30);
            float[] acc = random(r, positions * ld + 2 * L), expected = acc.clone();
            for (int p = p0; p < p0 + 4; p++) {
                for (int c = c0; c < c0 + 2 * L; c++) {
                    double sum = from == 0 ? 0 : acc[p * ld + c];
                    for (int tap = from; tap < k; tap++) sum += (double) xp[rows[tap] + at[p]] * wt[tap * ld + c];
                    expected[p * ld + c] = (float) sum;
                }
            }
            if (threes) ChannelLaneSmallTile.forward4x2Rows3(from, k, xp, rows, at, p0, wt, ld, c0, acc);
            else ChannelLaneSmallTile.forward4x2(from, k, xp, rows, at, p0, wt, ld, c0, acc);
            for (int i = 0; i < acc.length; i++) {
                int p = i / ld, c = i % ld;
                boolean inside = p >= p0 && p < p0 + 4 && c >= c0 && c < c0 + 2 * L;
                // nothing outside the tile written; from == k leaves the sums as they were
                float tol = inside ? 1e-5f * (k + 1) : 0f;
                assertEquals(expected[i], acc[i], tol, "k " + k + " from " + from + " threes " + threes + " at " + p + "," + c);
            }
        }
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }
}
