package org.striate.data;

import org.striate.StriateException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Images and their labels held in memory: images (N, C, H, W) with values in [0, 1] (the model's
 * normalisation is applied later, batch by batch), labels in [0, classes).
 */
public record Dataset(Tensor images, int[] labels, String[] classNames) {

    public Dataset {
        if (images.batch() != labels.length) {
            throw new StriateException("Dataset has " + images.batch() + " images but " + labels.length
                    + " labels. Expected one label per image.");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.length) {
                throw new StriateException("Label " + labels[i] + " of sample " + i + " is outside [0, " + classNames.length
                        + "). Expected labels that index the " + classNames.length + " class names.");
            }
        }
    }

    public int size() { return labels.length; }
    public int classes() { return classNames.length; }
    /** Per-sample shape, e.g. (1, 28, 28). */
    public int[] sampleShape() { return images.sampleShape(); }

    /** The samples at the given indices, copied, in that order. */
    public Dataset subset(int[] indices) {
        int per = images.sampleSize();
        Tensor out = new Tensor(Shapes.withBatch(indices.length, sampleShape()));
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(images.data, indices[i] * per, out.data, i * per, per);
            l[i] = labels[indices[i]];
        }
        return new Dataset(out, l, classNames);
    }

    /** The first n samples (all if n ≥ size). */
    public Dataset head(int n) {
        if (n >= size()) return this;
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        return subset(idx);
    }
}
