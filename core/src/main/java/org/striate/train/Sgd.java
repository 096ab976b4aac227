package org.striate.train;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.striate.StriateException;
import org.striate.kernels.Kernels;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, in the
 * form PyTorch uses (no dampening):
 * <pre>
 * g = grad + wd·p
 * v = μ·v + g
 * p = p − lr·(nesterov ? g + μ·v : v)
 * </pre>
 * With μ = 0 this is plain p = p − lr·g.
 */
public final class Sgd implements Optimizer {
    private final double learningRate;
    private double momentum, weightDecay;
    private boolean nesterov;
    private float[] velocity;

    public Sgd(double learningRate) { this.learningRate = Optimizer.checkRate(learningRate); }

    public Sgd momentum(double mu) { momentum = Optimizer.checkUnit("momentum", mu); return this; }

    /** Looks ahead along the momentum; needs a momentum above 0. */
    public Sgd nesterov(boolean on) { nesterov = on; return this; }

    public Sgd weightDecay(double wd) { weightDecay = Optimizer.checkNonNegative("weight_decay", wd); return this; }

    @Override
    public double learningRate() { return learningRate; }

    @Override
    public void step(float[] params, float[] grads, double lr) {
        check(params, grads);
        update(params, grads, lr, 0, params.length);
    }

    /** Only the parameters in {@code ranges}; the velocity of the others stays as it was. */
    @Override
    public void step(float[] params, float[] grads, double lr, int[] ranges) {
        check(params, grads);
        Optimizer.checkRanges(params, ranges);
        for (int r = 0; r < ranges.length; r += 2) update(params, grads, lr, ranges[r], ranges[r + 1]);
    }

    private void check(float[] params, float[] grads) {
        Optimizer.checkBuffers(params, grads);
        if (nesterov && momentum == 0) {
            throw new StriateException("Invalid SGD settings: Nesterov momentum needs momentum > 0. Received momentum=0.");
        }
        if (momentum != 0 && (velocity == null || velocity.length != params.length)) velocity = new float[params.length];
    }

    private void update(float[] params, float[] grads, double lr, int from, int to) {
        Kernels.get().sgdStep(params, grads, velocity, from, to, (float) lr, (float) momentum, (float) weightDecay, nesterov);
    }

    @Override
    public void reset() { velocity = null; }

    /** The momentum buffer (none before the first step or without momentum). */
    @Override
    public void saveState(DataOutput out) throws IOException { Optimizer.writeFloats(out, velocity); }

    @Override
    public void loadState(DataInput in) throws IOException { velocity = Optimizer.readFloats(in); }

    @Override
    public String describe() {
        return "sgd lr=" + learningRate + (momentum != 0 ? " momentum=" + momentum : "") + (nesterov ? " nesterov" : "")
                + (weightDecay != 0 ? " weight_decay=" + weightDecay : "");
    }
}
