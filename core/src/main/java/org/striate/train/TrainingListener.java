package org.striate.train;

/**
 * Hears the fit loop's progress (the command line draws its progress bar from it). Epochs and steps
 * count from 1. Called on the training thread: keep it quick.
 */
public interface TrainingListener {

    /** Before the first batch. */
    default void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {}

    /** After each optimizer step; loss and accuracy are running means over the epoch so far. */
    default void onBatch(int epoch, int step, int steps, double loss, double accuracy, double imagesPerSecond) {}

    /** After each epoch's validation, before {@link #onEpoch}: the full evaluation, confusion matrix included. */
    default void onValidation(int epoch, Evaluation validation) {}

    /** After each epoch, with validation figures when validation data was given. */
    default void onEpoch(EpochStats stats) {}

    /** Asked after each {@link #onEpoch}: true ends the fit there (early stopping). */
    default boolean stopTraining() { return false; }

    /** After a checkpoint was written; {@code epoch} and {@code step} (from 1) are the last step it holds. */
    default void onCheckpoint(java.nio.file.Path file, int epoch, int step) {}

    TrainingListener NONE = new TrainingListener() {};
}
