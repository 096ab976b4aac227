package org.striate.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Graph;
import org.striate.train.Evaluator;

/**
 * When position matters, parameter sharing hurts. On {@link PositionData} (the class is where the
 * pattern is), a locally connected model can learn a detector per place, while a CNN that ends in
 * global average pooling computes the same features wherever the pattern is and then averages the
 * positions away: it cannot do better than chance (1 in 4).
 */
public final class PositionTask {
    private PositionTask() {}

    /** No parameter sharing: one 3×3 filter bank per output cell, then a linear read-out of every cell. */
    public static final String LOCALLY_CONNECTED = String.join("\n", "lc 4 3x3", "relu", "flatten", "dense 4");
    /** Shared 3×3 filters (field 5×5), then the mean of each map: translation invariant by construction. */
    public static final String CNN_GAP = String.join("\n", "conv 8 3x3 pad=same", "relu", "conv 8 3x3 pad=same", "relu", "gap", "dense 4");

    public record Options(int trainSize, int testSize, int epochs, long seed) {
        public Options {
            if (trainSize <= 0 || testSize <= 0 || epochs <= 0) {
                throw new StriateException("Invalid position task options. Expected train size, test size and epochs > 0. Received "
                        + trainSize + ", " + testSize + ", " + epochs + ".");
            }
        }

        public static Options defaults() { return new Options(1000, 400, 10, 42); }
    }

    /**
     * Shared filters with a dense read-out of every cell instead of the mean: sharing, but the head sees
     * where each feature fired, so position can be learned again (from more images than without sharing).
     */
    public static final String CNN_DENSE = String.join("\n", "conv 8 3x3 pad=same", "relu", "maxpool 2", "conv 8 3x3 pad=same", "relu",
            "flatten", "dense 4");

    /** The models of the task, by name: no sharing, sharing with the positions averaged away, sharing with a dense head. */
    public static final Map<String, String> MODELS = Map.of("locally-connected", LOCALLY_CONNECTED, "cnn-gap", CNN_GAP, "cnn-dense", CNN_DENSE);
    public static final List<String> NAMES = List.of("locally-connected", "cnn-gap", "cnn-dense");

    /** One trained model: {@code run} counts from 0 (its seed is the options' seed plus twice the run). */
    public record Outcome(String model, String spec, int params, double trainAccuracy, double testAccuracy, int run, int trainSize) {}

    /** The first two models, trained once, as the lab's first version of the experiment did. */
    public static List<Outcome> run(Options o) {
        return run(o, List.of("locally-connected", "cnn-gap"), new int[] {o.trainSize()}, 1, training(o.epochs()));
    }

    /** Adam at 0.003 for {@code epochs} epochs of 32: what the task was first measured with. */
    public static LabTraining training(int epochs) {
        return LabTraining.fixed(n -> epochs, 32, 3e-3, null, epochs + " epochs of Adam at 0.003");
    }

    /**
     * Every model at every training-set size, {@code seeds} times. Run r generates its own images from
     * the seed o.seed() + 2r (test images from the next seed), so runs differ in data, weights and order,
     * and every model of a run sees the same images.
     */
    public static List<Outcome> run(Options o, List<String> models, int[] trainSizes, int seeds, LabTraining training) {
        if (seeds <= 0) throw new StriateException("Invalid value for argument `seeds`. Expected a strictly positive value. Received seeds=" + seeds + ".");
        List<Outcome> out = new ArrayList<>();
        for (int size : trainSizes) {
            for (int r = 0; r < seeds; r++) {
                long seed = o.seed() + 2L * r;
                Dataset train = PositionData.generate(size, seed), test = PositionData.generate(o.testSize(), seed + 1);
                for (String name : models) {
                    String spec = MODELS.get(name);
                    if (spec == null) throw new StriateException("Unknown position model '" + name + "'. Expected one of " + NAMES + ".");
                    LabTraining.Fit fit = training.train(s -> build(spec, s), train, seed);
                    out.add(new Outcome(name, spec, fit.model().paramCount(), fit.trainAccuracy(),
                            Evaluator.evaluate(fit.model(), test).accuracy(), r, size));
                }
            }
        }
        return out;
    }

    /** Test accuracy of {@code model} at {@code size}, run by run. */
    public static double[] runs(List<Outcome> outcomes, String model, int size) {
        return outcomes.stream().filter(x -> x.model().equals(model) && x.trainSize() == size).mapToDouble(Outcome::testAccuracy).toArray();
    }

    /** The model of {@code spec} on PositionData images. */
    public static Graph build(String spec, long seed) {
        return LayerSpecs.parse(spec, "position model", new int[] {1, PositionData.SIZE, PositionData.SIZE}).build(seed);
    }
}
