package org.striate.cli.lab;

import org.striate.io.Json;
import org.striate.cli.ModelSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.striate.StriateException;
import org.striate.cli.ExitCode;
import org.striate.cli.StriateCommand;
import org.striate.cli.report.Charts;
import org.striate.cli.report.ModelAndData;
import org.striate.data.Dataset;
import org.striate.data.TrainTestSplit;
import org.striate.lab.Efficiency.NamedModel;
import org.striate.lab.Interval;
import org.striate.lab.InvarianceRuns;
import org.striate.lab.InvarianceRuns.Summary;
import org.striate.lab.LabTraining;
import org.striate.data.Augmentation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Test accuracy against shift and classification consistency, for several models trained the same way. */
@Command(name = "invariance",
        mixinStandardHelpOptions = true,
        description = {"Train each model on the same images, then measure test accuracy with every test image shifted by "
                + "-K..K pixels (horizontally, then vertically; zero fill) and the consistency: the share of test images "
                + "whose predicted class is the same under two random shifts in [-K, K]^2.",
                "Writes invariance-horizontal.png and invariance-vertical.png to --out."},
        footer = {"", "Examples:", "  striate lab invariance", "  striate lab invariance --models small-cnn,small-mlp --max-shift 6 --json"})
public final class InvarianceCommand extends StriateCommand {

    @Option(names = "--models", defaultValue = "small-cnn,small-mlp,small-lc,small-cnn-blurpool", split = ",", paramLabel = "A,B,...",
            description = "Built-in models (" + ModelSource.BUILT_IN + ") or spec files, trained here; "
                    + "or trained model files, used as they are (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--data", paramLabel = "DIR", description = "IDX files, CIFAR-10 batches or train/ and test/ image folders (default: the Fashion-MNIST package).")
    Path data;

    @Option(names = "--max-shift", defaultValue = "4", paramLabel = "K", description = "Largest shift in pixels (default: ${DEFAULT-VALUE}).")
    int maxShift;

    @Option(names = "--train-size", defaultValue = "3000", paramLabel = "N", description = "Training images (default: ${DEFAULT-VALUE}).")
    int trainSize;

    @Option(names = "--test-size", defaultValue = "1000", paramLabel = "N", description = "Test images (default: ${DEFAULT-VALUE}).")
    int testSize;

