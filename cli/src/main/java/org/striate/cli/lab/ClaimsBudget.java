package org.striate.cli.lab;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.striate.StriateException;
import org.striate.lab.FairTraining;

/**
 * How much `lab claims` measures. quick: about a minute on 2 idle cores, few seeds and small sets,
 * enough to see the machinery work and some verdicts resolve; full: what LAB.md shows, about 20
 * minutes on 2 cores. The largest Fashion-MNIST sizes run with fewer seeds (their spread is small and each
 * run is long). The locally connected model, three to five times slower to train than the small CNN, can
 * stop at {@code lcMaxSize} images; the claim that sharing helps when images are few is judged at the
 * sizes up to {@code fewImages}.
 */
record ClaimsBudget(String name, int[] sizes, int seeds, int[][] fewerSeeds, int lcMaxSize, int fewImages, int efficiencyTest, double target,
                    int invarianceTrain, int invarianceTest, int invarianceSeeds, int augment, int maxShift,
                    int[] positionSizes, int positionSeeds, int positionTest, FairTraining.Options training) {

    static final List<String> EFFICIENCY_MODELS = List.of("small-cnn", "small-mlp", "small-mlp-narrow", "small-lc");
    static final List<String> INVARIANCE_MODELS = List.of("small-cnn", "small-cnn-gap", "small-cnn-blurpool", "small-mlp");

    static ClaimsBudget of(String name) {
        return switch (name) {
            case "quick" -> new ClaimsBudget("quick", new int[] {50, 200, 1000}, 3, new int[0][], 1000, 200, 1000, 0.75,
                    1000, 500, 3, 3, 4, new int[] {16, 64, 256}, 3, 200,
                    new FairTraining.Options(new double[] {2e-3}, 8, 2, 0.2, 2000, 500, 32, null));
            case "full" -> new ClaimsBudget("full", new int[] {50, 150, 500, 1500, 5000, 15000, 60000}, 5, new int[][] {{15000, 3}, {60000, 2}},
                    60000, 500, 2000, 0.85, 2000, 1000, 5, 3, 4, new int[] {16, 32, 64, 128, 512}, 5, 400, FairTraining.Options.defaults());
            default -> throw new StriateException("Invalid value for option '--budget'. Expected quick or full. Received '" + name + "'.");
        };
    }

    /** Runs at training-set size n: the budget's seeds, fewer at the largest sizes. */
    int seedsAt(int n) {
        int s = seeds;
        for (int[] f : fewerSeeds) if (n >= f[0]) s = Math.min(s, f[1]);
        return s;
    }

    /** The same budget with every seed count set to {@code n} (the larger sizes keep their reduction when it is smaller). */
    ClaimsBudget withSeeds(int n) {
        int[][] fewer = Arrays.stream(fewerSeeds).map(f -> new int[] {f[0], Math.min(f[1], n)}).toArray(int[][]::new);
        return new ClaimsBudget(name, sizes, n, fewer, lcMaxSize, fewImages, efficiencyTest, target, invarianceTrain, invarianceTest, n, augment,
                maxShift, positionSizes, n, positionTest, training);
    }

    /** Every image count capped at {@code limit}: a test-only scale that still runs every experiment. */
    ClaimsBudget limited(int limit) {
        return new ClaimsBudget(name + " (limited to " + limit + " images)", capped(sizes, limit), seeds, fewerSeeds, Math.min(lcMaxSize, limit), Math.min(fewImages, limit),
                Math.min(efficiencyTest, limit), target, Math.min(invarianceTrain, limit), Math.min(invarianceTest, limit), invarianceSeeds,
                augment, maxShift, capped(positionSizes, limit), positionSeeds, Math.min(positionTest, limit),
                new FairTraining.Options(training.rates(), Math.min(training.maxEpochs(), 3), 1, training.validationFraction(),
                        training.maxValidation(), Math.min(training.minEpochImages(), limit), training.batchSize(), null));
    }

    private static int[] capped(int[] xs, int limit) { return Arrays.stream(xs).map(x -> Math.min(x, limit)).distinct().toArray(); }

    String describe() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Budget %s: efficiency on %s training images (%d seeds", name, list(sizes), seeds));
        for (int[] f : fewerSeeds) b.append(String.format(Locale.ROOT, ", %d from %,d on", f[1], f[0]));
        b.append(String.format(Locale.ROOT, "; small-lc up to %,d; sharing judged up to %,d), %,d test images; invariance trained on %,d images, %d seeds, %,d test images, "
                + "shifts up to %d, augmentation up to %d; position on %s images, %d seeds.", lcMaxSize, fewImages, efficiencyTest, invarianceTrain,
                invarianceSeeds, invarianceTest, maxShift, augment, list(positionSizes), positionSeeds));
        return b.toString();
    }

    private static String list(int[] xs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < xs.length; i++) b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,d", xs[i]));
        return b.toString();
    }
}
