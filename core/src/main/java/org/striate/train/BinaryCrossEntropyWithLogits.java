package org.striate.train;

import org.striate.StriateException;
import org.striate.tensor.Tensor;

/**
 * Sigmoid followed by binary cross-entropy, on logits, averaged over every element (as Keras and
 * PyTorch do). Written in the stable form max(z, 0) − z·t + log(1 + e^−|z|), which never takes the
 * exponential of a large positive number; the gradient is (σ(z) − t) / (N·K).
 *
 * <p>With class indices: a model with one output per sample reads label 0 or 1 as t; a model with K
 * outputs reads the label as a one-hot row (K independent yes/no outputs).
 */
public final class BinaryCrossEntropyWithLogits implements Loss {
    private Tensor grad;

    @Override
    public String name() { return "binary-cross-entropy"; }

    @Override
    public double forward(Tensor predictions, int[] labels) {
        LossBuffers.checkLabels(name(), predictions, labels);
        return compute(predictions, labels, null);
    }

    @Override
    public double forward(Tensor predictions, Tensor targets) {
        LossBuffers.checkTargets(name(), predictions, targets);
        return compute(predictions, null, targets.data);
    }

    @Override
    public Tensor backward() { return grad; }

    private double compute(Tensor z, int[] labels, float[] targets) {
        int n = z.batch(), k = z.sampleSize();
        grad = LossBuffers.sameShape(grad, z);
        float[] x = z.data, g = grad.data;
        double count = (double) n * k, total = 0;
        for (int i = 0; i < n; i++) {
            int off = i * k;
            int classes = k == 1 ? 2 : k;
            if (labels != null && (labels[i] < 0 || labels[i] >= classes)) throw LossBuffers.badLabel(name(), i, labels[i], classes);
            for (int j = 0; j < k; j++) {
                double v = x[off + j];
                double t = labels == null ? targets[off + j] : k == 1 ? labels[i] : (labels[i] == j ? 1 : 0);
                total += Math.max(v, 0) - v * t + Math.log1p(Math.exp(-Math.abs(v)));
                g[off + j] = (float) ((sigmoid(v) - t) / count);
            }
        }
        return total / count;
    }

    /** σ(v) without overflow: for negative v, e^v / (1 + e^v). */
    static double sigmoid(double v) {
        if (v >= 0) return 1 / (1 + Math.exp(-v));
        double e = Math.exp(v);
        return e / (1 + e);
    }

    /** One output reads as class 1 when its logit is positive; K outputs as the largest. */
    @Override
    public int predictedClass(float[] outputs, int offset, int width) {
        return width == 1 ? (outputs[offset] > 0 ? 1 : 0) : Loss.super.predictedClass(outputs, offset, width);
    }

    @Override
    public void checkClasses(int outputs, int classes) {
        if (outputs == 1 && classes <= 2) return;
        if (outputs != classes) {
            throw new StriateException("The model outputs " + outputs + " values per sample but the data has " + classes
                    + " classes. Expected 1 output for two classes, or one output per class, for " + name() + ".");
        }
    }
}
