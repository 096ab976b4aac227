package org.striate.tasks;

import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.kernels.PixelKernels;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;
import org.striate.train.BatchLoader;
import org.striate.train.DataParallel;

/**
 * Segmentation figures: a confusion matrix over pixels ({@code confusion[t][p]} counts pixels of true
 * class t predicted as p), pixel accuracy, and per class the intersection over union
 * TP / (TP + FP + FN); mean IoU averages the classes that occur in the truth or the predictions
 * (a class absent from both has no IoU and is left out, as in torchmetrics and mmseg).
 */
public final class Segmentation {
    private final long[][] confusion;

    public Segmentation(int classes) {
        if (classes < 2) throw new StriateException("Invalid class count " + classes + " for segmentation. Expected at least 2 (background and one class).");
        confusion = new long[classes][classes];
    }

    public int classes() { return confusion.length; }

    /** Adds n pixels: {@code truth} and {@code predicted} hold class indices. */
    public void add(int[] predicted, float[] truth, int n) {
        int k = confusion.length;
        for (int i = 0; i < n; i++) {
            int t = (int) truth[i], p = predicted[i];
            if (t < 0 || t >= k || p < 0 || p >= k) {
                throw new StriateException("Pixel " + i + " has class " + t + " (truth) and " + p + " (predicted). Expected classes in [0, " + k + ").");
            }
            confusion[t][p]++;
        }
    }

    public long[][] confusion() {
        long[][] c = new long[confusion.length][];
        for (int i = 0; i < c.length; i++) c[i] = confusion[i].clone();
        return c;
    }

    public long pixels() {
        long n = 0;
        for (long[] row : confusion) for (long v : row) n += v;
        return n;
    }

    /** Share of pixels whose class is right; NaN before any pixel. */
    public double pixelAccuracy() {
        long right = 0;
        for (int c = 0; c < confusion.length; c++) right += confusion[c][c];
        long n = pixels();
        return n == 0 ? Double.NaN : (double) right / n;
    }

    /** TP / (TP + FP + FN) of class c; NaN when c is neither in the truth nor predicted. */
    public double iou(int c) {
        long tp = confusion[c][c], fn = 0, fp = 0;
        for (int j = 0; j < confusion.length; j++) {
            if (j == c) continue;
            fn += confusion[c][j];
            fp += confusion[j][c];
        }
        long union = tp + fp + fn;
        return union == 0 ? Double.NaN : (double) tp / union;
    }

    /** Mean of the defined per-class IoUs. */
    public double meanIou() {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < confusion.length; c++) {
            double v = iou(c);
            if (!Double.isNaN(v)) { sum += v; n++; }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The class of every pixel of (N, K, H, W) class scores: (N, H·W) indices. */
    public static int[] classes(Tensor scores) {
        if (scores.rank() != 4) throw new StriateException("Expected class scores (N, K, H, W); received " + Shapes.str(scores.shape()) + ".");
        int n = scores.batch(), k = scores.dim(1), plane = scores.dim(2) * scores.dim(3);
        int[] out = new int[n * plane];
        PixelKernels.argmax(scores.data, n, k, plane, out);
        return out;
    }

    /** The figures of {@code model} on a segmentation data set (images and target maps), batch by batch, in eval mode. */
    public static Segmentation evaluate(Graph model, Dataset data, int batchSize) {
        BatchLoader.checkShape(model.inputShape(), data.images());
        if (!data.hasTargets()) throw new StriateException("Segmentation needs target maps per image. Expected a data set such as fashion-scenes.");
        new org.striate.train.PixelSoftmaxCrossEntropy().checkTargets(model.outputShape(), data.targets().sampleShape());
        int k = model.outputShape()[0], plane = data.targets().sampleSize();
        Segmentation m = new Segmentation(k);
        BatchLoader loader = new BatchLoader(data.images(), null, data.targets(), batchSize, model.mean(), model.std());
        DataParallel parallel = new DataParallel(model);
        int[] predicted = new int[batchSize * plane];
        for (int s = 0; s < loader.steps(); s++) {
            Tensor out = parallel.forward(loader.load(s), false);
            PixelKernels.argmax(out.data, out.batch(), k, plane, predicted);
            m.add(predicted, loader.targets().data, out.batch() * plane);
        }
        return m;
    }
}
