package org.striate.train;

import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;

/** Evaluation and prediction, batch by batch, in eval mode, with the model's normalisation applied. */
public final class Evaluator {
    /** Batch size when the caller gives none: large enough to amortise, small enough for any model here. */
    public static final int DEFAULT_BATCH = 64;

    private Evaluator() {}

    public static Evaluation evaluate(Graph model, Dataset data) {
        return evaluate(model, data, DEFAULT_BATCH, new SoftmaxCrossEntropy());
    }

    /** Accuracy, mean loss (over samples) and the confusion matrix of {@code model} on {@code data}. */
    public static Evaluation evaluate(Graph model, Dataset data, int batchSize, Loss loss) {
        return evaluate(model, new DataParallel(model), data, batchSize, loss);
    }

    /**
     * The same, with the batch split by a {@link DataParallel} of {@code model} that already exists:
     * training keeps one, and building the thread replicas again after every epoch would be waste.
     */
    static Evaluation evaluate(Graph model, DataParallel parallel, Dataset data, int batchSize, Loss loss) {
        BatchLoader.checkShape(model.inputShape(), data.images());
        if (data.hasTargets()) return evaluateDense(model, parallel, data, batchSize, loss);
        int outputs = outputWidth(model);
        loss.checkClasses(outputs, data.classes());
        if (data.size() == 0) throw new StriateException("Cannot evaluate on an empty data set. Expected at least one sample.");
        MemoryPlan.check(model, Math.min(batchSize, data.size()), false, "Evaluating the model");
        BatchLoader loader = new BatchLoader(data.images(), data.labels(), batchSize, model.mean(), model.std());
        int k = Math.max(data.classes(), outputs == 1 ? 2 : outputs);
        int[][] confusion = new int[k][k];
        double lossSum = 0;
        int correct = 0;
        for (int s = 0; s < loader.steps(); s++) {
            Tensor x = loader.load(s);
            Tensor out = parallel.forward(x, false);
            int n = x.batch();
            lossSum += loss.forward(out, loader.labels()) * n;
            int[] labels = loader.labels();
            for (int i = 0; i < n; i++) {
                int p = loss.predictedClass(out.data, i * outputs, outputs);
                confusion[labels[i]][p]++;
                if (p == labels[i]) correct++;
            }
        }
        return new Evaluation((double) correct / data.size(), lossSum / data.size(), confusion);
    }

    /** Mean loss and the loss's own accuracy ({@link Loss#accuracy}) against target tensors; no confusion matrix. */
    private static Evaluation evaluateDense(Graph model, DataParallel parallel, Dataset data, int batchSize, Loss loss) {
        loss.checkTargets(model.outputShape(), data.targets().sampleShape());
        if (data.size() == 0) throw new StriateException("Cannot evaluate on an empty data set. Expected at least one sample.");
        BatchLoader loader = new BatchLoader(data.images(), null, data.targets(), batchSize, model.mean(), model.std());
        double lossSum = 0, correct = 0;
        for (int s = 0; s < loader.steps(); s++) {
            Tensor out = parallel.forward(loader.load(s), false);
            int n = out.batch();
            lossSum += loss.forward(out, loader.targets()) * n;
            correct += loss.accuracy(out, loader.targets()) * n;
        }
        return new Evaluation(correct / data.size(), lossSum / data.size(), new int[0][0]);
    }

    /** The same in batches of {@code batchSize}, each split over the kernels' threads ({@link DataParallel}). */
    public static Tensor outputs(Graph model, Tensor images01, int batchSize) {
        BatchLoader.checkShape(model.inputShape(), images01);
        int n = images01.batch(), per = outputWidth(model);
        Tensor all = new Tensor(org.striate.tensor.Shapes.withBatch(n, model.outputShape()));
        if (n == 0) return all;
        DataParallel parallel = new DataParallel(model.forInference());
        BatchLoader loader = new BatchLoader(images01, null, batchSize, model.mean(), model.std());
        for (int s = 0, row = 0; s < loader.steps(); s++) {
            Tensor out = parallel.forward(loader.load(s), false);
            System.arraycopy(out.data, 0, all.data, row * per, out.batch() * per);
            row += out.batch();
        }
        return all;
    }

    public static Tensor predict(Graph model, Tensor images01) { return predict(model, images01, DEFAULT_BATCH); }

    /**
     * The model's raw outputs (N, ...output shape) for inputs shaped like its input, batch first, after
     * its input normalisation and nothing else: what an ONNX export of the model computes.
     */
    public static Tensor outputs(Graph model, Tensor inputs) { return outputs(model, inputs, DEFAULT_BATCH); }

    /** Class probabilities (N, K): the softmax of the model's outputs for images in [0, 1]. */
    public static Tensor predict(Graph model, Tensor images01, int batchSize) {
        BatchLoader.checkShape(model.inputShape(), images01);
        int k = outputWidth(model), n = images01.batch();
        Tensor probabilities = new Tensor(n, k);
        if (n == 0) return probabilities;
        MemoryPlan.check(model, Math.min(batchSize, n), false, "Running the model");
        BatchLoader loader = new BatchLoader(images01, null, batchSize, model.mean(), model.std());
        int row = 0;
        Graph fixed = model.forInference();
        for (int s = 0; s < loader.steps(); s++) {
            Tensor out = fixed.forward(loader.load(s), false);
            for (int i = 0; i < out.batch(); i++, row++) SoftmaxCrossEntropy.softmax(out.data, i * k, k, probabilities.data, row * k);
        }
        return probabilities;
    }

    static int outputWidth(Graph model) {
        int w = 1;
        for (int d : model.outputShape()) w *= d;
        return w;
    }
}
