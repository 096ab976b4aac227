package org.striate.data;

import org.striate.StriateException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Images and what a model should learn from them, held in memory: images (N, C, H, W) with values in
 * [0, 1] (the model's normalisation is applied later, batch by batch) and either one label per image
 * in [0, classes) (classification) or a target tensor (N, ...) per image (dense tasks: a class map per
 * pixel, a larger image, a detection grid). With targets, labels may be null.
 */
public record Dataset(Tensor images, int[] labels, String[] classNames, Tensor targets) {

    public Dataset {
        if (labels == null && targets == null) {
            throw new StriateException("Dataset has neither labels nor targets. Expected one label per image or a target tensor.");
        }
        if (labels != null && images.batch() != labels.length) {
            throw new StriateException("Dataset has " + images.batch() + " images but " + labels.length
                    + " labels. Expected one label per image.");
        }
        if (targets != null && (targets.rank() < 2 || targets.batch() != images.batch())) {
            throw new StriateException("Dataset has " + images.batch() + " images but targets of shape " + Shapes.str(targets.shape())
                    + ". Expected one target per image, shaped (N, ...).");
        }
        for (int i = 0; labels != null && i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.length) {
                throw new StriateException("Label " + labels[i] + " of sample " + i + " is outside [0, " + classNames.length
                        + "). Expected labels that index the " + classNames.length + " class names.");
            }
        }
    }

    /** A classification data set: one label per image. */
    public Dataset(Tensor images, int[] labels, String[] classNames) { this(images, labels, classNames, null); }

    /** A data set for a dense task: one target tensor per image, no labels. */
    public static Dataset dense(Tensor images, Tensor targets, String[] classNames) {
        return new Dataset(images, null, classNames, targets);
    }

    public int size() { return images.batch(); }
    public int classes() { return classNames.length; }
    /** True when every image has a target tensor rather than (only) a label. */
    public boolean hasTargets() { return targets != null; }
    /** Per-sample shape, e.g. (1, 28, 28). */
    public int[] sampleShape() { return images.sampleShape(); }

    /** The samples at the given indices, copied, in that order. */
    public Dataset subset(int[] indices) {
        Tensor out = gather(images, indices);
        int[] l = labels == null ? null : new int[indices.length];
        for (int i = 0; l != null && i < indices.length; i++) l[i] = labels[indices[i]];
        return new Dataset(out, l, classNames, targets == null ? null : gather(targets, indices));
    }

    private static Tensor gather(Tensor t, int[] indices) {
        int per = t.sampleSize();
        Tensor out = new Tensor(Shapes.withBatch(indices.length, t.sampleShape()));
        for (int i = 0; i < indices.length; i++) System.arraycopy(t.data, indices[i] * per, out.data, i * per, per);
        return out;
    }

    /** The first n samples (all if n ≥ size). */
    public Dataset head(int n) {
        if (n >= size()) return this;
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        return subset(idx);
    }
}
