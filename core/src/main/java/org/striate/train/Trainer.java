package org.striate.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.striate.StriateException;
import org.striate.data.Augmentation;
import org.striate.data.Dataset;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;

/**
 * The fit loop: for each epoch, shuffle from the seed, then for each batch (augmented when the options
 * ask for it, from a generator of its own so the batch order does not depend on it) zero the gradients, run
 * forward and the loss, back-propagate, and let the optimizer step at the scheduled rate. A batch
 * allocates nothing in the loop itself (the loader and the loss reuse their buffers).
 *
 * <p>Each batch is split over the kernels' threads ({@link DataParallel}). Each fit starts with fresh
 * optimizer state. With the same thread count, the same initial weights, data and options give
 * bit-identical trained weights.
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

        BatchLoader loader = new BatchLoader(train.images(), dense ? null : train.labels(), dense ? train.targets() : null,
                options.batchSize(), model.mean(), model.std());
        Optimizer optimizer = options.optimizer();
        optimizer.reset();
        TrainingListener listener = options.listener();
        Random rng = new Random(options.seed());
        Random augmentRng = new Random(~options.seed());
        Augmentation augmentation = options.augmentation();
        int steps = loader.steps(), epochs = options.epochs();
        float[] params = model.params(), grads = model.grads();
        DataParallel parallel = new DataParallel(model);
        List<EpochStats> history = new ArrayList<>(epochs);
        listener.onTrainBegin(epochs, steps, train.size());

        for (int epoch = 0; epoch < epochs; epoch++) {
            long start = System.nanoTime();
            loader.shuffle(rng);
            double lossSum = 0, lr = 0;
            double correct = 0;
            int seen = 0;
            for (int step = 0; step < steps; step++) {
                Tensor x = loader.load(step, augmentation, augmentRng);
                int[] labels = loader.labels();
                int n = x.batch();
                model.zeroGrad();
                Tensor out = parallel.forward(x, true);
                Tensor targets = loader.targets();
                double batchLoss = dense ? loss.forward(out, targets) : loss.forward(out, labels);
                lr = options.schedule().rate(optimizer.learningRate(), epoch, step, steps);
                if (!Double.isFinite(batchLoss)) throw TrainingDivergedException.loss(epoch + 1, step + 1, steps, batchLoss, lr);
                // count before backward: the outputs may live in a buffer a layer reuses
                if (dense) correct += loss.accuracy(out, targets) * n;
                else for (int i = 0; i < n; i++) if (loss.predictedClass(out.data, i * outputs, outputs) == labels[i]) correct++;
                parallel.backwardParameters(loss.backward());
                optimizer.step(params, grads, lr);

                lossSum += batchLoss * n;
                seen += n;
                double seconds = (System.nanoTime() - start) / 1e9;
                listener.onBatch(epoch + 1, step + 1, steps, lossSum / seen, correct / seen, seconds > 0 ? seen / seconds : 0);
            }
            // a last step can still turn the weights non-finite; the next loss would show it, but there may be none
            for (float p : params) if (!Float.isFinite(p)) throw TrainingDivergedException.weights(epoch + 1, steps, steps, lr);
            Evaluation val = validation == null ? null : Evaluator.evaluate(model, parallel, validation, options.batchSize(), loss);
            EpochStats stats = new EpochStats(epoch + 1, lossSum / seen, correct / seen,
                    val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.accuracy(), lr, (System.nanoTime() - start) / 1e9);
            history.add(stats);
            listener.onEpoch(stats);
        }
        return new History(history);
    }
}
