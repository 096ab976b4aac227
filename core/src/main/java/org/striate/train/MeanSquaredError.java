package org.striate.train;

import org.striate.tensor.Tensor;

/**
 * Mean of (prediction − target)² over every element; gradient 2·(prediction − target) / (N·K).
 * With class indices the target row is one-hot.
 */
public final class MeanSquaredError implements Loss {
    private Tensor grad;

    @Override
    public String name() { return "mean-squared-error"; }

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

    private double compute(Tensor y, int[] labels, float[] targets) {
        int n = y.batch(), k = y.sampleSize();
        grad = LossBuffers.sameShape(grad, y);
        float[] x = y.data, g = grad.data;
        double count = (double) n * k, total = 0;
        for (int i = 0; i < n; i++) {
            int off = i * k;
            if (labels != null && (labels[i] < 0 || labels[i] >= k)) throw LossBuffers.badLabel(name(), i, labels[i], k);
            for (int j = 0; j < k; j++) {
                double t = labels == null ? targets[off + j] : (labels[i] == j ? 1 : 0);
                double d = x[off + j] - t;
                total += d * d;
                g[off + j] = (float) (2 * d / count);
            }
        }
        return total / count;
    }
}
