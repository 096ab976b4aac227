package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.tensor.Tensor;

/**
 * The layers composed in one model, sharing one parameter buffer: the model's backward pass against
 * five-point finite differences of L = Σ r·y, for every parameter and every input value. Smooth layers
 * only, so that no kink or tie falls inside a step.
 */
class ModelGradientTest {
    @Test
    void backwardThroughAWholeModelMatchesFiniteDifferences() {
        check("""
                input 2x7x7
                conv 3 3x3 stride=2 pad=1
                batchnorm
                tanh
                avgpool 2 stride=1
                lc 2 2x2 pad=1
                sigmoid
                flatten
                dense 4
                softmax
                """, 2, 7, 7);
        check("""
                input 2x3x4x4
                conv3d 2 3x3x3 pad=same
                sigmoid
                flatten
                dropout 0.0
                dense 3
                tanh
                """, 2, 3, 4, 4);
    }

    static void check(String spec, int... sample) {
        Graph model = LayerSpecs.parse(spec, "model.spec", null).build(3);
        Random rng = new Random(4);
        float[] params = model.params();
        for (int i = 0; i < params.length; i++) params[i] += (float) (rng.nextGaussian() * 0.3);
        int batch = 3;
        int[] shape = new int[sample.length + 1];
        shape[0] = batch;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        Tensor x = new Tensor(shape);
        for (int i = 0; i < x.size(); i++) x.data[i] = (float) ((0.2 + 0.8 * rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1));
        Tensor y = model.forward(x, true);
        Tensor r = new Tensor(y.shape());
        for (int i = 0; i < r.size(); i++) r.data[i] = (float) (rng.nextDouble() * 2 - 1);

        model.zeroGrad();
        model.forward(x, true);
        float[] dx = model.backward(r.copy()).copy().data;
        float[] dParams = model.grads().clone();

        double worst = Math.max(worstError(model, x, r, x.data, dx), worstError(model, x, r, params, dParams));
        assertTrue(worst <= GradientCheck.TOLERANCE, spec + " relative error " + worst);
    }

    private static double worstError(Graph model, Tensor x, Tensor r, float[] values, float[] analytic) {
        double worst = 0, h = 0.02;
        for (int i = 0; i < analytic.length; i++) {
            float orig = values[i];
            double[] loss = new double[4];
            double[] steps = {-2 * h, -h, h, 2 * h};
            for (int s = 0; s < 4; s++) {
                values[i] = (float) (orig + steps[s]);
                Tensor y = model.forward(x, true);
                for (int k = 0; k < y.size(); k++) loss[s] += (double) r.data[k] * y.data[k];
            }
            values[i] = orig;
            double numeric = (loss[0] - 8 * loss[1] + 8 * loss[2] - loss[3]) / (12 * h);
            worst = Math.max(worst, Math.abs(analytic[i] - numeric) / Math.max(Math.max(Math.abs(analytic[i]), Math.abs(numeric)), 1e-2));
        }
        return worst;
    }
}
