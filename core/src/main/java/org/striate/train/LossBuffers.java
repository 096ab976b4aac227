package org.striate.train;

import org.striate.StriateException;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/** Shape checks and the reused gradient buffer shared by the losses. */
final class LossBuffers {
    private LossBuffers() {}

    /**
     * {@code cached} when it already has the shape of {@code like}; else a view of its storage when that
     * is large enough (the shorter last batch of an epoch); else a new tensor.
     */
    static Tensor sameShape(Tensor cached, Tensor like) {
        if (cached == null) return new Tensor(like.shape());
        if (cached.rank() == like.rank()) {
            boolean same = true;
            for (int i = 0; same && i < like.rank(); i++) same = cached.dim(i) == like.dim(i);
            if (same) return cached;
        }
        return cached.data.length >= like.size() ? Tensor.of(cached.data, like.shape()) : new Tensor(like.shape());
    }

    static void checkTargets(String loss, Tensor predictions, Tensor targets) {
        boolean same = predictions.rank() == targets.rank();
        for (int i = 0; same && i < predictions.rank(); i++) same = predictions.dim(i) == targets.dim(i);
        if (!same) {
            throw new ShapeException("Loss " + loss + " expected targets of the same shape as the predictions "
                    + Shapes.str(predictions.shape()) + " but received " + Shapes.str(targets.shape()) + ".");
        }
    }

    static void checkLabels(String loss, Tensor predictions, int[] labels) {
        if (labels.length < predictions.batch()) {
            throw new ShapeException("Loss " + loss + " expected one label per sample (" + predictions.batch()
                    + ") but received " + labels.length + ".");
        }
    }

    static StriateException badLabel(String loss, int sample, int label, int classes) {
        return new StriateException("Label " + label + " of sample " + sample + " is outside [0, " + classes
                + "). Expected class indices below the " + classes + " outputs of the model (loss " + loss + ").");
    }
}
