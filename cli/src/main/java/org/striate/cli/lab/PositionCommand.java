package org.striate.cli.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.striate.StriateException;
import org.striate.cli.ExitCode;
import org.striate.cli.StriateCommand;
import org.striate.cli.report.Charts;
import org.striate.io.Json;
import org.striate.lab.Interval;
import org.striate.lab.PositionData;
import org.striate.lab.PositionTask;
import org.striate.lab.PositionTask.Outcome;
import org.striate.lab.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A task where position is the class: locally connected against CNNs with global average pooling and with a dense head. */
@Command(name = "position",
        mixinStandardHelpOptions = true,
        description = {"Generate images where the same pattern in each of four quadrants is a different class, then train "
                + "a locally connected model (no parameter sharing), a CNN ending in global average pooling "
                + "(translation invariant by construction, so at chance: 0.25) and a CNN with a dense head (sharing, but "
                + "the head sees where features fired).",
                "Size by size it says whether the locally connected model leads each CNN: 'lead' when the 95%% interval of the "
                + "paired difference is above zero, 'no lead' when it is below zero or within ±0.01, else 'unclear'. "
                + "With several --sizes it writes position.png to --out."},
        footer = {"", "Examples:", "  striate lab position", "  striate lab position --sizes 20,50,100,200,500,1000 --seeds 5 --json"})
public final class PositionCommand extends StriateCommand {

    @Option(names = "--train-size", defaultValue = "1000", paramLabel = "N", description = "Generated training images (default: ${DEFAULT-VALUE}).")
    int trainSize;

    @Option(names = "--sizes", split = ",", paramLabel = "N,N,...", description = "Several training-set sizes instead of --train-size.")
    int[] sizes;

    @Option(names = "--test-size", defaultValue = "400", paramLabel = "N", description = "Generated test images (default: ${DEFAULT-VALUE}).")
    int testSize;

