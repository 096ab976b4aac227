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
        List<Point> points = Efficiency.run(named, split.train(), test, options, p -> {
            if (!json) err().printf("%-14s n=%-6d %2d epochs: test accuracy %.4f (%.1f s)%n", p.model(), p.trainSize(), p.epochs(), p.testAccuracy(), p.seconds());
            err().flush();
        });
        Path plot = Charts.save(chart(points), outDir.resolve("efficiency.png"));
        if (json) {
            Map<String, Object> o = Json.object();
            o.put("test_size", test.size());
            List<Object> list = new ArrayList<>();
            for (Point p : points) {
                Map<String, Object> m = Json.object();
                m.put("model", p.model());
                m.put("train_size", p.trainSize());
                m.put("epochs", p.epochs());
                m.put("test_accuracy", p.testAccuracy());
                m.put("train_accuracy", p.trainAccuracy());
                m.put("seconds", p.seconds());
                list.add(m);
            }
            o.put("points", list);
            o.put("plot", plot.toString());
            out().println(Json.write(o));
        } else {
            out().print(text(points, test.size()));
            out().println("Plot: " + plot);
        }
        out().flush();
        return ExitCode.OK;
    }

    private List<String> modelNames(List<Point> points) {
        List<String> names = new ArrayList<>();
        for (Point p : points) if (!names.contains(p.model())) names.add(p.model());
        return names;
    }

    XYChart chart(List<Point> points) {
        Charts.Series s = new Charts.Series();
        for (String name : modelNames(points)) {
            List<Point> mine = points.stream().filter(p -> p.model().equals(name)).toList();
            s.add(name, mine.stream().mapToDouble(Point::trainSize).toArray(), mine.stream().mapToDouble(Point::testAccuracy).toArray());
        }
        return Charts.lines("Test accuracy vs training-set size", "training images", "test accuracy", s, true, false);
    }

    String text(List<Point> points, int tests) {
        List<String> names = modelNames(points);
        StringBuilder b = new StringBuilder(String.format("Test accuracy on %d test images:%n%-10s %7s", tests, "train size", "epochs"));
        for (String n : names) b.append(String.format(" %14s", n));
        b.append('\n');
        for (int i = 0; i < points.size(); i += names.size()) {
            Point first = points.get(i);
            b.append(String.format("%-10d %7d", first.trainSize(), first.epochs()));
            for (int j = 0; j < names.size(); j++) b.append(String.format(" %14.4f", points.get(i + j).testAccuracy()));
            b.append('\n');
        }
        return b.toString();
    }
}
