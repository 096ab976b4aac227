package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.striate.tensor.Tensor;

class DropoutTest {
    private static final int N = 20_000;

    private static Tensor ones() {
        Tensor x = new Tensor(1, N);
        x.fill(1f);
        return x;
    }

    @Test
    void evaluationIsTheIdentity() {
        Standalone d = Standalone.of(new Dropout(0.5f), N);
        Tensor x = ones();
        assertSame(x, d.layer.forward(x, false));
        assertSame(x, d.layer.backward(x));
    }

    @Test
    void trainingDropsAboutPAndScalesTheRestByOneOverOneMinusP() {
        float p = 0.3f;
        Tensor y = Standalone.of(new Dropout(p), N).forward(ones(), true);
        int zeros = 0;
        for (int i = 0; i < N; i++) {
            if (y.data[i] == 0) zeros++;
            else assertEquals(1 / (1 - p), y.data[i], 1e-6f);
        }
        double sd = Math.sqrt(N * p * (1 - p));                  // binomial: 4.5 standard deviations is ~1e-5 odds
        assertEquals(N * p, zeros, 4.5 * sd, "dropped count");
    }

    @Test
    void backwardUsesTheMaskOfTheForwardPass() {
        Standalone d = Standalone.of(new Dropout(0.5f), N);
        Tensor y = d.forward(ones(), true);
        Tensor dx = d.layer.backward(ones());
        assertArrayEquals(y.data, Arrays.copyOf(dx.data, N));
    }

    @Test
    void theSameModelSeedGivesTheSameMasks() {
        float[] a = model(7).forward(ones(), true).copy().data;
        float[] b = model(7).forward(ones(), true).copy().data;
        float[] c = model(8).forward(ones(), true).copy().data;
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c), "another seed draws other masks");
    }

    private static Graph model(long seed) {
        return Sequential.builder(N).add(new Dropout(0.5f)).build(seed);
    }
}
