package org.striate.train;

import java.util.Random;
import org.striate.StriateException;
import org.striate.data.Augmentation;
import org.striate.data.Normalization;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Cuts images in [0, 1] into batches for a model: copies the samples of one batch, in the current
 * order, into a buffer made once, applying the model's normalisation x' = (x − mean[c]) / std[c] per
 * channel on the way. {@link #load} allocates nothing: the full-size batch and the shorter last batch
 * are views made in the constructor. With an {@link Augmentation} each image is shifted and flipped
 * before it is normalised, so the uncovered border is black, as torchvision pads before it normalises.
 * Target tensors of dense tasks, when given, are copied batch by batch in the same order, unnormalised.
 */
public final class BatchLoader {
    private final Tensor images;
    private final int[] labels;
    private final int batchSize, samples, sampleSize, channels, plane;
    private final float[] mean, std;
    private final int[] order;
    private final int[] batchLabels;
    private final Tensor full, last;
    private final Tensor targets, fullTargets, lastTargets;
    private Tensor batchTargets;
    private final int[] sample;
    private float[] scratch;

    /**
     * @param images (N, ...sampleShape) in [0, 1]
     * @param labels one per image, or null (prediction)
     * @param mean per channel (length 1 or the first dimension of the sample shape), as {@code std}
     */
    public BatchLoader(Tensor images, int[] labels, int batchSize, float[] mean, float[] std) {
        this(images, labels, null, batchSize, mean, std);
    }

    /** The same, with a target tensor (N, ...) per image (may be null) loaded beside each batch. */
    public BatchLoader(Tensor images, int[] labels, Tensor targets, int batchSize, float[] mean, float[] std) {
        if (batchSize <= 0) throw new StriateException("Invalid value for argument `batch_size`. Expected a strictly positive value. Received batch_size=" + batchSize + ".");
        this.images = images;
        this.labels = labels;
        this.samples = images.batch();
        this.sampleSize = images.sampleSize();
        int[] sample = images.sampleShape();
        this.sample = sample;
        this.channels = sample.length == 0 ? 1 : sample[0];
        this.plane = channels == 0 ? 0 : sampleSize / channels;
        if (mean.length != std.length || (mean.length != 1 && mean.length != channels)) {
            throw new StriateException("The model's normalisation has " + mean.length + " mean(s) and " + std.length
                    + " std(s) but the images have " + channels + " channel(s) " + Shapes.str(sample)
                    + ". Expected one value for all channels or one per channel.");
        }
        this.mean = mean.clone();
        this.std = std.clone();
        this.batchSize = Math.min(batchSize, Math.max(samples, 1));
        this.order = new int[samples];
        for (int i = 0; i < samples; i++) order[i] = i;
        this.batchLabels = new int[this.batchSize];
        float[] buffer = new float[this.batchSize * sampleSize];
        this.full = Tensor.of(buffer, Shapes.withBatch(this.batchSize, sample));
        int rest = samples % this.batchSize;
        this.last = rest == 0 ? full : Tensor.of(buffer, Shapes.withBatch(rest, sample));
        this.targets = targets;
        if (targets != null) {
            int[] t = targets.sampleShape();
            float[] tb = new float[this.batchSize * targets.sampleSize()];
            this.fullTargets = Tensor.of(tb, Shapes.withBatch(this.batchSize, t));
            this.lastTargets = rest == 0 ? fullTargets : Tensor.of(tb, Shapes.withBatch(rest, t));
        } else {
            this.fullTargets = this.lastTargets = null;
        }
    }

    /** Checks the images fit the model's per-sample input shape. */
    public static void checkShape(int[] modelInput, Tensor images) {
        if (!Shapes.equal(modelInput, images.sampleShape())) {
            throw new ShapeException("The model expects samples of shape " + Shapes.str(modelInput) + " but the data has samples of shape "
                    + Shapes.str(images.sampleShape()) + ". Expected images of the model's input shape.");
        }
    }

    /** Batches per pass over the data, the last one possibly shorter. */
    public int steps() { return (samples + batchSize - 1) / batchSize; }

    public int samples() { return samples; }

    /** Fisher–Yates over the current order: the same generator state gives the same order. */
    public void shuffle(Random rng) {
        for (int i = samples - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** The current order of the samples (a copy): shuffles go on from it, so a checkpoint keeps it. */
    public int[] order() { return order.clone(); }

    /** Puts back an order {@link #order()} returned. */
    public void restoreOrder(int[] saved) {
        boolean[] seen = new boolean[samples];
        boolean ok = saved.length == samples;
        for (int i = 0; ok && i < samples; i++) {
            ok = saved[i] >= 0 && saved[i] < samples && !seen[saved[i]];
            if (ok) seen[saved[i]] = true;
        }
        if (!ok) throw new StriateException("Invalid sample order: expected a permutation of 0.." + (samples - 1) + ".");
        System.arraycopy(saved, 0, order, 0, samples);
    }

    /** Batch {@code step} (from 0), normalised, in the reused buffer; its labels are in {@link #labels()}. */
    public Tensor load(int step) { return load(step, Augmentation.none(), null); }

    /**
     * Batch {@code step} (from 0), each image augmented with draws from {@code rng} and then
     * normalised; images must be (C, H, W) unless {@code augmentation} is none.
     */
    public Tensor load(int step, Augmentation augmentation, Random rng) {
        boolean augment = !augmentation.isNone();
        if (augment && targets != null) {
            throw new StriateException("Augmentation is not supported with target tensors (segmentation, upscaling, detection): "
                    + "a shifted image would no longer match its target. Expected no augmentation for a dense task.");
        }
        if (augment && sample.length != 3) {
            throw new StriateException("Augmentation expects images of shape (C, H, W) but the samples have shape " + Shapes.str(sample)
                    + ". Expected no augmentation for data that are not images.");
        }
        if (augment && scratch == null) scratch = new float[sampleSize];
        if (step < 0 || step >= steps()) {
            throw new StriateException("Invalid batch index " + step + ". Expected 0 to " + (steps() - 1) + " for " + samples
                    + " samples in batches of " + batchSize + ".");
        }
        Tensor batch = step == steps() - 1 ? last : full;
        batchTargets = step == steps() - 1 ? lastTargets : fullTargets;
        int n = batch.batch(), first = step * batchSize;
        float[] src = images.data, dst = batch.data;
        for (int b = 0; b < n; b++) {
            int s = order[first + b];
            if (labels != null) batchLabels[b] = labels[s];
            if (targets != null) {
                int per = targets.sampleSize();
                System.arraycopy(targets.data, s * per, fullTargets.data, b * per, per);
            }
            int to = b * sampleSize;
            float[] in = src;
            int from = s * sampleSize;
            if (augment) {                       // augment a raw copy in place, then normalise it where it is
                System.arraycopy(src, from, dst, to, sampleSize);
                augmentation.applyToSample(dst, to, sample[0], sample[1], sample[2], rng, scratch);
                in = dst;
                from = to;
            }
            Normalization.normalizeSample(in, from, dst, to, channels, plane, mean, std);
        }
        return batch;
    }

    /** Labels of the batch last loaded, in its first n entries. */
    public int[] labels() { return batchLabels; }

    /** Targets of the batch last loaded (null without targets), in a reused buffer. */
    public Tensor targets() { return batchTargets; }
}
