package org.striate.kernels;

/**
 * The optimizers' parameter updates, one parameter at a time: the scalar twins of {@link SimdUpdates}
 * and the updates of the scalar kernels. The formulas are PyTorch's; {@code Sgd} and {@code Adam}
 * in the train package say which settings give which terms.
 */
public final class UpdateKernels {
    private UpdateKernels() {}

    /**
     * SGD over params[from, to): g = grad + wd·p; with momentum mu > 0, v = mu·v + g and
     * p −= lr·(nesterov ? g + mu·v : v); with mu = 0 (velocity unused, may be null), p −= lr·g.
     */
    public static void sgd(float[] params, float[] grads, float[] velocity, int from, int to, float lr, float mu, float wd, boolean nesterov) {
        if (mu == 0) {
            for (int i = from; i < to; i++) params[i] -= lr * (grads[i] + wd * params[i]);
            return;
        }
        for (int i = from; i < to; i++) {
            float g = grads[i] + wd * params[i];
            velocity[i] = mu * velocity[i] + g;
            params[i] -= lr * (nesterov ? g + mu * velocity[i] : velocity[i]);
        }
    }

    /** Adam over params[from, to), moments m and v, with the step's terms t (see {@link AdamTerms}). */
    public static void adam(float[] params, float[] grads, float[] m, float[] v, int from, int to, AdamTerms t) {
        for (int i = from; i < to; i++) {
            float p = params[i] * t.shrink;
            float g = grads[i] + t.coupled * params[i];
            m[i] = t.beta1 * m[i] + t.oneMinusBeta1 * g;
            v[i] = t.beta2 * v[i] + t.oneMinusBeta2 * g * g;
            params[i] = p - t.stepSize * m[i] / ((float) Math.sqrt(v[i]) / t.sqrtCorrection2 + t.epsilon);
        }
    }
}
