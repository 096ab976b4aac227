package org.striate.train;

import java.nio.file.Path;
import org.striate.StriateException;
import org.striate.data.Augmentation;
import org.striate.data.Dataset;

/**
 * How to fit: epochs, batch size, optimizer, learning-rate schedule, loss, shuffling seed, optional
 * validation data, a listener and training-time augmentation. Defaults: 10 epochs of 32, Adam at
 * 0.001, constant rate, softmax cross-entropy, seed 42, no augmentation.
 *
 * <pre>{@code
 * TrainOptions.builder().epochs(5).batchSize(64).optimizer(new Sgd(0.05).momentum(0.9))
 *         .schedule(LearningRateSchedule.cosine(5, 0)).validation(test).build();
 * }</pre>
 */
public record TrainOptions(int epochs, int batchSize, Optimizer optimizer, LearningRateSchedule schedule, Loss loss,
                           long seed, Dataset validation, TrainingListener listener, Augmentation augmentation,
                           Path checkpointFile, int checkpointEvery, Checkpoint resume) {

    public TrainOptions {
        if (epochs <= 0) throw new StriateException("Invalid value for argument `epochs`. Expected a strictly positive value. Received epochs=" + epochs + ".");
        if (batchSize <= 0) throw new StriateException("Invalid value for argument `batch_size`. Expected a strictly positive value. Received batch_size=" + batchSize + ".");
        if (optimizer == null) throw new StriateException("Invalid training options: expected an optimizer, received none.");
        if (schedule == null) schedule = LearningRateSchedule.constant();
        if (loss == null) loss = new SoftmaxCrossEntropy();
        if (listener == null) listener = TrainingListener.NONE;
        if (augmentation == null) augmentation = Augmentation.none();
        if (checkpointEvery < 0) throw new StriateException("Invalid value for argument `checkpoint_every`. Expected a number of steps >= 0 (0: at each epoch's end only). Received " + checkpointEvery + ".");
        if (checkpointFile != null) org.striate.io.AtomicFile.checkTarget(checkpointFile, "Checkpoint file");
    }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private int epochs = 10, batchSize = 32;
        private Optimizer optimizer;
        private LearningRateSchedule schedule;
        private Loss loss;
        private long seed = 42;
        private Dataset validation;
        private TrainingListener listener;
        private Augmentation augmentation;
        private Path checkpointFile;
        private int checkpointEvery;
        private Checkpoint resume;

        public Builder epochs(int n) { epochs = n; return this; }
        public Builder batchSize(int n) { batchSize = n; return this; }
        public Builder optimizer(Optimizer o) { optimizer = o; return this; }
        public Builder schedule(LearningRateSchedule s) { schedule = s; return this; }
        public Builder loss(Loss l) { loss = l; return this; }
        /** Seeds the shuffling: the same seed gives the same batch order. */
        public Builder seed(long s) { seed = s; return this; }
        public Builder validation(Dataset d) { validation = d; return this; }
        public Builder listener(TrainingListener l) { listener = l; return this; }
        /** Random shift (zero-padded crop) and horizontal flip of each training image, from the seed. */
        public Builder augmentation(Augmentation a) { augmentation = a; return this; }

        /**
         * Writes a {@link Checkpoint} to {@code file} every {@code everySteps} optimizer steps (0: none
         * between) and at the end of each epoch, keeping the one before as {@code <file>.1}.
         */
        public Builder checkpoint(Path file, int everySteps) { checkpointFile = file; checkpointEvery = everySteps; return this; }
        /**
         * Goes on from {@code checkpoint}, which must come from a run with the same model, data and
         * options (thread count and kernels too): the trained weights are then bit-identical to those
         * of the run that was never stopped.
         */
        public Builder resume(Checkpoint checkpoint) { resume = checkpoint; return this; }

        public TrainOptions build() {
            return new TrainOptions(epochs, batchSize, optimizer == null ? new Adam(1e-3) : optimizer, schedule, loss, seed, validation, listener, augmentation,
                    checkpointFile, checkpointEvery, resume);
        }
    }
}
