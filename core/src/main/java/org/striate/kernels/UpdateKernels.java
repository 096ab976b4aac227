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
     * p −= lr·(nesterov ? g + mu·v : v), v stored as zero when subnormal ({@link #flushed(float)}); with
     * mu = 0 (velocity unused, may be null), p −= lr·g.
     */
    public static void sgd(float[] params, float[] grads, float[] velocity, int from, int to, float lr, float mu, float wd, boolean nesterov) {
        if (mu == 0) {
            for (int i = from; i < to; i++) params[i] -= lr * (grads[i] + wd * params[i]);
            return;
        }
        for (int i = from; i < to; i++) {
            float g = grads[i] + wd * params[i];
            velocity[i] = flushed(mu * velocity[i] + g);
            params[i] -= lr * (nesterov ? g + mu * velocity[i] : velocity[i]);
        }
    }

    /**
     * Adam over params[from, to), moments m and v (each stored as zero when subnormal), with the step's
     * terms t (see {@link AdamTerms}).
     */
    public static void adam(float[] params, float[] grads, float[] m, float[] v, int from, int to, AdamTerms t) {
        for (int i = from; i < to; i++) {
            float p = params[i] * t.shrink;
            float g = grads[i] + t.coupled * params[i];
            m[i] = flushed(t.beta1 * m[i] + t.oneMinusBeta1 * g);
            v[i] = flushed(t.beta2 * v[i] + t.oneMinusBeta2 * g * g);
            params[i] = p - t.stepSize * m[i] / ((float) Math.sqrt(v[i]) / t.sqrtCorrection2 + t.epsilon);
        }
    }

    /**
     * A momentum or moment below the smallest normal float, as zero. Where a parameter's gradient stays
     * zero (a unit that never fires), its momentum decays by mu each step into the subnormal range
     * within about 800 steps (0.9^800 ≈ 2e-37: a momentum of 1e-3 becomes 2e-40), and on some
     * processors every multiply by a subnormal takes a slow microcode path: on fashion-cnn, with 270,000
     * of its 421,642 momenta subnormal, SGD's update went from 0.3 to 1.0 ms a step and Adam's from 0.2
     * to 1.2 (an Intel AVX-512 machine, BENCHMARKS.md). TensorFlow flushes these to zero in its threads for the same reason. The values
     * flushed are below 1.2e-38, far below anything that moves a weight.
     */
    static float flushed(float v) { return Math.abs(v) < Float.MIN_NORMAL ? 0f : v; }
}
