package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** He normal for layers followed by ReLU (convolutions, locally connected), Glorot uniform for Dense, zero biases. */
class InitializationTest {

    private static double mean(float[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += v[i];
        return s / (to - from);
    }

    private static double std(float[] v, int from, int to) {
        double m = mean(v, from, to), s = 0;
        for (int i = from; i < to; i++) s += (v[i] - m) * (v[i] - m);
        return Math.sqrt(s / (to - from));
    }

    private static void expectHe(Layer layer, int fanIn, int... input) {
        Standalone s = Standalone.of(layer, input);
        int weights = s.params.length - biasCount(layer);
        double expected = Math.sqrt(2.0 / fanIn);
        assertEquals(expected, std(s.params, 0, weights), 0.04 * expected, layer.spec() + " weight std");
        assertEquals(0, mean(s.params, 0, weights), 0.04 * expected, layer.spec() + " weight mean");
        for (int i = weights; i < s.params.length; i++) assertEquals(0f, s.params[i], layer.spec() + " bias " + i);
    }

    private static int biasCount(Layer layer) {
        int[] out = layer.outputShape();
        if (layer instanceof LocallyConnected2d) return out[0] * out[1] * out[2];
        return out[0];
    }

    @Test
    void convolutionsAreHeNormalWithZeroBiases() {
        expectHe(new Conv2d(64, 3), 16 * 9, 16, 20, 20);               // 9,216 weights, std sqrt(2/144)
        expectHe(new Conv2d(64, 3).groups(4), 4 * 9, 16, 9, 9);        // fan-in counts one group's channels
        expectHe(new Conv1d(48, 5), 24 * 5, 24, 30);
        expectHe(new Conv3d(32, 3), 8 * 27, 8, 5, 5, 5);
        expectHe(new LocallyConnected2d(8, 3), 4 * 9, 4, 10, 10);
    }

    @Test
    void denseIsGlorotUniformWithZeroBiases() {
        Standalone s = Standalone.of(new Dense(200), 300);
        int weights = 200 * 300;
        double a = Math.sqrt(6.0 / (300 + 200));
        float max = 0;
        for (int i = 0; i < weights; i++) max = Math.max(max, Math.abs(s.params[i]));
        assertTrue(max <= a && max > 0.99 * a, "largest |w| " + max + " for bound " + a);
        assertEquals(a / Math.sqrt(3), std(s.params, 0, weights), 0.02 * a, "std of U(-a, a)");
        for (int i = weights; i < s.params.length; i++) assertEquals(0f, s.params[i]);
    }

    @Test
    void theSeedAloneDecidesEveryInitialWeight() {
        String spec = "input 3x12x12\nconv 4 3x3 groups=1\nbatchnorm\nrelu\nlc 2 3x3\nrelu\nflatten\ndense 10\n";
        Graph a = LayerSpecs.parse(spec, "t", null).build(5), b = LayerSpecs.parse(spec, "t", null).build(5);
        Graph c = LayerSpecs.parse(spec, "t", null).build(6);
        int[] bitsA = new int[a.paramCount()], bitsB = new int[b.paramCount()];
        for (int i = 0; i < bitsA.length; i++) {
            bitsA[i] = Float.floatToRawIntBits(a.params()[i]);
            bitsB[i] = Float.floatToRawIntBits(b.params()[i]);
        }
        assertArrayEquals(bitsA, bitsB);
        assertFalse(Arrays.equals(a.params(), c.params()));
        // re-initialising from the same seed gives the same weights again
        float[] before = a.params().clone();
        a.initParams(99);
        assertFalse(Arrays.equals(before, a.params()));
        a.initParams(5);
        assertArrayEquals(before, a.params());
    }
}
