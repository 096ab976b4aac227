package org.striate.train;

import org.striate.nn.Graph;
import org.striate.tensor.Tensor;

/**
 * One optimisation step exactly as {@link Trainer} takes it: zero the gradients, run the batch
 * forward split over the threads ({@link DataParallel}), the loss, back-propagate, and let the
 * optimizer update the model's parameters. It is in two halves so that the trainer can check the
 * loss and count correct answers between them; {@code striate bench} times this same step, so the
 * speed it reports is the speed of training.
 */
public final class TrainingStep {
    private final Graph model;
    private final DataParallel parallel;
    private final Loss loss;
    private final Optimizer optimizer;
    /** The parameter ranges of trainable layers: a frozen layer's parameters are never stepped. */
    private final int[] trainable;
    private Tensor output;

    public TrainingStep(Graph model, DataParallel parallel, Loss loss, Optimizer optimizer) {
        this.model = model;
        this.parallel = parallel;
        this.loss = loss;
        this.optimizer = optimizer;
        this.trainable = model.trainableRanges();
    }

    /**
     * Zeroes the gradients, runs {@code x} forward in training mode and returns the mean loss against
     * {@code targets} when given, else against the class indices {@code labels}.
     */
    public double forward(Tensor x, int[] labels, Tensor targets) {
        model.zeroGrad();
        output = parallel.forward(x, true);
        return targets != null ? loss.forward(output, targets) : loss.forward(output, labels);
    }

    /** The model's outputs for the last {@link #forward}, valid until {@link #update} (layers reuse the buffer). */
    public Tensor output() { return output; }

    /** Back-propagates the last forward's loss and lets the optimizer step at learning rate {@code lr}. */
    public void update(double lr) {
        parallel.backwardParameters(loss.backward());
        optimizer.step(model.params(), model.grads(), lr, trainable);
    }
}
