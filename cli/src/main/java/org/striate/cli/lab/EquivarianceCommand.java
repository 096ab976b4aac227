package org.striate.cli.lab;

import org.striate.io.Json;
import org.striate.cli.ModelSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.striate.cli.ExitCode;
import org.striate.cli.StriateCommand;
import org.striate.cli.report.ModelAndData;
import org.striate.lab.Equivariance;
import org.striate.lab.Equivariance.LayerResult;
import org.striate.lab.Equivariance.Padding;
import org.striate.lab.Equivariance.Result;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Per-layer translation equivariance of a model, with zero padding (away from the borders) and with circular padding. */
@Command(name = "equivariance",
        mixinStandardHelpOptions = true,
        description = {"Measure, layer by layer, how far f(shifted input) is from the shifted f(input), for shifts 1..K.",
                "The shift seen by a layer is the input shift divided by the layer's jump (cumulative stride, divided by the "
                        + "factors of up-sampling layers); shifts that some layer on the way sees as a fraction of a cell (marked *) "
                        + "are compared with the nearer whole-cell shift.",
                "zero: the model as built, comparing only cells whose receptive field stays inside the image; "
                        + "circular: every window wraps around, so there are no borders."},
        footer = {"", "Examples:", "  striate lab equivariance --model small-cnn", "  striate lab equivariance --model small-cnn-blurpool --max-shift 6 --json",
                "  striate lab equivariance --model unet-small --max-shift 8",
                "  striate lab equivariance --model my.spec --inputs test --padding circular"})
public final class EquivarianceCommand extends StriateCommand {

    @Option(names = "--model", required = true, paramLabel = "NAME|FILE",
            description = "Built-in model (" + ModelSource.BUILT_IN + "), spec file, trained model file or .onnx file.")
    String model;

    @Option(names = "--max-shift", defaultValue = "4", paramLabel = "K", description = "Largest shift in pixels (default: ${DEFAULT-VALUE}).")
    int maxShift;

    @Option(names = "--padding", defaultValue = "both", paramLabel = "zero|circular|both",
            description = "Border handling to probe (default: ${DEFAULT-VALUE}).")
    String padding;

    @Option(names = "--inputs", defaultValue = "random", paramLabel = "random|test",
            description = "Uniform random images, or the first test images of --data (default: ${DEFAULT-VALUE}).")
    String inputs;

    @Option(names = "--samples", defaultValue = "8", paramLabel = "N", description = "Number of input images (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--data", paramLabel = "DIR", description = "IDX files, CIFAR-10 batches or image folders for --inputs test (default: the Fashion-MNIST package).")
    Path data;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random inputs and of untrained weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of the tables.")
    boolean json;

    @Override
    protected int run() throws Exception {
        Graph m = ModelAndData.model(model, seed);
        Tensor x = ModelAndData.probeInputs(m, inputs, samples, data, seed);
        List<Result> results = new ArrayList<>();
        for (Padding p : ModelAndData.paddings(padding)) results.add(Equivariance.probe(m, x, maxShift, p));
        if (json) {
            Map<String, Object> o = Json.object();
            o.put("model", model);
            o.put("input_shape", m.inputShape());
            o.put("inputs", inputs);
            o.put("samples", x.batch());
            o.put("tolerance", Equivariance.TOLERANCE);
            List<Object> probes = new ArrayList<>();
            for (Result r : results) probes.add(toJson(r));
            o.put("probes", probes);
            out().println(Json.write(o));
        } else {
            out().printf("Equivariance of %s (input %s), %d %s inputs, shifts 1..%d down and right.%n",
                    model, Shapes.compact(m.inputShape()), x.batch(), inputs, maxShift);
            for (Result r : results) out().print(text(r));
        }
        out().flush();
        return ExitCode.OK;
    }

    public static Map<String, Object> toJson(Result r) {
        Map<String, Object> o = Json.object();
        o.put("padding", r.padding() == Padding.CIRCULAR ? "circular" : "zero");
        o.put("max_shift", r.maxShift());
        int a = r.aliasingLayer();
        o.put("aliasing_layer", a < 0 ? null : r.layers().get(a).name());
        List<Object> layers = new ArrayList<>();
        for (LayerResult l : r.layers()) {
            Map<String, Object> m = Json.object();
            m.put("name", l.name());
            m.put("type", l.type());
            m.put("output_shape", l.outputShape());
            m.put("spatial", l.spatial());
            m.put("jump", new double[] {l.jumpH(), l.jumpW()});
            m.put("step", new int[] {l.stepH(), l.stepW()});
            m.put("receptive_field", new int[] {l.fieldH(), l.fieldW()});
            m.put("periodic", l.periodic());
            m.put("errors", l.errors());
            m.put("comparable", l.comparable());
            m.put("cells", l.cells());
            layers.add(m);
        }
        o.put("layers", layers);
        return o;
    }

    /** The table of one probe: a row per layer, a column per shift. */
    public static String text(Result r) {
        StringBuilder b = new StringBuilder("\n");
        b.append(r.padding() == Padding.CIRCULAR
                ? "Circular padding (the input is rolled; every window wraps around):\n"
                : "Zero padding (the input is shifted with zero fill; only cells whose receptive field stays inside the image):\n");
        int nameWidth = 5, typeWidth = 4;
        for (LayerResult l : r.layers()) {
            nameWidth = Math.max(nameWidth, l.name().length());
            typeWidth = Math.max(typeWidth, l.type().length());
        }
        String columns = "%-" + nameWidth + "s %-" + typeWidth + "s %5s %6s";
        b.append(String.format(columns, "layer", "type", "jump", "field"));
        for (int t = 1; t <= r.maxShift(); t++) b.append(String.format(" %10s", "t=" + t));
        b.append('\n');
        for (LayerResult l : r.layers()) {
            b.append(String.format(columns, l.name(), l.type(), l.spatial() ? l.jumpText() : "-",
                    l.spatial() ? Integer.toString(l.fieldH()) : "all"));
            for (int t = 0; t < r.maxShift(); t++) {
                double e = l.errors()[t];
                String v = Double.isNaN(e) ? "n/a" : String.format("%.2e", e);
                b.append(String.format(" %10s", v + (l.spatial() && !l.comparable()[t] ? "*" : " ")));
            }
            b.append(l.periodic() ? "" : "  (not periodic)").append('\n');
        }
        b.append("* shift not comparable (some layer up to this one sees it as a fraction of a cell: not a multiple of the "
                + "largest jump on the way): distance to the nearer whole-cell shift. After a global layer: "
                + "the invariance error. n/a: no cell far enough from the borders.\n");
        int a = r.aliasingLayer();
        if (a >= 0) {
            LayerResult l = r.layers().get(a);
            b.append(String.format("From %s (%s, jump %s) on, only shifts that are multiples of %d (the cumulative stride) stay "
                    + "equivariant (error <= %.0e).%n", l.name(), l.type(), l.jumpText(), l.stepH(), Equivariance.TOLERANCE));
        } else {
            b.append("No layer where only multiples of the cumulative stride stay equivariant.\n");
        }
        return b.toString();
    }
}
