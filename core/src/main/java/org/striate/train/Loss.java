package org.striate.train;

import org.striate.StriateException;
import org.striate.tensor.Tensor;

/**
 * A training objective over a whole batch. {@code forward} returns the mean loss over the batch and
 * keeps what {@code backward} needs; {@code backward} returns d(mean loss)/d(predictions) with the
 * shape of the predictions, in a buffer the loss reuses on the next call.
 *
 * <p>Predictions are (N, ...) with K = elements per sample. Targets are either class indices, one
 * per sample ({@code labels[0..N)}), or a dense tensor: of the same shape as the predictions unless
 * the loss says otherwise in {@link #checkTargets} (a per-pixel loss takes one class index per pixel).
 */
public interface Loss {

    /** Short name for logs and history, e.g. "softmax-cross-entropy". */
    String name();

    /** Mean loss against class indices {@code labels[0..N)}; the array may be longer than N. */
    double forward(Tensor predictions, int[] labels);

    /** Mean loss against dense targets, shaped as {@link #checkTargets} accepts. */
    double forward(Tensor predictions, Tensor targets);

    /** d(mean loss)/d(predictions) for the last {@code forward}, shaped like the predictions. */
    Tensor backward();

    /** The class a row of K outputs stands for: the index of the largest output (first on ties). */
    default int predictedClass(float[] outputs, int offset, int width) {
        int best = 0;
        for (int j = 1; j < width; j++) if (outputs[offset + j] > outputs[offset + best]) best = j;
        return best;
    }

    /** Fails when per-sample targets of shape {@code target} cannot train a model whose output per sample is {@code output}. */
    default void checkTargets(int[] output, int[] target) {
        if (!org.striate.tensor.Shapes.equal(output, target)) {
            throw new org.striate.tensor.ShapeException("The model outputs " + org.striate.tensor.Shapes.str(output) + " per sample but the targets are "
                    + org.striate.tensor.Shapes.str(target) + ". Expected targets of the model's output shape for " + name() + ".");
        }
    }

    /**
     * The share of the batch the predictions get right against dense targets, in the loss's own sense
     * (pixels whose class is right, for a per-pixel loss); NaN when the loss has no such sense.
     */
    default double accuracy(Tensor predictions, Tensor targets) { return Double.NaN; }

    /** Fails when a model with {@code outputs} values per sample cannot be trained on {@code classes} labels. */
    default void checkClasses(int outputs, int classes) {
        if (outputs != classes) {
            throw new StriateException("The model outputs " + outputs + " values per sample but the data has " + classes
                    + " classes. Expected one output per class for " + name() + "; end the model with 'dense " + classes + "'.");
        }
    }
}
