package org.striate.tasks;

import org.striate.StriateException;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;
import org.striate.train.Loss;

/**
 * The grid detector's loss (YOLO v1, with logistic objectness): per image, summed over cells,
 * binary cross-entropy of the objectness logit (cells without an object weigh {@link #NO_OBJECT}),
 * plus, in cells holding an object, {@link #COORD} × the squared error of the centre (after a
 * sigmoid) and root sizes, and the softmax cross-entropy of the class; the mean over the batch.
 * Predictions and targets are (N, 5 + K, S, S') in the layout of {@link GridDetector}.
 */
public final class GridDetectionLoss implements Loss {
    public static final double NO_OBJECT = 0.5, COORD = 5;
    private Tensor grad;

    @Override
    public String name() { return "grid-detection"; }

    @Override
    public double forward(Tensor predictions, int[] labels) {
        throw new StriateException("Loss " + name() + " needs a target grid per image, not one label. Expected a detection data set such as fashion-scenes.");
    }

    @Override
    public void checkClasses(int outputs, int classes) {
        throw new StriateException("Loss " + name() + " needs a target grid per image, not one label. Expected a detection data set such as fashion-scenes.");
    }

    @Override
    public void checkTargets(int[] output, int[] target) {
        if (output.length != 3 || output[0] <= GridDetector.BOX_CHANNELS || !Shapes.equal(output, target)) {
            throw new ShapeException("Loss " + name() + " expects model outputs and targets (5 + K, S, S) of one shape; received outputs "
                    + Shapes.str(output) + " and targets " + Shapes.str(target) + ". Expected a grid detector such as det-small.");
        }
    }

    @Override
    public double forward(Tensor p, Tensor t) {
        checkTargets(p.sampleShape(), t.sampleShape());
        if (p.batch() != t.batch()) throw new ShapeException("Loss " + name() + " received " + p.batch() + " predictions but " + t.batch() + " targets.");
        grad = grad != null && grad.data.length >= p.size() ? Tensor.of(grad.data, p.shape()) : new Tensor(p.shape());
        int n = p.batch(), channels = p.dim(1), plane = p.dim(2) * p.dim(3), k = channels - GridDetector.BOX_CHANNELS;
        float[] z = p.data, y = t.data, g = grad.data;
        java.util.Arrays.fill(g, 0, p.size(), 0f);
        double total = 0, inv = 1.0 / n;
        for (int i = 0; i < n; i++) {
            for (int cell = 0; cell < plane; cell++) {
                int at = i * channels * plane + cell;
                float obj = y[at];
                double s = GridDetector.sigmoid(z[at]), weight = obj > 0 ? 1 : NO_OBJECT;
                // BCE with logits: max(z,0) − z·t + log(1 + e^−|z|)
                total += weight * (Math.max(z[at], 0) - z[at] * obj + Math.log1p(Math.exp(-Math.abs(z[at]))));
                g[at] = (float) (weight * (s - obj) * inv);
                if (obj <= 0) continue;
                for (int c = 1; c <= 4; c++) {
                    int a = at + c * plane;
                    double v = c <= 2 ? GridDetector.sigmoid(z[a]) : z[a], d = v - y[a];
                    total += COORD * d * d;
                    g[a] = (float) (COORD * 2 * d * (c <= 2 ? v * (1 - v) : 1) * inv);
                }
                int first = at + GridDetector.BOX_CHANNELS * plane;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) max = Math.max(max, z[first + c * plane]);
                double sum = 0;
                for (int c = 0; c < k; c++) sum += Math.exp(z[first + c * plane] - max);
                double logSum = max + Math.log(sum);
                for (int c = 0; c < k; c++) {
                    int a = first + c * plane;
                    total += y[a] * (logSum - z[a]);
                    g[a] = (float) ((Math.exp(z[a] - logSum) - y[a]) * inv);
                }
            }
        }
        return total * inv;
    }

    @Override
    public Tensor backward() { return grad; }
}
