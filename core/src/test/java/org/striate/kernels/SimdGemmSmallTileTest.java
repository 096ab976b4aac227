package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The 16-register tile against a plain triple loop, whatever tile this machine's GEMM uses: rows of B
 * read in place through a table of starts or evenly spaced, part tiles, and C scaled by beta or overwritten.
 */
class SimdGemmSmallTileTest {

    @BeforeAll
    static void needsVectors() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
    }

    @Test
    void tilesEqualALoopOnRandomShapes() {
        Random r = new Random(12);
        int mr = SimdGemmSmallTile.MR, nr = SimdGemmSmallTile.NR;
        for (int t = 0; t < 1500; t++) {
            int kc = 1 + r.nextInt(t % 7 == 0 ? 400 : 37), rows = 2 + r.nextInt(mr - 1), cols = 1 + r.nextInt(nr);
            if (t % 5 == 0) { rows = mr; cols = nr; } // the whole-tile store
            int ldc = cols + r.nextInt(5), ldb = nr + r.nextInt(13), ci = r.nextInt(3), ai = r.nextInt(4), col0 = r.nextInt(3);
            float[] ap = random(r, ai + kc * mr), bp = random(r, kc * ldb + col0 + nr), c = random(r, ci + rows * ldc + nr);
            int[] bRows = new int[kc + 2];
            int rowsOff = r.nextInt(3);
            for (int p = 0; p < kc; p++) bRows[rowsOff + p] = p * ldb; // rows of B, ldb apart
            float beta = r.nextBoolean() ? 0f : 0.5f;
            float[] expected = c.clone();
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double sum = 0;
                    for (int p = 0; p < kc; p++) sum += (double) ap[ai + p * mr + i] * bp[p * ldb + col0 + j];
                    int at = ci + i * ldc + j;
                    expected[at] = (float) (sum + (beta == 0 ? 0 : beta * c[at]));
                }
            }
            if (rows == 1) SimdGemmSmallTile.row(kc, ap, ai, bp, bRows, rowsOff, col0, c, ci, cols, beta, new float[mr * nr]);
            else SimdGemmSmallTile.tile(kc, ap, ai, bp, bRows, rowsOff, col0, c, ci, ldc, rows, cols, beta, new float[mr * nr]);
            for (int i = 0; i < c.length; i++) {
                boolean inside = i >= ci && (i - ci) / ldc < rows && (i - ci) % ldc < cols;
                float tol = inside ? 1e-5f * kc : 0f; // nothing outside the rows × cols written
                assertEquals(expected[i], c[i], tol, "kc " + kc + " rows " + rows + " cols " + cols + " beta " + beta + " at " + i);
            }
        }
    }

    @Test
    void stridedTilesEqualALoopOnRandomShapes() {
        Random r = new Random(14);
        int mr = SimdGemmSmallTile.MR, nr = SimdGemmSmallTile.NR;
        for (int t = 0; t < 1000; t++) {
            int kc = 1 + r.nextInt(t % 7 == 0 ? 400 : 67), ldb = nr + r.nextInt(29), ldc = nr + r.nextInt(7);
            int ci = r.nextInt(3), ai = r.nextInt(4), bi = r.nextInt(5);
            float[] ap = random(r, ai + kc * mr), bp = random(r, bi + (kc - 1) * ldb + nr + r.nextInt(3)), c = random(r, ci + mr * ldc + 2);
            float beta = r.nextBoolean() ? 0f : -1.5f;
            float[] expected = c.clone();
            for (int i = 0; i < mr; i++) {
                for (int j = 0; j < nr; j++) {
                    double sum = 0;
                    for (int p = 0; p < kc; p++) sum += (double) ap[ai + p * mr + i] * bp[bi + p * ldb + j];
                    int at = ci + i * ldc + j;
                    expected[at] = (float) (sum + (beta == 0 ? 0 : beta * c[at]));
                }
            }
            SimdGemmSmallTile.strided(kc, ap, ai, bp, bi, ldb, c, ci, ldc, beta);
            for (int i = 0; i < c.length; i++) {
                boolean inside = i >= ci && (i - ci) / ldc < mr && (i - ci) % ldc < nr;
                assertEquals(expected[i], c[i], inside ? 1e-5f * kc : 0f, "kc " + kc + " ldb " + ldb + " beta " + beta + " at " + i);
            }
        }
    }

    @Test
    void spacingIsFoundOnlyWhenEveryGapIsTheSame() {
        assertEquals(7, SimdGemm.spacing(new int[] {99, 3, 10, 17, 24}, 1, 4));
        assertEquals(0, SimdGemm.spacing(new int[] {5}, 0, 1));
        assertEquals(-1, SimdGemm.spacing(new int[] {0, 7, 14, 22}, 0, 4));
        assertEquals(-1, SimdGemm.spacing(new int[] {0, 7, 15, 22}, 0, 4));
        assertEquals(7, SimdGemm.spacing(new int[] {0, 7, 14, 22}, 0, 3)); // rows past kc not looked at
    }

    @Test
    void singleRowsEqualALoop() {
        Random r = new Random(13);
        int mr = SimdGemmSmallTile.MR, nr = SimdGemmSmallTile.NR;
        for (int t = 0; t < 1000; t++) {
            int kc = 1 + r.nextInt(97), cols = 1 + r.nextInt(nr), ldb = nr + r.nextInt(7);
            float[] ap = random(r, kc * mr), bp = random(r, kc * ldb + nr), c = random(r, cols + 3);
            int[] bRows = new int[kc];
            for (int p = 0; p < kc; p++) bRows[p] = p * ldb;
            float beta = r.nextBoolean() ? 0f : 2f;
            float[] expected = c.clone();
            for (int j = 0; j < cols; j++) {
                double sum = 0;
                for (int p = 0; p < kc; p++) sum += (double) ap[p * mr] * bp[p * ldb + j];
                expected[1 + j] = (float) (sum + (beta == 0 ? 0 : beta * c[1 + j]));
            }
            SimdGemmSmallTile.row(kc, ap, 0, bp, bRows, 0, 0, c, 1, cols, beta, new float[mr * nr]);
            for (int i = 0; i < c.length; i++) assertEquals(expected[i], c[i], i >= 1 && i <= cols ? 1e-5f * kc : 0f, "kc " + kc + " at " + i);
        }
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }
}
