package org.striate.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.nn.Graph;
import org.striate.train.Evaluator;

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

    /**
     * One trained model: its name, training-set size, run (0, 1, …: the seed is the options' seed plus
     * the run), parameters, epochs and rate it trained with, test accuracy and training seconds.
     */
    public record Point(String model, int trainSize, int run, int params, int epochs, double learningRate,
                        double testAccuracy, double trainAccuracy, double seconds) {}

    /**
     * A model to compare, built for a seed; sizes above {@code maxSize} are left out for it (a slow
     * model can then stop short of the full training set, and the output says so).
     */
    public record NamedModel(String name, LongFunction<Graph> factory, int maxSize) {
        public NamedModel(String name, LongFunction<Graph> factory) { this(name, factory, Integer.MAX_VALUE); }

        /** The same weights for every seed: for tests that compare with one model built beforehand. */
        public NamedModel(String name, Supplier<Graph> factory) { this(name, seed -> factory.get(), Integer.MAX_VALUE); }
    }

    /** One model at one size over its runs: test accuracy with its 95% interval. */
    public record Summary(String model, int trainSize, int params, Interval testAccuracy, double[] runs, double meanEpochs) {}

    /** Trains every model on every subset size once; sizes larger than the training set are clamped to it. */
    public static List<Point> run(List<NamedModel> models, Dataset train, Dataset test, Options options, Consumer<Point> progress) {
        LabTraining fixed = LabTraining.fixed(options::epochsFor, options.batchSize(), options.learningRate(), null, "fixed epochs");
        return run(models, train, test, options, fixed, n -> 1, progress);
    }

    /**
     * Trains every model on every subset size, {@code seedsAt(n)} times at size n. Run r uses the seed
     * {@code options.seed() + r} for everything random in it: which images form the subsets (one
     * shuffle per run, nested across sizes), the weights and the batch order; every model of a run gets
     * the same images, so runs are paired across models.
     */
    public static List<Point> run(List<NamedModel> models, Dataset train, Dataset test, Options options, LabTraining training,
                                  IntUnaryOperator seedsAt, Consumer<Point> progress) {
        List<Point> points = new ArrayList<>();
        int most = 0;
        for (int size : options.sizes()) most = Math.max(most, seedsAt.applyAsInt(Math.min(size, train.size())));
        List<int[]> orders = new ArrayList<>();
        for (int r = 0; r < most; r++) orders.add(shuffled(train.size(), options.seed() + r));
        for (int size : options.sizes()) {
            int n = Math.min(size, train.size()), runs = seedsAt.applyAsInt(n);
            for (int r = 0; r < runs; r++) {
                long seed = options.seed() + r;
                Dataset subset = train.subset(java.util.Arrays.copyOf(orders.get(r), n));
                for (NamedModel m : models) {
                    if (n > m.maxSize()) continue;
                    long start = System.nanoTime();
                    LabTraining.Fit fit = training.train(m.factory(), subset, seed);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Point p = new Point(m.name(), n, r, fit.model().paramCount(), fit.epochs(), fit.learningRate(),
                            Evaluator.evaluate(fit.model(), test).accuracy(), fit.trainAccuracy(), seconds);
                    points.add(p);
                    if (progress != null) progress.accept(p);
                }
            }
        }
        return points;
    }

    /** The runs of each model at each size, in the order first met, with their mean and interval. */
    public static List<Summary> summarise(List<Point> points) {
        Map<String, List<Point>> groups = new LinkedHashMap<>();
        for (Point p : points) groups.computeIfAbsent(p.model() + "@" + p.trainSize(), k -> new ArrayList<>()).add(p);
        List<Summary> out = new ArrayList<>();
        for (List<Point> g : groups.values()) {
            double[] acc = g.stream().mapToDouble(Point::testAccuracy).toArray();
            Point first = g.get(0);
            out.add(new Summary(first.model(), first.trainSize(), first.params(), Interval.t95(acc), acc,
                    g.stream().mapToInt(Point::epochs).average().orElse(0)));
        }
        return out;
    }

    /** Test accuracy of {@code model} at {@code size} run by run (in run order), for paired comparisons. */
    public static double[] runs(List<Point> points, String model, int size) {
        return points.stream().filter(p -> p.model().equals(model) && p.trainSize() == size)
                .sorted(java.util.Comparator.comparingInt(Point::run)).mapToDouble(Point::testAccuracy).toArray();
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
