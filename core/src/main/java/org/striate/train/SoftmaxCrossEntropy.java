package org.striate.train;

import org.striate.tensor.Tensor;

/**
 * Softmax followed by cross-entropy, fused: loss = mean over samples of −Σ_j t_j · log softmax(z)_j.
 * log softmax is computed as z_j − logsumexp(z) with the row maximum subtracted first, so logits of
 * ±1000 give a finite loss; the gradient is (softmax(z) · Σt − t) / N, computed during forward.
 * With class indices t is one-hot, or with label smoothing ε: t_j = (1 − ε)·[j = label] + ε/K, as
 * PyTorch's {@code label_smoothing}; dense targets may be any distribution (and are not smoothed).
 */
public final class SoftmaxCrossEntropy implements Loss {
    private final double smoothing;
    private Tensor grad;

    public SoftmaxCrossEntropy() { this(0); }

    /** With label smoothing ε in [0, 1): each label's target keeps 1 − ε and spreads ε over all K classes. */
    public SoftmaxCrossEntropy(double labelSmoothing) {
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new org.striate.StriateException("Invalid value for argument `label_smoothing`. Expected a value in [0, 1). Received label_smoothing="
                    + labelSmoothing + ".");
        }
        this.smoothing = labelSmoothing;
    }

    public double labelSmoothing() { return smoothing; }

    @Override
    public String name() { return "softmax-cross-entropy"; }

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

    /** Exactly one of labels and targets is non-null. */
    private double compute(Tensor z, int[] labels, float[] targets) {
        int n = z.batch(), k = z.sampleSize();
        grad = LossBuffers.sameShape(grad, z);
        float[] x = z.data, g = grad.data;
        double total = 0;
        for (int i = 0; i < n; i++) {
            int off = i * k;
            if (labels != null && (labels[i] < 0 || labels[i] >= k)) throw LossBuffers.badLabel(name(), i, labels[i], k);
            double max = x[off];
            for (int j = 1; j < k; j++) max = Math.max(max, x[off + j]);
            double sumExp = 0;
            for (int j = 0; j < k; j++) sumExp += Math.exp(x[off + j] - max);
            double logSumExp = max + Math.log(sumExp);
            double targetSum = 0;
            for (int j = 0; j < k; j++) targetSum += target(labels, targets, i, off, j, k);
            for (int j = 0; j < k; j++) {
                double t = target(labels, targets, i, off, j, k);
                if (t != 0) total += t * (logSumExp - x[off + j]);
                double p = Math.exp(x[off + j] - logSumExp);
                g[off + j] = (float) ((p * targetSum - t) / n);
            }
        }
        return total / n;
    }

    private double target(int[] labels, float[] targets, int i, int off, int j, int k) {
        if (labels == null) return targets[off + j];
        return (labels[i] == j ? 1 - smoothing : 0) + smoothing / k;
    }

    /** out[outOff..+k) = softmax(in[inOff..+k)), with the maximum subtracted for stability. */
    public static void softmax(float[] in, int inOff, int k, float[] out, int outOff) {
        double max = in[inOff];
        for (int j = 1; j < k; j++) max = Math.max(max, in[inOff + j]);
        double sum = 0;
        for (int j = 0; j < k; j++) sum += Math.exp(in[inOff + j] - max);
        for (int j = 0; j < k; j++) out[outOff + j] = (float) (Math.exp(in[inOff + j] - max) / sum);
    }
}
