package org.striate.bench;

import org.striate.StriateException;
import org.striate.nn.Graph;
import org.striate.nn.Layer;

/**
 * How long and at which batch sizes to measure. {@code seconds} is the time spent timing each
 * figure (after a warm-up of the same length; per-layer figures use half); {@code peakMillis} the
 * FMA loop's duration.
 */
public record BenchOptions(double seconds, int trainBatch, int inferBatch, long seed, long peakMillis) {

    /**
     * Multiply-adds per sample from which a model gets the large-model batches. The 28×28 models do at
     * most a few 10^7 (resnet8 3.7·10^7), resnet18 at 224×224 1.8·10^9; peers.py draws the same line.
     */
    public static final long LARGE_MACS = 100_000_000L;
    /** Batches of the 28×28 models, as the peers time them: training 64, inference 256. */
    public static final int TRAIN_BATCH = 64, INFER_BATCH = 256;
    /**
     * Batches from {@link #LARGE_MACS} on (resnet18 in peers.py): 16 and 16. At 64/256 resnet18 would
     * need many GiB and minutes per window.
     */
    public static final int LARGE_TRAIN_BATCH = 16, LARGE_INFER_BATCH = 16;

    public BenchOptions {
        if (!(seconds > 0)) throw new StriateException("Invalid value for argument `seconds`. Expected a positive value. Received seconds=" + seconds + ".");
        if (trainBatch < 1 || inferBatch < 1) {
            throw new StriateException("Invalid batch size. Expected positive values. Received train batch " + trainBatch + ", inference batch " + inferBatch + ".");
        }
        if (peakMillis < 1) throw new StriateException("Invalid value for argument `peakMillis`. Expected >= 1. Received " + peakMillis + ".");
    }

    /** Batch 64 training, batch 256 inference, 3 s warm-up and 3 s of timing per figure. */
    public static BenchOptions defaults() { return new BenchOptions(3.0, TRAIN_BATCH, INFER_BATCH, 42, 500); }

    /** {@link #defaults()} with the batches {@link #LARGE_MACS} picks for this model. */
    public static BenchOptions defaults(Graph model) {
        boolean large = macsPerSample(model) >= LARGE_MACS;
        return defaults().withBatches(large ? LARGE_TRAIN_BATCH : TRAIN_BATCH, large ? LARGE_INFER_BATCH : INFER_BATCH);
    }

    /** The forward pass's multiply-adds for one sample, over all layers. */
    public static long macsPerSample(Graph model) { return model.layers().stream().mapToLong(Layer::macs).sum(); }

    public BenchOptions withSeconds(double s) { return new BenchOptions(s, trainBatch, inferBatch, seed, peakMillis); }

    public BenchOptions withBatches(int train, int infer) { return new BenchOptions(seconds, train, infer, seed, peakMillis); }
}
