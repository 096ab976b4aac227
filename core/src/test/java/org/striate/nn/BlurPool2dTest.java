package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.tensor.Tensor;

class BlurPool2dTest {

    @Test
    void binomialRowsAreNormalisedPascalRows() {
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.25f}, BlurPool2d.binomialRow(3), 0f);
        assertArrayEquals(new float[] {1 / 16f, 4 / 16f, 6 / 16f, 4 / 16f, 1 / 16f}, BlurPool2d.binomialRow(5), 0f);
        assertArrayEquals(new float[] {0.5f, 0.5f}, BlurPool2d.binomialRow(2), 0f);
        assertArrayEquals(new float[] {1f}, BlurPool2d.binomialRow(1), 0f);
    }

    @Test
    void forwardMatchesNaiveBlurThenSubsample() {
        Graph model = Sequential.builder(2, 7, 8).add(new BlurPool2d(2, 5)).build(1);
        Tensor x = random(new Random(3), 3, 2, 7, 8);
        Tensor y = model.forward(x, false);
        assertArrayEquals(new int[] {3, 2, 4, 4}, y.shape());
        float[] row = BlurPool2d.binomialRow(5);
        for (int n = 0; n < 3; n++) {
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 4; j++) {
                        double sum = 0;
                        for (int l = 0; l < 5; l++) {
                            for (int m = 0; m < 5; m++) {
                                int r = 2 * i - 2 + l, col = 2 * j - 2 + m;
                                if (r >= 0 && r < 7 && col >= 0 && col < 8) sum += row[l] * row[m] * x.get(n, c, r, col);
                            }
                        }
                        assertEquals(sum, y.get(n, c, i, j), 1e-5);
                    }
                }
            }
        }
    }

    @Test
    void aConstantImageStaysConstantAwayFromTheBorder() {
        Graph model = Sequential.builder(1, 8, 8).add(new BlurPool2d()).build(1);
        Tensor x = new Tensor(1, 1, 8, 8);
        x.fill(3f);
        Tensor y = model.forward(x, false);
        assertEquals(3f, y.get(0, 0, 1, 1), 1e-6);
        assertEquals(3f, y.get(0, 0, 2, 3), 1e-6);
        assertTrue(y.get(0, 0, 0, 0) < 3f, "zero padding darkens the corner");
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random rng = new Random(7);
        for (int[] cfg : new int[][] {{2, 3}, {2, 5}, {3, 4}, {1, 3}}) {
            BlurPool2d layer = new BlurPool2d(cfg[0], cfg[1]);
            Graph model = Sequential.builder(2, 9, 10).add(layer).build(1);
            Tensor x = random(rng, 2, 2, 9, 10);
            Tensor y = model.forward(x, true).copy();
            Tensor r = random(rng, y.shape());
            Tensor dx = model.backward(r).copy();
            float eps = 1e-2f;
            for (int i = 0; i < x.size(); i += 7) {
                float keep = x.data[i];
                x.data[i] = keep + eps;
                double up = dot(model.forward(x, true), r);
                x.data[i] = keep - eps;
                double down = dot(model.forward(x, true), r);
                x.data[i] = keep;
                assertEquals((up - down) / (2 * eps), dx.data[i], 2e-3, "stride " + cfg[0] + " size " + cfg[1] + " at " + i);
            }
        }
    }

    @Test
    void hasNoTrainableParameters() {
        Graph model = Sequential.builder(3, 8, 8).add(new BlurPool2d()).build(1);
        assertEquals(0, model.paramCount());
    }

    @Test
    void specRoundTrips() {
        Graph model = LayerSpecs.parse("input 2x12x12\nblurpool stride=3 size=5\nblurpool\n", "test", null).build(1);
        assertEquals("input 2x12x12\nblurpool stride=3 size=5\nblurpool\n", model.spec());
        assertArrayEquals(new int[] {2, 2, 2}, model.outputShape());
    }

    @Test
    void badArgumentsAreNamed() {
        StriateException size = assertThrows(StriateException.class, () -> new BlurPool2d(2, 0));
        assertTrue(size.getMessage().contains("size=0"), size.getMessage());
        StriateException stride = assertThrows(StriateException.class, () -> new BlurPool2d(0, 3));
        assertTrue(stride.getMessage().contains("stride=0"), stride.getMessage());
        assertThrows(SpecException.class, () -> LayerSpecs.parse("input 1x8x8\nblurpool 2\n", "t", null));
        assertThrows(SpecException.class, () -> LayerSpecs.parse("input 1x8x8\nblurpool sise=3\n", "t", null));
        assertThrows(SpecException.class, () -> LayerSpecs.parse("input 1x8x8\nblurpool size=9\n", "t", null));
        assertThrows(StriateException.class, () -> Sequential.builder(8).add(new BlurPool2d()).build(1));
    }

    static Tensor random(Random rng, int... shape) {
        Tensor t = new Tensor(shape);
        for (int i = 0; i < t.size(); i++) t.data[i] = (float) rng.nextGaussian();
        return t;
    }

    static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) s += (double) a.data[i] * b.data[i];
        return s;
    }
}
