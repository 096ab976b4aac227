package org.striate.bench;

import org.striate.StriateException;

/**
 * How long and at which batch sizes to measure. {@code seconds} is the time spent timing each
 * figure (after a warm-up of the same length; per-layer figures use half); {@code peakMillis} the
 * FMA loop's duration.
 */
public record BenchOptions(double seconds, int trainBatch, int inferBatch, long seed, long peakMillis) {

    public BenchOptions {
        if (!(seconds > 0)) throw new StriateException("Invalid value for argument `seconds`. Expected a positive value. Received seconds=" + seconds + ".");
        if (trainBatch < 1 || inferBatch < 1) {
            throw new StriateException("Invalid batch size. Expected positive values. Received train batch " + trainBatch + ", inference batch " + inferBatch + ".");
        }
        if (peakMillis < 1) throw new StriateException("Invalid value for argument `peakMillis`. Expected >= 1. Received " + peakMillis + ".");
    }

    /** Batch 64 training, batch 256 inference, 3 s warm-up and 3 s of timing per figure. */
    public static BenchOptions defaults() { return new BenchOptions(3.0, 64, 256, 42, 500); }

    public BenchOptions withSeconds(double s) { return new BenchOptions(s, trainBatch, inferBatch, seed, peakMillis); }
}