    @Option(names = "--epochs", defaultValue = "10", paramLabel = "N", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the data, the weights and the shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--seeds", defaultValue = "5", paramLabel = "N",
            description = "Runs per model and size, each with its own generated images and weights; figures are means with a 95%% t interval (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--out", defaultValue = "lab/position", paramLabel = "DIR", description = "Directory for the plot of several sizes (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    /** A lead of the locally connected model within this much accuracy counts as none. */
    static final double NEGLIGIBLE = 0.01;

    @Override
    protected int run() throws Exception {
        LabOptions.checkSeeds(seeds);
        int[] at = sizes == null ? new int[] {trainSize} : sizes.clone();
        for (int s : at) if (s <= 0) throw new StriateException("Invalid training-set size " + s + ". Expected sizes > 0.");
        if (at.length > 1) org.striate.io.AtomicFile.checkDirectory(outDir, "--out");
        List<Outcome> outcomes = PositionTask.run(new PositionTask.Options(at[0], testSize, epochs, seed), PositionTask.NAMES, at, seeds,
                PositionTask.training(epochs));
        Path plot = at.length > 1 ? Charts.save(chart(outcomes, at), outDir.resolve("position.png")) : null;
        if (json) {
            Map<String, Object> o = Json.object();
            o.put("image_size", PositionData.SIZE);
            o.put("classes", PositionData.CLASSES);
            o.put("train_size", at[0]);
            o.put("train_sizes", at);
            o.put("test_size", testSize);
            o.put("epochs", epochs);
            o.put("seeds", seeds);
            List<Object> list = new ArrayList<>();
            for (int size : at) {
                for (String name : PositionTask.NAMES) {
                    Interval test = Interval.t95(PositionTask.runs(outcomes, name, size));
                    Outcome first = outcomes.stream().filter(x -> x.model().equals(name)).findFirst().orElseThrow();
                    Map<String, Object> m = Json.object();
                    m.put("model", name);
                    m.put("train_size", size);
                    m.put("spec", first.spec());
                    m.put("params", first.params());
                    m.put("train_accuracy", outcomes.stream().filter(x -> x.model().equals(name) && x.trainSize() == size)
                            .mapToDouble(Outcome::trainAccuracy).average().orElse(Double.NaN));
                    m.put("test_accuracy", test.mean());
                    m.put("interval", test.toJson());
                    m.put("runs", PositionTask.runs(outcomes, name, size));
                    list.add(m);
                }
            }
            o.put("models", list);
            List<Object> lead = new ArrayList<>();
            for (int size : at) {
                Map<String, Object> m = Json.object();
                m.put("train_size", size);
                for (String cnn : List.of("cnn-gap", "cnn-dense")) {
                    Interval d = advantage(outcomes, size, cnn);
                    Map<String, Object> over = Json.object();
                    over.put("difference", d.toJson());
                    over.put("verdict", Verdict.positive(d, NEGLIGIBLE).label());
                    m.put("over_" + cnn.replace('-', '_'), over);
                }
                lead.add(m);
            }
            o.put("locally_connected_lead", lead);
            if (plot != null) o.put("plot", plot.toString());
            out().println(Json.write(o));
        } else {
            out().printf("A 3x3 pattern in one of four quadrants of a %dx%d noisy image; the class is the quadrant (chance: 0.25).%n",
                    PositionData.SIZE, PositionData.SIZE);
            out().printf("%s training and %d test images, %d epochs; test accuracy, mean ± half-width of the 95%% interval over %d seed%s.%n%n",
                    at.length == 1 ? Integer.toString(at[0]) : sizesText(at), testSize, epochs, seeds, seeds == 1 ? "" : "s");
            out().printf("%-18s %8s  %s%n", "model", "params", "layers");
            for (String name : PositionTask.NAMES) {
                Outcome first = outcomes.stream().filter(x -> x.model().equals(name)).findFirst().orElseThrow();
                out().printf("%-18s %,8d  %s%n", name, first.params(), first.spec().replace("\n", " | "));
            }
            out().printf("%n%-8s", "images");
            for (String name : PositionTask.NAMES) out().printf(" %18s", name);
            out().printf(" %26s %26s%n", "lc - cnn-gap", "lc - cnn-dense");
            for (int size : at) {
                out().printf("%-8d", size);
                for (String name : PositionTask.NAMES) out().printf(" %18s", Interval.t95(PositionTask.runs(outcomes, name, size)).formatPlusMinus(4));
                for (String cnn : List.of("cnn-gap", "cnn-dense")) {
                    Interval d = advantage(outcomes, size, cnn);
                    out().printf(" %26s", d.formatPlusMinus(3) + " " + (d.low() > 0 ? "lead" : Verdict.positive(d, NEGLIGIBLE) == Verdict.DOES_NOT_HOLD ? "no lead" : "unclear"));
                }
                out().println();
            }
            if (plot != null) out().println("Plot: " + plot);
        }
        out().flush();
        return ExitCode.OK;
    }

    private static String sizesText(int[] at) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < at.length; i++) b.append(i == 0 ? "" : ", ").append(at[i]);
        return b.toString();
    }

    /** Locally connected minus {@code cnn}, the paired difference of test accuracy run by run. */
    static Interval advantage(List<Outcome> outcomes, int size, String cnn) {
        return Verdict.difference(PositionTask.runs(outcomes, "locally-connected", size), PositionTask.runs(outcomes, cnn, size));
    }

    static XYChart chart(List<Outcome> outcomes, int[] at) {
        Charts.Series s = new Charts.Series();
        double[] x = new double[at.length];
        for (int i = 0; i < at.length; i++) x[i] = at[i];
        for (String name : PositionTask.NAMES) {
            double[] y = new double[at.length], e = new double[at.length];
            for (int i = 0; i < at.length; i++) {
                Interval t = Interval.t95(PositionTask.runs(outcomes, name, at[i]));
                y[i] = t.mean();
                e[i] = t.halfWidth();
            }
            s.add(name, x, y, e);
        }
        return Charts.lines("Position task: test accuracy vs training images (95% interval)", "training images", "test accuracy", s, true, false);
    }
}
