package org.striate.train;

import org.striate.StriateException;
import org.striate.kernels.PixelKernels;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Softmax cross-entropy at every pixel, for segmentation: predictions (N, K, H, W) are K class scores
 * per pixel, targets (N, 1, H, W) one class index per pixel (stored as floats). The loss is the mean
 * over the N·H·W pixels of −log softmax(z)[label]; the gradient is (softmax(z) − onehot) / (N·H·W).
 * The loop is {@link PixelKernels#softmaxCrossEntropy}.
 */
public final class PixelSoftmaxCrossEntropy implements Loss {
    private Tensor grad;
    private int[] classes = new int[0];

    @Override
    public String name() { return "pixel-softmax-cross-entropy"; }

    @Override
    public double forward(Tensor predictions, int[] labels) {
        throw new StriateException("Loss " + name() + " needs one class per pixel, not one label per image. "
                + "Expected a data set with target maps (N, 1, H, W), such as fashion-scenes.");
    }

    @Override
    public double forward(Tensor predictions, Tensor targets) {
        int[] out = predictions.sampleShape();
        checkTargets(out, targets.sampleShape());
        if (predictions.batch() != targets.batch()) {
            throw new ShapeException("Loss " + name() + " received " + predictions.batch() + " predictions but " + targets.batch() + " target maps.");
        }
        int n = predictions.batch(), k = out[0], plane = out[1] * out[2];
        float[] t = targets.data;
        for (int i = 0; i < n * plane; i++) {
            if (!(t[i] >= 0 && t[i] < k) || t[i] != (int) t[i]) {
                throw new StriateException("Target class " + t[i] + " at pixel " + (i % plane) + " of sample " + (i / plane) + " is not a class index in [0, "
                        + k + "). Expected whole class indices below the " + k + " maps of the model.");
            }
        }
        grad = LossBuffers.sameShape(grad, predictions);
        double count = (double) n * plane;
        return PixelKernels.softmaxCrossEntropy(predictions.data, t, grad.data, n, k, plane, 1 / count) / count;
    }

    @Override
    public Tensor backward() { return grad; }

    /** Output (K, H, W) with K ≥ 2 and targets (1, H, W). */
    @Override
    public void checkTargets(int[] output, int[] target) {
        if (output.length != 3 || output[0] < 2 || target.length != 3 || target[0] != 1 || target[1] != output[1] || target[2] != output[2]) {
            throw new ShapeException("Loss " + name() + " expects model outputs (K, H, W) with K >= 2 class maps and targets (1, H, W) of the same H and W; "
                    + "received outputs " + Shapes.str(output) + " and targets " + Shapes.str(target)
                    + ". Expected a model ending in one map per class at the target's resolution (e.g. unet-small).");
        }
    }

    @Override
    public void checkClasses(int outputs, int classes) {
        throw new StriateException("Loss " + name() + " needs one class per pixel, not one label per image. Expected target maps (N, 1, H, W).");
    }

    /** Pixel accuracy of the batch. */
    @Override
    public double accuracy(Tensor predictions, Tensor targets) {
        int n = predictions.batch(), k = predictions.dim(1), plane = predictions.sampleSize() / k;
        if (classes.length < n * plane) classes = new int[n * plane];
        PixelKernels.argmax(predictions.data, n, k, plane, classes);
        long right = 0;
        for (int i = 0; i < n * plane; i++) if (classes[i] == (int) targets.data[i]) right++;
        return (double) right / ((double) n * plane);
    }
}
