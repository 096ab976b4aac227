package org.striate.cli.lab;

import org.striate.io.Json;
import org.striate.cli.ModelSource;
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
import org.striate.lab.Consistency;
import org.striate.lab.Invariance;
import org.striate.lab.Invariance.ShiftAccuracy;
import org.striate.nn.Graph;
import org.striate.train.Adam;
import org.striate.train.TrainOptions;
import org.striate.train.Trainer;
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

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    /** One model's figures. */
    record Row(String model, int params, ShiftAccuracy accuracy, double consistency) {}

    @Override
    protected int run() throws Exception {
        org.striate.io.AtomicFile.checkDirectory(outDir, "--out");
        if (trainSize <= 0 || testSize <= 0 || epochs <= 0) {
            throw new StriateException("Invalid sizes. Expected --train-size, --test-size and --epochs > 0. Received "
                    + trainSize + ", " + testSize + ", " + epochs + ".");
        }
        TrainTestSplit split = ModelAndData.data(data);
        Dataset train = split.train().head(trainSize), test = split.test().head(testSize);
        trainSize = train.size();
        testSize = test.size();
        List<Row> rows = new ArrayList<>();
        for (String name : models) {
            Graph m = ModelAndData.model(name, seed, split.train());
            if (!ModelAndData.isModelFile(name)) {
                TrainOptions to = TrainOptions.builder().epochs(epochs).batchSize(32).optimizer(new Adam(1e-3)).seed(seed).build();
                new Trainer(m, to).fit(train);
            }
            ShiftAccuracy a = Invariance.accuracyVsShift(m, test, maxShift);
            rows.add(new Row(name, m.paramCount(), a, Consistency.random(m, test, maxShift, seed)));
            if (!json) err().printf("%s: %s, accuracy %.4f unshifted%n", name, ModelAndData.isModelFile(name) ? "loaded" : "trained", a.unshifted());
        }
        Path h = Charts.save(chart(rows, 1), outDir.resolve("invariance-horizontal.png"));
        Path v = Charts.save(chart(rows, 0), outDir.resolve("invariance-vertical.png"));
        if (json) out().println(Json.write(toJson(rows, h, v)));
        else out().print(text(rows, h, v));
        out().flush();
        return ExitCode.OK;
    }

    static XYChart chart(List<Row> rows, int axis) {
        Charts.Series s = new Charts.Series();
        for (Row r : rows) {
            int[] shifts = r.accuracy().shifts();
            double[] x = new double[shifts.length];
            for (int i = 0; i < x.length; i++) x[i] = shifts[i];
            s.add(r.model(), x, axis == 0 ? r.accuracy().vertical() : r.accuracy().horizontal());
        }
        return Charts.lines("Test accuracy vs " + (axis == 0 ? "vertical" : "horizontal") + " shift",
                "shift (pixels)", "test accuracy", s, false, false);
    }

    Map<String, Object> toJson(List<Row> rows, Path h, Path v) {
        Map<String, Object> o = Json.object();
        o.put("max_shift", maxShift);
        o.put("train_size", trainSize);
        o.put("test_size", testSize);
        o.put("epochs", epochs);
        o.put("shifts", rows.isEmpty() ? new int[0] : rows.get(0).accuracy().shifts());
        List<Object> list = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = Json.object();
            m.put("model", r.model());
            m.put("params", r.params());
            m.put("accuracy", r.accuracy().unshifted());
            m.put("consistency", r.consistency());
            m.put("horizontal", r.accuracy().horizontal());
            m.put("vertical", r.accuracy().vertical());
            list.add(m);
        }
        o.put("models", list);
        o.put("plots", List.of(h.toString(), v.toString()));
        return o;
    }

    String text(List<Row> rows, Path h, Path v) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("Trained on %d images for %d epochs; %d test images; shifts -%d..%d with zero fill.%n%n",
                trainSize, epochs, testSize, maxShift, maxShift));
        b.append(String.format("%-14s %10s %9s %12s%n", "model", "params", "accuracy", "consistency"));
        for (Row r : rows) b.append(String.format("%-14s %,10d %9.4f %12.4f%n", r.model(), r.params(), r.accuracy().unshifted(), r.consistency()));
        for (int axis = 1; axis >= 0; axis--) {
            b.append(String.format("%nAccuracy at each %s shift:%n%-14s", axis == 1 ? "horizontal" : "vertical", "model"));
            for (int s = -maxShift; s <= maxShift; s++) b.append(String.format(" %6s", (s > 0 ? "+" : "") + s));
            b.append('\n');
            for (Row r : rows) {
                b.append(String.format("%-14s", r.model()));
                for (int s = -maxShift; s <= maxShift; s++) b.append(String.format(" %6.3f", r.accuracy().at(axis, s)));
                b.append('\n');
            }
        }
        b.append("\nPlots: ").append(h).append(", ").append(v).append('\n');
        return b.toString();
    }
}
