package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.striate.kernels.PoolGeometry;
import org.striate.tensor.Tensor;

class PoolingTest {

    static Pool2d pool(PoolGeometry.Kind kind, int k) {
        return switch (kind) {
            case MAX -> new MaxPool2d(k);
            case MIN -> new MinPool2d(k);
            case AVG -> new AvgPool2d(k);
        };
    }

    /**
     * Max, min and average forget where in the window a value was: shuffling the values inside one
     * window (windows do not overlap, stride = size) leaves every output unchanged. Values are small
     * integers so that an average sums exactly in any order.
     */
    @Property(tries = 150)
    void outputIgnoresTheOrderOfValuesInsideAWindow(@ForAll PoolGeometry.Kind kind, @ForAll @IntRange(min = 1, max = 4) int k,
                                                    @ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 2) int c,
                                                    @ForAll @IntRange(min = 1, max = 3) int rows, @ForAll @IntRange(min = 1, max = 3) int cols,
                                                    @ForAll long seed) {
        Random rng = new Random(seed);
        int h = rows * k, w = cols * k;
        Standalone p = Standalone.of(pool(kind, k), c, h, w);
        Tensor x = new Tensor(n, c, h, w);
        for (int i = 0; i < x.size(); i++) x.data[i] = rng.nextInt(41) - 20;
        Tensor before = p.forward(x, false);

        int b = rng.nextInt(n), ch = rng.nextInt(c), wr = rng.nextInt(rows), wc = rng.nextInt(cols);
        List<Float> window = new ArrayList<>();
        for (int l = 0; l < k; l++) for (int m = 0; m < k; m++) window.add(x.get(b, ch, wr * k + l, wc * k + m));
        Collections.shuffle(window, rng);
        for (int l = 0; l < k; l++) for (int m = 0; m < k; m++) x.set(window.get(l * k + m), b, ch, wr * k + l, wc * k + m);

        assertArrayEquals(before.data, p.forward(x, false).data, kind + " pooling changed after a shuffle inside one window");
    }

    @Test
    void aShiftInsideTheWindowLeavesTheMaximumUnchanged() {
        // the seed notes' example: [0,1,0,0] and [0,0,1,0] pool to the same maximum
        Standalone p = Standalone.of(new MaxPool2d(1, 4), 1, 1, 4);
        float a = p.forward(Tensor.of(new float[] {0, 1, 0, 0}, 1, 1, 1, 4), false).data[0];
        float b = p.forward(Tensor.of(new float[] {0, 0, 1, 0}, 1, 1, 1, 4), false).data[0];
        assertEquals(1f, a);
        assertEquals(a, b);
    }

    @Test
    void eachKindComputesItsStatisticAndStrideDefaultsToTheWindow() {
        float[] v = {1, 2, 5, 6,
                     3, 4, 7, 8,
                     9, 10, 13, 14,
                     11, 12, 15, 16};
        Tensor x = Tensor.of(v, 1, 1, 4, 4);
        assertArrayEquals(new float[] {4, 8, 12, 16}, Standalone.of(new MaxPool2d(2), 1, 4, 4).forward(x, false).data);
        assertArrayEquals(new float[] {1, 5, 9, 13}, Standalone.of(new MinPool2d(2), 1, 4, 4).forward(x, false).data);
        assertArrayEquals(new float[] {2.5f, 6.5f, 10.5f, 14.5f}, Standalone.of(new AvgPool2d(2), 1, 4, 4).forward(x, false).data);
        assertArrayEquals(new int[] {1, 3, 3}, new MaxPool2d(2).stride(1).build(new int[] {1, 4, 4}));
        // padding cells are not counted in the average: the corner window holds 1, 2, 3, 4 only
        assertEquals(2.5f, Standalone.of(new AvgPool2d(3).stride(2).padding(1), 1, 4, 4).forward(x, false).data[0]);
    }

    @Test
    void globalAveragePoolingTakesTheMeanOfEachMap() {
        Tensor x = new Tensor(2, 3, 2, 2);
        for (int i = 0; i < x.size(); i++) x.data[i] = i;
        Tensor y = Standalone.of(new GlobalAvgPool2d(), 3, 2, 2).forward(x, false);
        assertArrayEquals(new int[] {2, 3}, y.shape());
        assertArrayEquals(new float[] {1.5f, 5.5f, 9.5f, 13.5f, 17.5f, 21.5f}, y.data);
    }
}
