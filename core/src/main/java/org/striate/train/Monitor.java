package org.striate.train;

import java.util.Locale;
import org.striate.StriateException;

/**
 * The validation figure that early stopping and keeping the best epoch watch: validation loss (lower
 * is better, the default, as in Keras) or validation accuracy (higher is better).
 */
public enum Monitor {
    VALIDATION_LOSS("val_loss", "validation loss"),
    VALIDATION_ACCURACY("val_accuracy", "validation accuracy");

    private final String key, label;

    Monitor(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** "val_loss" or "val_accuracy", as the command line takes it. */
    public String key() { return key; }

    /** "validation loss", for messages. */
    public String label() { return label; }

    /** The watched figure of an epoch; a StriateException when the fit had no validation data. */
    public double value(EpochStats s) {
        if (!s.hasValidation()) {
            throw new StriateException("Cannot watch the " + label + " of epoch " + s.epoch() + ": the fit has no validation data. "
                    + "Expected TrainOptions.validation(...) (on the command line, --val-split F).");
        }
        return this == VALIDATION_LOSS ? s.validationLoss() : s.validationAccuracy();
    }

    /** Whether {@code value} beats {@code best} by more than {@code minDelta} (NaN best: anything finite beats it). */
    public boolean improves(double value, double best, double minDelta) {
        if (Double.isNaN(value)) return false;
        if (Double.isNaN(best)) return true;
        return this == VALIDATION_LOSS ? value < best - minDelta : value > best + minDelta;
    }

    /** From "val_loss", "loss", "val_accuracy" or "accuracy". */
    public static Monitor parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        for (Monitor m : values()) {
            if (m.key.equals(k) || m.key.equals("val_" + k)) return m;
        }
        throw new StriateException("Invalid figure to watch '" + s + "'. Expected val_loss or val_accuracy.");
    }
}
