package org.striate.train;

import org.striate.StriateException;

/** The loss or the weights became NaN or infinite while training: the weights are no longer usable. */
public class TrainingDivergedException extends StriateException {
    private final int epoch, step;

    private TrainingDivergedException(int epoch, int step, int steps, String what, double learningRate) {
        super("Training diverged at epoch " + epoch + ", step " + step + " of " + steps + ": " + what
                + ". Expected finite values. Try a lower learning rate (it was " + learningRate
                + "), or check the input data for NaN or infinite values.");
        this.epoch = epoch;
        this.step = step;
    }

    /** {@code epoch} and {@code step} count from 1, as the progress display does. */
    public static TrainingDivergedException loss(int epoch, int step, int steps, double loss, double learningRate) {
        return new TrainingDivergedException(epoch, step, steps, "the loss is " + loss, learningRate);
    }

    public static TrainingDivergedException weights(int epoch, int step, int steps, double learningRate) {
        return new TrainingDivergedException(epoch, step, steps, "the weights are no longer finite", learningRate);
    }

    public int epoch() { return epoch; }
    public int step() { return step; }
}
