package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SIMD GEMM against the scalar reference on awkward shapes, all four transpose variants. */
class SimdGemmTest {
    private static final ScalarKernels REF = new ScalarKernels();
    private static Kernels simd;

    @BeforeAll
    static void load() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        simd = KernelProvider.simd(3);
    }

    @AfterAll
    static void release() throws Exception { if (simd instanceof AutoCloseable c) c.close(); }

    @Test
    void matchesScalarOnSmallAwkwardShapes() {
        Random r = new Random(1);
        int shapes = 0;
        for (int t = 0; t < 1000; t++) {
            check(r, pick(r, KernelAssert.SIZES), pick(r, KernelAssert.SIZES), pick(r, KernelAssert.SIZES));
            shapes++;
        }
        assertEquals(1000, shapes);
    }

    @Test
    void matchesScalarAcrossBlockBoundaries() {
        Random r = new Random(2);
        // K beyond one K block, M beyond one M block, N beyond one N block, and the m = 1 dot path
        int[][] shapes = {{101, 70, 700}, {7, 2100, 5}, {97, 33, 641}, {1, 131, 333}, {1, 1, 1}, {200, 3, 1}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) check(r, s[0], s[1], s[2]);
        }
    }

    /**
     * Last panels of 1 to 4 columns beyond whole panels (a Winograd chunk of whole samples ends in
     * such a tail), under 32 rows or more: 1,000 random shapes, odd and prime sizes, K across blocks.
     */
    @Test
    void matchesScalarOnNarrowLastPanels() {
        Random r = new Random(3);
        for (int t = 0; t < 1000; t++) {
            int m = 32 + r.nextInt(t % 10 == 0 ? 200 : 70), n = SimdGemm.NR * r.nextInt(4) + 1 + r.nextInt(4);
            int k = t % 25 == 0 ? SimdGemm.KC + 1 + r.nextInt(300) : 1 + r.nextInt(97);
            check(r, m, n, k);
        }
    }

    /**
     * A column's sums do not depend on the tile that computes them: the first n columns of a product
     * over whole panels, bit for bit, when the same B ends in a last panel of 1 to 4 columns instead (Winograd's
     * chunks rely on it: a tile's output must not depend on the chunk it falls in).
     */
    @Test
    void narrowLastPanelEqualsWholePanelsBitForBit() {
        Random r = new Random(4);
        for (int t = 0; t < 300; t++) {
            int m = 32 + r.nextInt(100), panels = 1 + r.nextInt(3), n = SimdGemm.NR * (panels - 1) + 1 + r.nextInt(4);
            int wide = SimdGemm.NR * panels, k = 1 + r.nextInt(t % 10 == 0 ? 600 : 90);
            float[] a = random(r, m * k), b = random(r, k * wide), whole = new float[m * wide], narrow = new float[m * wide];
            simd.gemm(false, false, m, wide, k, a, 0, k, b, 0, wide, 0f, whole, 0, wide);
            simd.gemm(false, false, m, n, k, a, 0, k, b, 0, wide, 0f, narrow, 0, wide);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(whole[i * wide + j], narrow[i * wide + j], "m=" + m + " n=" + n + " k=" + k + " at " + i + "," + j);
                }
            }
        }
    }

    /**
     * Shares of K packed one by one, in any order, give packWhole's layout of the transposed A, bit for
     * bit: whole panels, and a last panel of fewer rows (zero past m) where m is not a multiple of MR.
     */
    @Test
    void packingSharesOfTransposedRowsEqualsPackingWhole() {
        Random r = new Random(31);
        for (int t = 0; t < 200; t++) {
            int m = t % 2 == 0 ? SimdGemm.MR * (1 + r.nextInt(9)) : 1 + r.nextInt(9 * SimdGemm.MR), k = 1 + r.nextInt(3 * SimdGemm.KC), lda = m + r.nextInt(20), aOff = r.nextInt(5);
            float[] a = random(r, aOff + k * lda), expected = random(r, 3 + SimdGemmPacking.packedSize(m, k)), actual = random(r, expected.length);
            SimdGemmPacking.packWhole(true, m, k, a, aOff, lda, expected, 3);
            int cut = r.nextInt(k + 1);
            SimdGemmPacking.packTransposedRows(m, k, cut, k, a, aOff, lda, actual, 3);
            SimdGemmPacking.packTransposedRows(m, k, 0, cut, a, aOff, lda, actual, 3);
            for (int i = 3; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], "m " + m + " k " + k + " cut " + cut + " at " + i);
            }
        }
    }

    @Test
    void packingRowsByBlocksEqualsPackingWhole() {
        assumeTrue(SimdGemmPacking.packsByBlocks(SimdGemm.L), "needs 16 lanes and panels of 8 rows");
        Random r = new Random(32);
        int tested = 0;
        for (int t = 0; t < 300; t++) {
            int m = SimdGemm.L * (1 + r.nextInt(6)), k = SimdGemm.L * (1 + r.nextInt(40)), lda = k + r.nextInt(20), aOff = r.nextInt(5);
            if (!SimdGemmPacking.packsByBlocks(k)) continue;
            float[] a = random(r, aOff + m * lda), expected = random(r, 3 + SimdGemmPacking.packedSize(m, k)), actual = random(r, expected.length);
            SimdGemmPacking.packWhole(false, m, k, a, aOff, lda, expected, 3);
            SimdGemmPacking.packRowsByBlocks(m, k, a, aOff, lda, actual, 3, new float[SimdGemm.L * SimdGemm.L]);
            for (int i = 3; i < expected.length; i++) assertEquals(expected[i], actual[i], "m " + m + " k " + k + " at " + i);
            tested++;
        }
        assertTrue(tested > 100, "shapes tested: " + tested);
    }

    /**
     * Rows split over the threads (a dense layer's inference batch) against the scalar GEMM, and bit for
     * bit against the same product split by columns: each element is summed in one order whichever
     * thread takes its rows. Row counts not a multiple of the panel's, K over several blocks, leading
     * dimensions past the widths, and C outside the product left as it was.
     */
    @Test
    void rowSplitMatchesScalarAndTheColumnSplit() {
        Parallel pool = simd.pool();
        assumeTrue(pool != null && pool.threads() > 1, "no pool of several threads");
        Random r = new Random(33);
        for (int t = 0; t < 1000; t++) {
            int m = 1 + r.nextInt(t % 10 == 0 ? 300 : 60), n = pick(r, KernelAssert.SIZES), k = t % 7 == 0 ? 300 + r.nextInt(700) : 1 + r.nextInt(80);
            int lda = k + r.nextInt(3), ldb = n + r.nextInt(3 * SimdGemm.L), ldc = n + r.nextInt(3), aOff = r.nextInt(4), bOff = r.nextInt(4);
            int cOff = r.nextInt(4);
            float beta = new float[] {0f, 1f, 0.5f}[r.nextInt(3)];
            float[] a = random(r, aOff + m * lda), b = random(r, bOff + k * ldb), c0 = random(r, cOff + m * ldc + 3);
            float[] expected = c0.clone(), byColumns = c0.clone(), byRows = c0.clone();
            String what = "m=" + m + " n=" + n + " k=" + k + " lda=" + lda + " ldb=" + ldb + " beta=" + beta;
            REF.gemm(false, false, m, n, k, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
            SimdGemm.gemm(false, false, m, n, k, a, aOff, lda, b, bOff, ldb, beta, byColumns, cOff, ldc, pool);
            SimdGemm.gemmByRows(m, n, k, a, aOff, lda, b, bOff, ldb, beta, byRows, cOff, ldc, pool);
            close(expected, byRows, expected.length, k, "rows split, " + what);
            for (int i = 0; i < c0.length; i++) assertEquals(byColumns[i], byRows[i], "rows against columns split at " + i + ", " + what);
        }
    }

    private static void check(Random r, int m, int n, int k) {
        boolean ta = r.nextBoolean(), tb = r.nextBoolean();
        float beta = new float[] {0f, 1f, 0.5f}[r.nextInt(3)];
        int lda = (ta ? m : k) + r.nextInt(3), ldb = (tb ? k : n) + r.nextInt(3), ldc = n + r.nextInt(3);
        int aOff = r.nextInt(4), bOff = r.nextInt(4), cOff = r.nextInt(4);
        float[] a = random(r, aOff + (ta ? k : m) * lda);
        float[] b = random(r, bOff + (tb ? n : k) * ldb);
        float[] c0 = random(r, cOff + m * ldc);
        float[] expected = c0.clone(), actual = c0.clone();
        REF.gemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
        simd.gemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, beta, actual, cOff, ldc);
        close(expected, actual, expected.length, k,
                "gemm ta=" + ta + " tb=" + tb + " m=" + m + " n=" + n + " k=" + k + " beta=" + beta);
    }
}