    @Option(names = "--epochs", defaultValue = "3", paramLabel = "N", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--out", defaultValue = "lab/invariance", paramLabel = "DIR", description = "Directory for the PNG plots (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the weights, the shuffling and the random shifts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--seeds", defaultValue = "5", paramLabel = "N",
            description = "Trainings per model (seeds SEED, SEED+1, ...: each its own training images, weights and shifts); "
                    + "figures are means with a 95%% t interval (default: ${DEFAULT-VALUE}). A model file is measured once.")
    int seeds;

    @Option(names = "--augment", paramLabel = "K", defaultValue = "0",
            description = "Train with random shifts of up to K pixels (zero fill), as the paper's augmented models (default: ${DEFAULT-VALUE}: none).")
    int augment;

    @Option(names = "--training", defaultValue = "fixed", paramLabel = "fixed|fair", description = LabOptions.TRAINING_HELP)
    String trainingKind;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Override
    protected int run() throws Exception {
        org.striate.io.AtomicFile.checkDirectory(outDir, "--out");
        if (trainSize <= 0 || testSize <= 0 || epochs <= 0) {
            throw new StriateException("Invalid sizes. Expected --train-size, --test-size and --epochs > 0. Received "
                    + trainSize + ", " + testSize + ", " + epochs + ".");
        }
        LabOptions.checkSeeds(seeds);
        TrainTestSplit split = ModelAndData.data(data);
        Dataset test = split.test().head(testSize);
        trainSize = Math.min(trainSize, split.train().size());
        testSize = test.size();
        Augmentation shifts = augment > 0 ? new Augmentation(augment, false) : null;
        LabTraining trained = LabOptions.training(trainingKind, LabTraining.fixed(n -> epochs, 32, 1e-3, shifts, epochs + " epochs"), shifts);
        List<InvarianceRuns.Run> runs = new ArrayList<>();
        for (String name : models) {
            boolean file = ModelAndData.isModelFile(name);
            ModelAndData.model(name, seed, split.train()); // fail early on an unknown name
            NamedModel m = new NamedModel(name, (long s) -> {
                try {
                    return ModelAndData.model(name, s, split.train());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            runs.addAll(InvarianceRuns.run(List.of(m), split.train(), test, trainSize, maxShift, file ? LabTraining.none() : trained,
                    file ? 1 : seeds, seed, r -> {
                        if (!json) err().printf("%s seed %d: %s, accuracy %.4f unshifted%n", r.model(), seed + r.run(), file ? "loaded" : "trained",
                                r.accuracy().unshifted());
                        err().flush();
                    }));
        }
        List<Summary> rows = InvarianceRuns.summarise(runs);
        Path h = Charts.save(chart(rows, 1), outDir.resolve("invariance-horizontal.png"));
        Path v = Charts.save(chart(rows, 0), outDir.resolve("invariance-vertical.png"));
        if (json) out().println(Json.write(toJson(rows, h, v)));
        else out().print(text(rows, h, v));
        out().flush();
        return ExitCode.OK;
    }

    /** Accuracy against shift along one axis (0 vertical, 1 horizontal), the 95% interval as error bars. */
    static XYChart chart(List<Summary> rows, int axis) {
        Charts.Series s = new Charts.Series();
        for (Summary r : rows) {
            Interval[] at = axis == 0 ? r.vertical() : r.horizontal();
            int k = at.length / 2;
            double[] x = new double[at.length], y = new double[at.length], e = new double[at.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i - k;
                y[i] = at[i].mean();
                e[i] = at[i].halfWidth();
            }
            s.add(r.model(), x, y, e);
        }
        return Charts.lines("Test accuracy vs " + (axis == 0 ? "vertical" : "horizontal") + " shift (95% interval)",
                "shift (pixels)", "test accuracy", s, false, false);
    }

    Map<String, Object> toJson(List<Summary> rows, Path h, Path v) {
        Map<String, Object> o = Json.object();
        o.put("max_shift", maxShift);
        o.put("train_size", trainSize);
        o.put("test_size", testSize);
        o.put("epochs", epochs);
        o.put("augment", augment);
        o.put("seeds", seeds);
        o.put("training", trainingKind);
        int[] shifts = new int[2 * maxShift + 1];
        for (int i = 0; i < shifts.length; i++) shifts[i] = i - maxShift;
        o.put("shifts", shifts);
        List<Object> list = new ArrayList<>();
        for (Summary r : rows) {
            Map<String, Object> m = Json.object();
            m.put("model", r.model());
            m.put("params", r.params());
            m.put("accuracy", r.accuracy().mean());
            m.put("consistency", r.consistency().mean());
            m.put("accuracy_interval", r.accuracy().toJson());
            m.put("consistency_interval", r.consistency().toJson());
            m.put("horizontal", means(r.horizontal()));
            m.put("vertical", means(r.vertical()));
            m.put("horizontal_intervals", bounds(r.horizontal()));
            m.put("vertical_intervals", bounds(r.vertical()));
            list.add(m);
        }
        o.put("models", list);
        o.put("plots", List.of(h.toString(), v.toString()));
        return o;
    }

    private static double[] means(Interval[] xs) {
        double[] m = new double[xs.length];
        for (int i = 0; i < m.length; i++) m[i] = xs[i].mean();
        return m;
    }

    /** [[low, high], ...] per shift. */
    private static List<Object> bounds(Interval[] xs) {
        List<Object> l = new ArrayList<>();
        for (Interval x : xs) l.add(new double[] {x.low(), x.high()});
        return l;
    }

    String text(List<Summary> rows, Path h, Path v) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("Trained on %d images for %s%s; %d test images; shifts -%d..%d with zero fill.%n",
                trainSize, trainingKind.equals("fair") ? "as long as the validation loss improved (fair training)" : epochs + " epochs", augment > 0 ? " with random shifts of up to " + augment + " pixels" : "", testSize, maxShift, maxShift));
        b.append(String.format("Mean ± half-width of the 95%% t interval over %d seed%s.%n%n", seeds, seeds == 1 ? "" : "s"));
        b.append(String.format("%-18s %10s %16s %16s%n", "model", "params", "accuracy", "consistency"));
        for (Summary r : rows) {
            b.append(String.format("%-18s %,10d %16s %16s%n", r.model(), r.params(), r.accuracy().formatPlusMinus(4), r.consistency().formatPlusMinus(4)));
        }
        for (int axis = 1; axis >= 0; axis--) {
            b.append(String.format("%nAccuracy at each %s shift (mean; the interval's half-width below):%n%-18s", axis == 1 ? "horizontal" : "vertical", "model"));
            for (int s = -maxShift; s <= maxShift; s++) b.append(String.format(" %6s", (s > 0 ? "+" : "") + s));
            b.append('\n');
            for (Summary r : rows) {
                Interval[] at = axis == 0 ? r.vertical() : r.horizontal();
                b.append(String.format("%-18s", r.model()));
                for (Interval x : at) b.append(String.format(" %6.3f", x.mean()));
                b.append(String.format("%n%-18s", ""));
                for (Interval x : at) b.append(x.bounded() ? String.format(" %6s", String.format("±%.3f", x.halfWidth()).replace("±0.", "±.")) : "      -");
                b.append('\n');
            }
        }
        b.append("\nPlots: ").append(h).append(", ").append(v).append('\n');
        return b.toString();
    }
}
