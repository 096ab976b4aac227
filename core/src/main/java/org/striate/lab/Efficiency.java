package org.striate.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.nn.Graph;
import org.striate.train.Adam;
import org.striate.train.Evaluator;
import org.striate.train.TrainOptions;
import org.striate.train.Trainer;

/**
 * Statistical efficiency: test accuracy as a function of the number of training images. Parameter
 * sharing is a prior ("the same feature is worth detecting everywhere"), so a CNN should reach a given
 * accuracy from fewer images than a model that must learn each position separately (MLP, locally
 * connected).
 *
 * <p>The training subsets are nested: one seeded shuffle of the training set, then its first n images,
 * so a larger subset contains every smaller one. Each model trains from the same initial weights for
 * {@code max(minEpochs, ⌈minSamplesSeen / n⌉)} epochs (capped at {@code maxEpochs}), so small subsets
 * get enough optimizer steps to fit.
 */
public final class Efficiency {
    private Efficiency() {}

    public record Options(int[] sizes, int minEpochs, int maxEpochs, int minSamplesSeen, int batchSize, double learningRate, long seed) {
        public Options {
            if (sizes.length == 0) throw new StriateException("Invalid value for argument `sizes`. Expected at least one training-set size. Received none.");
            for (int s : sizes) {
                if (s <= 0) throw new StriateException("Invalid value for argument `sizes`. Expected sizes > 0. Received " + s + ".");
            }
            if (minEpochs <= 0 || maxEpochs < minEpochs) {
                throw new StriateException("Invalid epochs. Expected 0 < min-epochs <= max-epochs. Received " + minEpochs + " and " + maxEpochs + ".");
            }
        }

        public static Options defaults(int... sizes) { return new Options(sizes, 3, 30, 3000, 32, 1e-3, 42); }

        public int epochsFor(int n) { return Math.min(maxEpochs, Math.max(minEpochs, (minSamplesSeen + n - 1) / n)); }
    }

    /** One trained model: its name, training-set size, epochs run, test accuracy and training seconds. */
    public record Point(String model, int trainSize, int epochs, double testAccuracy, double trainAccuracy, double seconds) {}

    public record NamedModel(String name, Supplier<Graph> factory) {}

    /** Trains every model on every subset size; sizes larger than the training set are clamped to it. */
    public static List<Point> run(List<NamedModel> models, Dataset train, Dataset test, Options options, Consumer<Point> progress) {
        int[] order = shuffled(train.size(), options.seed());
        List<Point> points = new ArrayList<>();
        for (int size : options.sizes()) {
            int n = Math.min(size, train.size());
            int[] idx = new int[n];
            System.arraycopy(order, 0, idx, 0, n);
            Dataset subset = train.subset(idx);
            for (NamedModel m : models) {
                Graph model = m.factory().get();
                int epochs = options.epochsFor(n);
                long start = System.nanoTime();
                TrainOptions to = TrainOptions.builder().epochs(epochs).batchSize(Math.min(options.batchSize(), n))
                        .optimizer(new Adam(options.learningRate())).seed(options.seed()).build();
                double trainAcc = new Trainer(model, to).fit(subset).last().trainAccuracy();
                double seconds = (System.nanoTime() - start) / 1e9;
                Point p = new Point(m.name(), n, epochs, Evaluator.evaluate(model, test).accuracy(), trainAcc, seconds);
                points.add(p);
                if (progress != null) progress.accept(p);
            }
        }
        return points;
    }

    static int[] shuffled(int n, long seed) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        Random rng = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
