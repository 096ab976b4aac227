package org.striate.train;

import java.util.Locale;

/**
 * The figures of one epoch. {@code epoch} counts from 1; validation figures are NaN when no validation
 * data was given; {@code learningRate} is the rate of the epoch's last step.
 */
public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                         double validationAccuracy, double learningRate, double seconds) {

    public boolean hasValidation() { return !Double.isNaN(validationAccuracy); }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "epoch %d: loss %.4f, accuracy %.4f%s, lr %.3g, %.1f s", epoch, trainLoss, trainAccuracy,
                hasValidation() ? String.format(Locale.ROOT, ", val loss %.4f, val accuracy %.4f", validationLoss, validationAccuracy) : "",
                learningRate, seconds);
    }
}
