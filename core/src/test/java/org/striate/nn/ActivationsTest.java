package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.striate.tensor.Tensor;

class ActivationsTest {
    private static final float[] X = {-3, -0.5f, 0, 0.5f, 3, 100, -100};

    private static float[] apply(Layer layer) {
        return Standalone.of(layer, X.length).forward(Tensor.of(X.clone(), 1, X.length), false).data;
    }

    @Test
    void leakyReluKeepsASmallSlopeBelowZero() {
        assertArrayEquals(new float[] {-0.3f, -0.05f, 0, 0.5f, 3, 100, -10}, apply(new LeakyReLU(0.1f)), 1e-6f);
        assertEquals(-0.03f, apply(new LeakyReLU())[0], 1e-7f);
    }

    @Test
    void sigmoidAndTanhMatchTheirFormulasWithoutOverflow() {
        float[] s = apply(new Sigmoid()), t = apply(new Tanh());
        for (int i = 0; i < X.length; i++) {
            assertEquals(1 / (1 + Math.exp(-X[i])), s[i], 1e-7, "sigmoid(" + X[i] + ")");
            assertEquals(Math.tanh(X[i]), t[i], 1e-7, "tanh(" + X[i] + ")");
        }
        assertTrue(s[6] >= 0 && s[6] < 1e-30, "sigmoid(-100) is a tiny positive number, not NaN: " + s[6]);
        assertEquals(1f, s[5]);
    }

    @Test
    void softmaxGivesProbabilitiesUnchangedByAShift() {
        Standalone softmax = Standalone.of(new Softmax(), 4);
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 1000, 1000, 999, -1000}, 2, 4);
        Tensor y = softmax.forward(x, false);
        double e = Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(4);
        assertEquals(Math.exp(4) / e, y.data[3], 1e-6);
        float sum = 0;
        for (int i = 4; i < 8; i++) sum += y.data[i];
        assertEquals(1f, sum, 1e-6f, "huge scores do not overflow");
        Tensor shifted = softmax.forward(Tensor.of(new float[] {11, 12, 13, 14, 0, 0, -1, -2000}, 2, 4), false);
        assertArrayEquals(y.data, shifted.data, 1e-6f);
        assertTrue(y.data[7] >= 0);
    }
}
