package org.striate.train;

import java.util.ArrayList;
import java.util.List;
import org.striate.StriateException;
import org.striate.data.Augmentation;
import org.striate.data.Dataset;
import org.striate.data.SavableRandom;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;

/**
 * The fit loop: for each epoch, shuffle from the seed, then for each batch (augmented when the options
 * ask for it, from a generator of its own so the batch order does not depend on it) zero the gradients, run
 * forward and the loss, back-propagate, and let the optimizer step at the scheduled rate. A batch
 * allocates nothing in the loop itself (the loader and the loss reuse their buffers).
 *
 * <p>Each batch is split over the kernels' threads ({@link DataParallel}). Each fit starts with fresh
 * optimizer state. The optimizer steps only the parameters of trainable layers ({@code Layer.trainable}),
 * read once when the fit starts. With the same thread count, the same initial weights, data and options give
 * bit-identical trained weights. With a checkpoint file it saves every state the loop depends on
 * ({@link Checkpoint}) every N steps and after each epoch; a fit resumed from one ends with the
 * weights of the fit that was never stopped.
 */
public final class Trainer {
    private final Graph model;
    private final TrainOptions options;

    public Trainer(Graph model, TrainOptions options) {
        this.model = model;
        this.options = options;
    }

    public History fit(Dataset train) {
        BatchLoader.checkShape(model.inputShape(), train.images());
        int outputs = Evaluator.outputWidth(model);
        Loss loss = options.loss();
        boolean dense = train.hasTargets();
        if (dense) loss.checkTargets(model.outputShape(), train.targets().sampleShape());
        else loss.checkClasses(outputs, train.classes());
        if (train.size() == 0) throw new StriateException("Cannot train on an empty data set. Expected at least one sample.");
        Dataset validation = options.validation();
        if (validation != null) BatchLoader.checkShape(model.inputShape(), validation.images());

        MemoryPlan.check(model, Math.min(options.batchSize(), train.size()), true, "Training the model");
        BatchLoader loader = new BatchLoader(train.images(), dense ? null : train.labels(), dense ? train.targets() : null,
                options.batchSize(), model.mean(), model.std());
        Optimizer optimizer = options.optimizer();
        optimizer.reset();
        TrainingListener listener = options.listener();
        SavableRandom rng = new SavableRandom(options.seed());
        SavableRandom augmentRng = new SavableRandom(~options.seed());
        Augmentation augmentation = options.augmentation();
        int steps = loader.steps(), epochs = options.epochs(), every = options.checkpointEvery();
        float[] params = model.params();
        int[] trainable = model.trainableRanges(); // frozen layers' parameters are left out of every step
        if (trainable.length == 0 && params.length > 0) {
            throw new StriateException("Every layer with parameters is frozen, so training would change nothing. Expected at least one "
                    + "such layer left trainable: freeze fewer layers (or call trainable(true) on one).");
        }
        DataParallel parallel = new DataParallel(model);
        TrainingStep trainingStep = new TrainingStep(model, parallel, loss, optimizer);
        Checkpoints checkpoints = options.checkpointFile() == null && options.resume() == null ? null
                : new Checkpoints(model, options, train, parallel.threads());
        boolean saving = options.checkpointFile() != null;
        List<EpochStats> history = new ArrayList<>(epochs);
        int firstEpoch = 0, firstStep = 0;
        double lossSum = 0, lr = 0, secondsBefore = 0;
        double correct = 0; // a whole count in classification; a sum of per-sample accuracies for dense targets
        long seen = 0;
        Checkpoint resume = options.resume();
        if (resume != null) {
            checkpoints.restore(resume, loader, rng, augmentRng);
            history.addAll(resume.history());
            firstEpoch = resume.epoch();
            firstStep = resume.step();
            lossSum = resume.lossSum();
            correct = resume.correct();
            seen = resume.seen();
            lr = resume.learningRate();
            secondsBefore = resume.epochSeconds();
        }
        listener.onTrainBegin(epochs, steps, train.size());

        for (int epoch = firstEpoch; epoch < epochs; epoch++) {
            long start = System.nanoTime();
            if (epoch > firstEpoch || firstStep == 0) {
                loader.shuffle(rng);
                lossSum = 0;
                correct = 0;
                seen = 0;
                secondsBefore = 0;
            }
            for (int step = epoch == firstEpoch ? firstStep : 0; step < steps; step++) {
                Tensor x = loader.load(step, augmentation, augmentRng);
                int[] labels = loader.labels();
                int n = x.batch();
                Tensor targets = dense ? loader.targets() : null;
                double batchLoss = trainingStep.forward(x, labels, targets);
                Tensor out = trainingStep.output();
                lr = options.schedule().rate(optimizer.learningRate(), epoch, step, steps);
                if (!Double.isFinite(batchLoss)) throw TrainingDivergedException.loss(epoch + 1, step + 1, steps, batchLoss, lr);
                // count before backward: the outputs may live in a buffer a layer reuses
                if (dense) correct += loss.accuracy(out, targets) * n;
                else for (int i = 0; i < n; i++) if (loss.predictedClass(out.data, i * outputs, outputs) == labels[i]) correct++;
                trainingStep.update(lr);

                lossSum += batchLoss * n;
                seen += n;
                double seconds = secondsBefore + (System.nanoTime() - start) / 1e9;
                listener.onBatch(epoch + 1, step + 1, steps, lossSum / seen, (double) correct / seen, seconds > 0 ? seen / seconds : 0);
                // between epochs the epoch-end checkpoint below is the one
                if (saving && every > 0 && step + 1 < steps && ((long) epoch * steps + step + 1) % every == 0) {
                    checkpoints.save(epoch, step + 1, loader, rng, augmentRng, lossSum, (long) correct, seen, lr, seconds, history);
                }
            }
            // a last step can still turn the weights non-finite; the next loss would show it, but there may be none
            for (float p : params) if (!Float.isFinite(p)) throw TrainingDivergedException.weights(epoch + 1, steps, steps, lr);
            Evaluation val = validation == null ? null : Evaluator.evaluate(model, parallel, validation, options.batchSize(), loss);
            if (val != null) listener.onValidation(epoch + 1, val);
            EpochStats stats = new EpochStats(epoch + 1, lossSum / seen, (double) correct / seen,
                    val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.accuracy(), lr,
                    secondsBefore + (System.nanoTime() - start) / 1e9);
            history.add(stats);
            listener.onEpoch(stats);
            if (saving) checkpoints.save(epoch + 1, 0, loader, rng, augmentRng, 0, 0, 0, lr, 0, history);
            if (listener.stopTraining()) break;
        }
        return new History(history);
    }
}
