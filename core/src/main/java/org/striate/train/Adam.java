package org.striate.train;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.striate.StriateException;
import org.striate.kernels.AdamTerms;
import org.striate.kernels.Kernels;

/**
 * Adam (Kingma and Ba), with bias-corrected moments, as PyTorch computes it:
 * <pre>
 * g = grad + wd·p                      (L2 decay, coupled to the gradient; AdamW decouples it)
 * m = β1·m + (1 − β1)·g
 * v = β2·v + (1 − β2)·g²
 * p = p − lr/(1 − β1^t) · m / (sqrt(v)/sqrt(1 − β2^t) + ε)
 * </pre>
 */
public class Adam implements Optimizer {
    private final double learningRate;
    private double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
    protected double weightDecay;
    private final boolean decoupled;
    private float[] m, v;
    private final AdamTerms terms = new AdamTerms();
    private long t;

    public Adam(double learningRate) { this(learningRate, false); }

    protected Adam(double learningRate, boolean decoupledDecay) {
        this.learningRate = Optimizer.checkRate(learningRate);
        this.decoupled = decoupledDecay;
    }

    public Adam betas(double b1, double b2) {
        beta1 = Optimizer.checkUnit("beta_1", b1);
        beta2 = Optimizer.checkUnit("beta_2", b2);
        return this;
    }

    public Adam epsilon(double eps) {
        if (!(eps > 0)) throw new StriateException("Invalid value for argument `epsilon`. Expected a value > 0. Received epsilon=" + eps + ".");
        epsilon = eps;
        return this;
    }

    public Adam weightDecay(double wd) { weightDecay = Optimizer.checkNonNegative("weight_decay", wd); return this; }

    @Override
    public double learningRate() { return learningRate; }

    /** Steps taken since the last reset; the bias correction uses it. */
    public long steps() { return t; }

    @Override
    public void step(float[] params, float[] grads, double lr) {
        begin(params, grads, lr);
        Kernels.get().adamStep(params, grads, m, v, 0, params.length, terms);
    }

    /** Only the parameters in {@code ranges}; the moments of the others stay as they were (the step count is shared). */
    @Override
    public void step(float[] params, float[] grads, double lr, int[] ranges) {
        begin(params, grads, lr);
        Optimizer.checkRanges(params, ranges);
        Kernels k = Kernels.get();
        for (int r = 0; r < ranges.length; r += 2) k.adamStep(params, grads, m, v, ranges[r], ranges[r + 1], terms);
    }

    /** Counts the step and fills in its terms, the same for every range. */
    private void begin(float[] params, float[] grads, double lr) {
        Optimizer.checkBuffers(params, grads);
        if (m == null || m.length != params.length) {
            m = new float[params.length];
            v = new float[params.length];
            t = 0;
        }
        t++;
        // complements taken in double: 1 − (float) 0.999 is off by 1e-5 relative
        terms.beta1 = (float) beta1;
        terms.beta2 = (float) beta2;
        terms.oneMinusBeta1 = (float) (1 - beta1);
        terms.oneMinusBeta2 = (float) (1 - beta2);
        terms.epsilon = (float) epsilon;
        terms.stepSize = (float) (lr / (1 - Math.pow(beta1, t)));
        terms.sqrtCorrection2 = (float) Math.sqrt(1 - Math.pow(beta2, t));
        // decoupled (AdamW): shrink the weights directly, outside the moments
        terms.shrink = decoupled ? (float) (1 - lr * weightDecay) : 1f;
        terms.coupled = decoupled ? 0f : (float) weightDecay;
    }

    @Override
    public void reset() { m = null; v = null; t = 0; }

    /** The step count, then the first and second moments. */
    @Override
    public void saveState(DataOutput out) throws IOException {
        out.writeLong(t);
        Optimizer.writeFloats(out, m);
        Optimizer.writeFloats(out, v);
    }

    @Override
    public void loadState(DataInput in) throws IOException {
        long steps = in.readLong();
        float[] first = Optimizer.readFloats(in), second = Optimizer.readFloats(in);
        if (steps < 0 || (first == null) != (second == null) || (first != null && first.length != second.length)) {
            throw new StriateException("Invalid Adam state: " + steps + " steps, moments of lengths " + (first == null ? "none" : first.length)
                    + " and " + (second == null ? "none" : second.length) + ". Expected steps >= 0 and two moments of one length.");
        }
        t = steps;
        m = first;
        v = second;
    }

    @Override
    public String describe() {
        return name() + " lr=" + learningRate + " betas=" + beta1 + "," + beta2 + (weightDecay != 0 ? " weight_decay=" + weightDecay : "");
    }

    protected String name() { return "adam"; }
}
