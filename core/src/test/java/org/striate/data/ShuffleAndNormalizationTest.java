package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.tensor.Tensor;

class ShuffleAndNormalizationTest {
    static Dataset numbered(int n) {
        Tensor x = new Tensor(n, 1, 1, 2);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) { x.data[2 * i] = i; x.data[2 * i + 1] = -i; labels[i] = i % 3; }
        return new Dataset(x, labels, new String[] {"a", "b", "c"});
    }

    @Test
    void permutationIsFisherYatesFromTheSeed() {
        int[] p = Shuffle.permutation(50, 123L);
        assertArrayEquals(p, Shuffle.permutation(50, 123L));
        assertFalse(Arrays.equals(p, Shuffle.permutation(50, 124L)));
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) assertEquals(i, sorted[i]);
        // the same swaps written out independently
        Random r = new Random(123L);
        int[] q = new int[50];
        for (int i = 0; i < 50; i++) q[i] = i;
        for (int i = 49; i > 0; i--) { int j = r.nextInt(i + 1); int t = q[i]; q[i] = q[j]; q[j] = t; }
        assertArrayEquals(q, p);
    }

    @Test
    void shuffledDatasetKeepsImagesWithTheirLabels() {
        Dataset d = Shuffle.shuffle(numbered(30), 5L);
        int[] p = Shuffle.permutation(30, 5L);
        for (int i = 0; i < 30; i++) {
            assertEquals(p[i], (int) d.images().data[2 * i]);
            assertEquals(p[i] % 3, d.labels()[i]);
        }
    }

    @Test
    void perChannelStatisticsAndApply() {
        Tensor x = new Tensor(2, 2, 1, 2);
        float[] v = {1, 3, 10, 10, 5, 7, 10, 10};
        System.arraycopy(v, 0, x.data, 0, 8);
        Dataset d = new Dataset(x, new int[] {0, 0}, new String[] {"only"});
        Normalization.ChannelStats s = Normalization.perChannel(d);
        assertArrayEquals(new float[] {4f, 10f}, s.mean());
        // channel 0 values 1,3,5,7: population variance 5; channel 1 constant → std 1
        assertArrayEquals(new float[] {(float) Math.sqrt(5), 1f}, s.std(), 1e-6f);
        Tensor y = x.copy();
        Normalization.applyInPlace(y, s.mean(), s.std());
        assertEquals((1 - 4) / (float) Math.sqrt(5), y.data[0], 1e-6f);
        assertEquals(0f, y.data[7]);
        Normalization.ChannelStats after = Normalization.perChannel(new Dataset(y, new int[] {0, 0}, new String[] {"only"}));
        assertEquals(0f, after.mean()[0], 1e-6f);
        assertEquals(1f, after.std()[0], 1e-6f);
    }
}
