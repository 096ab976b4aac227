package org.striate.lab;

import java.util.ArrayList;
import java.util.List;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Graph;
import org.striate.train.Adam;
import org.striate.train.Evaluator;
import org.striate.train.TrainOptions;
import org.striate.train.Trainer;

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

    public record Outcome(String model, String spec, int params, double trainAccuracy, double testAccuracy) {}

    public static List<Outcome> run(Options o) {
        Dataset train = PositionData.generate(o.trainSize(), o.seed());
        Dataset test = PositionData.generate(o.testSize(), o.seed() + 1);
        List<Outcome> out = new ArrayList<>();
        out.add(fit("locally-connected", LOCALLY_CONNECTED, train, test, o));
        out.add(fit("cnn-gap", CNN_GAP, train, test, o));
        return out;
    }

    /** The model of {@code spec} on PositionData images. */
    public static Graph build(String spec, long seed) {
        return LayerSpecs.parse(spec, "position model", new int[] {1, PositionData.SIZE, PositionData.SIZE}).build(seed);
    }

    private static Outcome fit(String name, String spec, Dataset train, Dataset test, Options o) {
        Graph model = build(spec, o.seed());
        TrainOptions to = TrainOptions.builder().epochs(o.epochs()).batchSize(32).optimizer(new Adam(3e-3)).seed(o.seed()).build();
        double trainAcc = new Trainer(model, to).fit(train).last().trainAccuracy();
        return new Outcome(name, spec, model.paramCount(), trainAcc, Evaluator.evaluate(model, test).accuracy());
    }
}
