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
import org.striate.lab.Efficiency;
import org.striate.lab.Efficiency.NamedModel;
import org.striate.lab.Efficiency.Point;
import org.striate.lab.Efficiency.Summary;
import org.striate.lab.LabTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Test accuracy against training-set size for a CNN, an MLP and a locally connected model. */
@Command(name = "efficiency",
        mixinStandardHelpOptions = true,
        description = {"Statistical efficiency: train each model on growing, nested subsets of the training set and "
                + "measure test accuracy. Parameter sharing should let the CNN learn from fewer images.",
                "Each run trains max(3, ceil(MIN_SEEN / n)) epochs (at most MAX_EPOCHS) from the same initial weights.",
                "Writes efficiency.png (log-scaled sizes) to --out."},
        footer = {"", "Examples:", "  striate lab efficiency", "  striate lab efficiency --sizes 100,300,1000,3000,10000,60000 --json"})
public final class EfficiencyCommand extends StriateCommand {

    @Option(names = "--data", paramLabel = "DIR", description = "IDX files, CIFAR-10 batches or train/ and test/ image folders (default: the Fashion-MNIST package).")
    Path data;

    @Option(names = "--sizes", defaultValue = "100,300,1000,3000", split = ",", paramLabel = "N,N,...",
            description = "Training-set sizes (default: ${DEFAULT-VALUE}; the full set is 60000).")
    int[] sizes;

    @Option(names = "--models", defaultValue = "small-cnn,small-mlp,small-lc", split = ",", paramLabel = "A,B,...",
            description = "Built-in models (" + ModelSource.BUILT_IN + ") or spec files (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--min-seen", defaultValue = "3000", paramLabel = "N",
            description = "Training images each run sees at least, over its epochs (default: ${DEFAULT-VALUE}).")
    int minSeen;

    @Option(names = "--max-epochs", defaultValue = "30", paramLabel = "N", description = "Most epochs a run may take (default: ${DEFAULT-VALUE}).")
    int maxEpochs;

    @Option(names = "--test-size", defaultValue = "2000", paramLabel = "N", description = "Test images (default: ${DEFAULT-VALUE}).")
    int testSize;

    @Option(names = "--out", defaultValue = "lab/efficiency", paramLabel = "DIR", description = "Directory for the PNG plot (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the weights, the subsets and the shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--seeds", defaultValue = "5", paramLabel = "N",
            description = "Runs per model and size, seeds SEED, SEED+1, ...; figures are means with a 95%% t interval (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--training", defaultValue = "fixed", paramLabel = "fixed|fair", description = LabOptions.TRAINING_HELP)
    String trainingKind;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Override
    protected int run() throws Exception {
        org.striate.io.AtomicFile.checkDirectory(outDir, "--out");
        Efficiency.Options options = new Efficiency.Options(sizes, Math.min(3, maxEpochs), maxEpochs, minSeen, 32, 1e-3, seed);
        if (testSize <= 0) throw new StriateException("Invalid value for option '--test-size'. Expected a strictly positive value. Received " + testSize + ".");
        TrainTestSplit split = ModelAndData.data(data);
        Dataset test = split.test().head(testSize);
        List<NamedModel> named = new ArrayList<>();
        for (String name : models) {
            ModelAndData.model(name, seed, split.train()); // fail early on an unknown name
            named.add(new NamedModel(name, () -> {
                try {
                    return ModelAndData.model(name, seed, split.train());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        LabOptions.checkSeeds(seeds);
        LabTraining training = LabOptions.training(trainingKind,
                LabTraining.fixed(options::epochsFor, options.batchSize(), options.learningRate(), null, "fixed epochs"), null);
        List<Point> points = Efficiency.run(named, split.train(), test, options, training, n -> seeds, p -> {
            if (!json) err().printf("%-14s n=%-6d seed %-4d %2d epochs: test accuracy %.4f (%.1f s)%n", p.model(), p.trainSize(), seed + p.run(),
                    p.epochs(), p.testAccuracy(), p.seconds());
            err().flush();
        });
        List<Summary> rows = Efficiency.summarise(points);
        Path plot = Charts.save(chart(rows), outDir.resolve("efficiency.png"));
        if (json) {
            Map<String, Object> o = Json.object();
            o.put("test_size", test.size());
            o.put("seeds", seeds);
            o.put("training", training.describe());
            o.put("points", pointsJson(rows));
            o.put("plot", plot.toString());
            out().println(Json.write(o));
        } else {
            out().println("Training: " + training.describe() + ".");
            out().print(text(rows, test.size(), seeds));
            out().println("Plot: " + plot);
        }
        out().flush();
        return ExitCode.OK;
    }

    /** One entry per model and size: the mean test accuracy, its interval and every run. */
    static List<Object> pointsJson(List<Summary> rows) {
        List<Object> list = new ArrayList<>();
        for (Summary r : rows) {
            Map<String, Object> m = Json.object();
            m.put("model", r.model());
            m.put("params", r.params());
            m.put("train_size", r.trainSize());
            m.put("epochs", r.meanEpochs() == Math.rint(r.meanEpochs()) ? (Object) (int) r.meanEpochs() : (Object) r.meanEpochs());
            m.put("test_accuracy", r.testAccuracy().mean());
            m.put("interval", r.testAccuracy().toJson());
            m.put("runs", r.runs());
            list.add(m);
        }
        return list;
    }

    static List<String> modelNames(List<Summary> rows) {
        List<String> names = new ArrayList<>();
        for (Summary p : rows) if (!names.contains(p.model())) names.add(p.model());
        return names;
    }

    /** Test accuracy against size on a log axis, one line per model, with the 95% interval as error bars. */
    static XYChart chart(List<Summary> rows) {
        Charts.Series s = new Charts.Series();
        for (String name : modelNames(rows)) {
            List<Summary> mine = rows.stream().filter(p -> p.model().equals(name)).toList();
            s.add(name + " (" + String.format("%,d", mine.get(0).params()) + " params)", mine.stream().mapToDouble(Summary::trainSize).toArray(),
                    mine.stream().mapToDouble(p -> p.testAccuracy().mean()).toArray(),
                    mine.stream().mapToDouble(p -> p.testAccuracy().halfWidth()).toArray());
        }
        return Charts.lines("Test accuracy vs training-set size (95% interval)", "training images", "test accuracy", s, true, false);
    }

    static String text(List<Summary> rows, int tests, int seeds) {
        List<String> names = modelNames(rows);
        StringBuilder b = new StringBuilder(String.format("Test accuracy on %d test images, mean ± half-width of the 95%% t interval over %d seed%s:%n",
                tests, seeds, seeds == 1 ? "" : "s"));
        b.append(String.format("%-10s %7s", "train size", "epochs"));
        for (String n : names) b.append(String.format(" %18s", n));
        b.append(String.format("%n%-10s %7s", "params", ""));
        for (String n : names) {
            int params = rows.stream().filter(r -> r.model().equals(n)).findFirst().orElseThrow().params();
            b.append(String.format(" %,18d", params));
        }
        b.append('\n');
        for (int size : rows.stream().mapToInt(Summary::trainSize).distinct().toArray()) {
            List<Summary> at = rows.stream().filter(r -> r.trainSize() == size).toList();
            b.append(String.format("%-10d %7.0f", size, at.get(0).meanEpochs()));
            for (String n : names) {
                Summary r = at.stream().filter(x -> x.model().equals(n)).findFirst().orElse(null);
                b.append(String.format(" %18s", r == null ? "-" : r.testAccuracy().formatPlusMinus(4)));
            }
            b.append('\n');
        }
        return b.toString();
    }
}
