package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.tensor.Tensor;

class SplitsTest {

    /** n one-pixel images whose value is the sample's index, so a part's images say which samples it holds. */
    static Dataset numbered(int n, int classes, long seed) {
        Tensor x = new Tensor(n, 1, 1, 1);
        int[] labels = new int[n];
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) { x.data[i] = i; labels[i] = r.nextInt(classes); }
        String[] names = new String[classes];
        for (int c = 0; c < classes; c++) names[c] = "c" + c;
        return new Dataset(x, labels, names);
    }

    static int[] ids(Dataset d) {
        int[] ids = new int[d.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = (int) d.images().data[i];
        return ids;
    }

    @Test
    void disjointCompleteAndLabelsTravelWithTheirImages() {
        Dataset all = numbered(1000, 7, 1);
        TrainTestSplit s = Splits.holdOut(all, 0.2, 5);
        Set<Integer> seen = new HashSet<>();
        for (int id : ids(s.train())) assertTrue(seen.add(id), "sample " + id + " twice");
        for (int id : ids(s.test())) assertTrue(seen.add(id), "sample " + id + " in both parts");
        assertEquals(1000, seen.size());
        for (Dataset part : new Dataset[] {s.train(), s.test()}) {
            int[] id = ids(part);
            for (int i = 0; i < id.length; i++) assertEquals(all.labels()[id[i]], part.labels()[i]);
            for (int i = 1; i < id.length; i++) assertTrue(id[i] > id[i - 1], "original order kept");
        }
        assertEquals(200, s.test().size(), 7, "about a fifth held out");
    }

    @Test
    void deterministicForASeedAndDifferentForAnother() {
        Dataset all = numbered(500, 5, 2);
        assertArrayEquals(ids(Splits.holdOut(all, 0.3, 9).test()), ids(Splits.holdOut(all, 0.3, 9).test()));
        assertFalse(java.util.Arrays.equals(ids(Splits.holdOut(all, 0.3, 9).test()), ids(Splits.holdOut(all, 0.3, 10).test())));
    }

    @Test
    void everyClassKeepsItsShare() {
        Dataset all = numbered(2000, 4, 3);
        TrainTestSplit s = Splits.holdOut(all, 0.25, 1);
        int[] total = Splits.classCounts(all), held = Splits.classCounts(s.test());
        for (int c = 0; c < total.length; c++) assertEquals(Math.round(total[c] * 0.25), held[c], "class " + c);
    }

    @Test
    void refusesFractionsOutsideTheOpenUnitIntervalAndEmptyParts() {
        Dataset all = numbered(10, 2, 4);
        for (double f : new double[] {0, 1, -0.1, 1.5, Double.NaN}) assertThrows(StriateException.class, () -> Splits.holdOut(all, f, 1));
        Dataset one = numbered(1, 1, 4);
        StriateException e = assertThrows(StriateException.class, () -> Splits.holdOut(one, 0.1, 1));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }
}
