package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kept layouts follow the weights: a changed array is laid out again, and a layout made from a
 * fixed array serves only that array, never another fixed array met under the same key.
 */
class WeightCacheTest {

    @BeforeAll
    static void needsVectors() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
    }

    @Test
    void layoutsFollowTheArrayTheyWereMadeFrom() {
        Random r = new Random(3);
        for (int t = 0; t < 40; t++) {
            int rows = t % 2 == 0 ? SimdGemm.L * (1 + r.nextInt(3)) : 1 + r.nextInt(37), cols = 1 + r.nextInt(29);
            ConvGeometry key = new ConvGeometry(1, 3, 3, rows, 1, 1, 1, 1, 0, 0, 1, 1, 1);
            float[] a = random(r, rows * cols), b = random(r, rows * cols), plain = random(r, rows * cols);
            Kernels.fixWeights(a);
            Kernels.fixWeights(b);
            check(WeightCache.mine().laidOut(key, a, 0, rows, cols, rows), a, rows, cols, "fixed a");
            check(WeightCache.mine().laidOut(key, a, 0, rows, cols, rows), a, rows, cols, "fixed a again");
            check(WeightCache.mine().laidOut(key, b, 0, rows, cols, rows), b, rows, cols, "fixed b, same key");
            check(WeightCache.mine().laidOut(key, plain, 0, rows, cols, rows), plain, rows, cols, "not fixed");
            plain[r.nextInt(plain.length)] += 1f; // as a training step would
            check(WeightCache.mine().laidOut(key, plain, 0, rows, cols, rows), plain, rows, cols, "changed");
        }
    }

    /** The packed layout equals a fresh packing, group after group, at any offset, and follows a changed array. */
    @Test
    void packedWeightsEqualAFreshPackingAndFollowChanges() {
        Random r = new Random(4);
        for (int t = 0; t < 40; t++) {
            int groups = 1 + r.nextInt(3), cg = 1 + r.nextInt(9), og = 1 + r.nextInt(37), k = 1 + 2 * r.nextInt(2), off = r.nextInt(4);
            ConvGeometry g = new ConvGeometry(groups * cg, 5, 5, groups * og, k, k, 1, 1, 0, 0, 1, 1, groups);
            float[] w = random(r, off + g.weightSize());
            checkPacked(g, w, off, "new");
            checkPacked(g, w, off, "again");
            w[off + r.nextInt(g.weightSize())] += 1f; // as a training step would
            checkPacked(g, w, off, "changed");
        }
    }

    private static void checkPacked(ConvGeometry g, float[] w, int off, String what) {
        int kg = g.inPerGroup() * g.kH() * g.kW(), og = g.outPerGroup(), per = SimdGemmPacking.packedSize(og, kg);
        float[] expected = new float[per * g.groups()];
        for (int gi = 0; gi < g.groups(); gi++) SimdGemmPacking.packWhole(false, og, kg, w, off + gi * og * kg, kg, expected, gi * per);
        assertArrayEquals(expected, WeightCache.mine().packed(g, w, off), what + " " + g);
    }

    private static void check(float[] layout, float[] w, int rows, int cols, String what) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) assertEquals(w[r * cols + c], layout[c * rows + r], what + " at " + r + "," + c);
        }
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat();
        return a;
    }
}
