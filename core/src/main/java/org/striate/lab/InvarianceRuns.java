package org.striate.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.lab.Efficiency.NamedModel;
import org.striate.lab.Invariance.ShiftAccuracy;

/**
 * {@link Invariance} and {@link Consistency} over repeated trainings: each run draws its own training
 * images from the training set, its own weights and batch order, and its own shift pairs, all from the
 * seed plus the run; every model of a run sees the same images and the same shifts, so runs are paired.
 */
public final class InvarianceRuns {
    private InvarianceRuns() {}

    /** One trained model's figures. */
    public record Run(String model, int run, int params, ShiftAccuracy accuracy, double consistency, int epochs, double learningRate) {}

    /** One model over its runs: each figure's mean and 95% interval, the curves point by point. */
    public record Summary(String model, int params, Interval accuracy, Interval consistency, Interval[] horizontal, Interval[] vertical,
                          double[] accuracyRuns, double[] consistencyRuns) {}

    public static List<Run> run(List<NamedModel> models, Dataset train, Dataset test, int trainSize, int maxShift, LabTraining training,
                                int seeds, long seed, Consumer<Run> progress) {
        if (seeds <= 0) throw new StriateException("Invalid value for argument `seeds`. Expected a strictly positive value. Received seeds=" + seeds + ".");
        List<Run> out = new ArrayList<>();
        int n = Math.min(trainSize, train.size());
        for (int r = 0; r < seeds; r++) {
            long s = seed + r;
            Dataset subset = train.subset(Arrays.copyOf(Efficiency.shuffled(train.size(), s), n));
            for (NamedModel m : models) {
                LabTraining.Fit fit = training.train(m.factory(), subset, s);
                Run run = new Run(m.name(), r, fit.model().paramCount(), Invariance.accuracyVsShift(fit.model(), test, maxShift),
                        Consistency.random(fit.model(), test, maxShift, s), fit.epochs(), fit.learningRate());
                out.add(run);
                if (progress != null) progress.accept(run);
            }
        }
        return out;
    }

    /** Per model, in the order first met. */
    public static List<Summary> summarise(List<Run> runs) {
        Map<String, List<Run>> groups = new LinkedHashMap<>();
        for (Run r : runs) groups.computeIfAbsent(r.model(), k -> new ArrayList<>()).add(r);
        List<Summary> out = new ArrayList<>();
        for (List<Run> g : groups.values()) {
            double[] acc = g.stream().mapToDouble(r -> r.accuracy().unshifted()).toArray();
            double[] cons = g.stream().mapToDouble(Run::consistency).toArray();
            int width = g.get(0).accuracy().horizontal().length;
            Interval[] h = new Interval[width], v = new Interval[width];
            for (int i = 0; i < width; i++) {
                final int k = i;
                h[i] = Interval.t95(g.stream().mapToDouble(r -> r.accuracy().horizontal()[k]).toArray());
                v[i] = Interval.t95(g.stream().mapToDouble(r -> r.accuracy().vertical()[k]).toArray());
            }
            out.add(new Summary(g.get(0).model(), g.get(0).params(), Interval.t95(acc), Interval.t95(cons), h, v, acc, cons));
        }
        return out;
    }

    /** The figure of one model run by run: "consistency" or "accuracy" (unshifted). */
    public static double[] runs(List<Run> runs, String model, boolean consistency) {
        return runs.stream().filter(r -> r.model().equals(model)).mapToDouble(r -> consistency ? r.consistency() : r.accuracy().unshifted()).toArray();
    }
}
