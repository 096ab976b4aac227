package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.striate.tensor.Tensor;

/** The gradient checker itself must notice a backward pass that is slightly wrong. */
class GradientCheckSelfTest {

    /** A sigmoid whose backward is 0.5 % too large: wrong by five times the tolerance. */
    static final class SkewedSigmoid extends Sigmoid {
        @Override
        public Tensor backward(Tensor dy) {
            Tensor dx = super.backward(dy);
            for (int i = 0; i < dx.size(); i++) dx.data[i] *= 1.005f;
            return dx;
        }
    }

    /** A dense layer that forgets to accumulate its bias gradient. */
    static final class DenseWithoutBiasGradient extends Dense {
        DenseWithoutBiasGradient() { super(3); }

        @Override
        public Tensor backward(Tensor dy) {
            Tensor dx = super.backward(dy);
            for (int i = 0; i < 3; i++) grads[offset + paramCount() - 3 + i] = 0;
            return dx;
        }
    }

    @Test
    void catchesAWrongInputGradient() {
        assertThrows(AssertionFailedError.class, () -> GradientCheck.of(new SkewedSigmoid(), 4).run());
    }

    @Test
    void catchesAMissingParameterGradient() {
        assertThrows(AssertionFailedError.class, () -> GradientCheck.of(new DenseWithoutBiasGradient(), 4).run());
    }

    @Test
    void catchesAnAllZeroGradient() {
        // a dropout that drops everything would pass a plain comparison (0 = 0); the checker refuses it
        Dropout d = new Dropout(0.999f);
        assertThrows(AssertionFailedError.class, () -> GradientCheck.of(d, 2).batch(1).beforeForward(() -> d.initParams(new java.util.Random(3))).run());
    }
}
