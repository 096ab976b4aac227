package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.nn.Dense;
import org.striate.nn.Flatten;
import org.striate.nn.Graph;
import org.striate.nn.Sequential;
import org.striate.tensor.Tensor;

class InvarianceTest {
    private static final int SIDE = 10;

    /** Logit 0 is a constant {@code threshold}; logit 1 is Σ weight[p]·x[p]. */
    private static Graph linearReader(float threshold, float[] weight) {
        Graph m = Sequential.builder(1, SIDE, SIDE).add(new Flatten()).add(new Dense(2)).build(1);
        float[] p = m.params();
        int n = SIDE * SIDE;
        java.util.Arrays.fill(p, 0f);
        System.arraycopy(weight, 0, p, n, n); // row 1 of W (2, n)
        p[2 * n] = threshold;                  // bias of class 0
        return m;
    }

    /** Sums every pixel: the same answer wherever the content is, as long as it stays in the frame. */
    private static Graph sumOfEverything() {
        float[] ones = new float[SIDE * SIDE];
        java.util.Arrays.fill(ones, 1f);
        return linearReader(5f, ones);
    }

    /** Reads one pixel, (4, 4): any move of the content changes its answer. */
    private static Graph onePixel() {
        float[] w = new float[SIDE * SIDE];
        w[4 * SIDE + 4] = 1f;
        return linearReader(0.5f, w);
    }

    /** Class 1: a bright 3×3 block (sum 9); class 0: a dim one (sum 1.8); both at rows and columns 3..5. */
    private static Dataset blocks(int n) {
        Tensor x = new Tensor(n, 1, SIDE, SIDE);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int r = 3; r < 6; r++) for (int c = 3; c < 6; c++) x.set(labels[i] == 1 ? 1f : 0.2f, i, 0, r, c);
        }
        return new Dataset(x, labels, new String[] {"dim", "bright"});
    }

    /** Six images of class 1 with their pixel at (4, 4), then four of class 0 with it at (7, 7). */
    private static Dataset pixels() {
        Tensor x = new Tensor(10, 1, SIDE, SIDE);
        int[] labels = new int[10];
        for (int i = 0; i < 10; i++) {
            labels[i] = i < 6 ? 1 : 0;
            if (i < 6) x.set(1f, i, 0, 4, 4);
            else x.set(1f, i, 0, 7, 7);
        }
        return new Dataset(x, labels, new String[] {"elsewhere", "at 4,4"});
    }

    @Test
    void aSumOverEverythingModelKeepsItsAccuracyAndIsPerfectlyConsistent() {
        Graph m = sumOfEverything();
        Dataset d = blocks(20);
        Invariance.ShiftAccuracy a = Invariance.accuracyVsShift(m, d, 2);
        assertArrayEquals(new int[] {-2, -1, 0, 1, 2}, a.shifts());
        assertArrayEquals(new double[] {1, 1, 1, 1, 1}, a.horizontal(), 0);
        assertArrayEquals(new double[] {1, 1, 1, 1, 1}, a.vertical(), 0);
        assertEquals(1.0, Consistency.random(m, d, 2, 7), 0);
    }

    @Test
    void aOnePixelReaderIsRightOnlyWhereNothingMoved() {
        Invariance.ShiftAccuracy a = Invariance.accuracyVsShift(onePixel(), pixels(), 3);
        // unshifted: all 10 right; shifted: the 6 of class 1 lose their pixel, the 4 of class 0 stay right
        assertEquals(1.0, a.unshifted(), 0);
        for (int s = -3; s <= 3; s++) {
            if (s == 0) continue;
            assertEquals(0.4, a.at(0, s), 1e-12, "vertical " + s);
            assertEquals(0.4, a.at(1, s), 1e-12, "horizontal " + s);
        }
    }

    @Test
    void consistencyCountsImagesPredictedAlikeInBothPlacements() {
        int[][] pairs = {
                {0, 0, 0, 0}, {0, 0, 0, 0},   // class 1, unmoved twice: 1 and 1, same
                {0, 0, 1, 0}, {0, 0, 0, -2},  // class 1, moved once: 1 then 0, different
                {1, 1, -1, 0}, {0, 2, 2, 0},  // class 1, moved twice: 0 and 0, same
                {0, 0, 1, 1}, {3, 0, 0, 3}, {-1, 0, 2, 2}, {0, 0, 0, 0}}; // class 0: always 0
        assertEquals(0.8, Consistency.of(onePixel(), pixels(), pairs), 1e-12);
    }

    @Test
    void randomConsistencyOfTheOnePixelReaderMatchesTheOddsOfNotMoving() {
        // class 1 keeps its answer when both placements are (0, 0) or neither is: (1/9)² + (8/9)² with K = 1
        Dataset many = pixels();
        int copies = 300;
        int[] idx = new int[many.size() * copies];
        for (int i = 0; i < idx.length; i++) idx[i] = i % many.size();
        double expected = 0.4 + 0.6 * (1.0 / 81 + 64.0 / 81);
        assertEquals(expected, Consistency.random(onePixel(), many.subset(idx), 1, 3), 0.03);
    }

    @Test
    void rejectsMismatchedInputs() {
        Graph m = onePixel();
        StriateException e = assertThrows(StriateException.class, () -> Invariance.accuracyVsShift(m, pixels(), 10));
        assertEquals(true, e.getMessage().contains("max-shift=10"), e.getMessage());
        assertThrows(StriateException.class, () -> Consistency.of(m, pixels(), new int[3][4]));
        assertThrows(StriateException.class, () -> Invariance.accuracyVsShift(m, PositionData.generate(4, 1), 1));
    }
}
