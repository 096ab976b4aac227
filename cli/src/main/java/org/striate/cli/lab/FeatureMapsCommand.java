package org.striate.cli.lab;

import java.nio.file.Path;
import java.util.List;
import org.striate.cli.ExitCode;
import org.striate.cli.ModelSource;
import org.striate.cli.StriateCommand;
import org.striate.lab.FeatureMaps;
import org.striate.lab.Framed;
import org.striate.lab.JsonText;
import org.striate.lab.MapImages;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs one image through a model and draws every layer's activations. */
@Command(name = "featuremaps", mixinStandardHelpOptions = true,
        description = {"Write every layer's feature maps for one image, as one grid PNG per layer.",
                "Each map is min-max normalised: the hierarchy from edges to parts, layer by layer."},
        footer = {"", "Examples:", "  striate lab featuremaps --model runs/fashion.striate sneaker.png --out runs/maps",
                "  striate lab featuremaps --model fashion-cnn sneaker.png --out runs/maps --json"})
public final class FeatureMapsCommand extends StriateCommand {

    @Option(names = "--model", required = true, paramLabel = "NAME|SPEC|FILE",
            description = "Trained model file or .onnx file, or a built-in name or spec file (random weights).")
    String model;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "A PNG, JPEG, GIF or BMP file, resized to the model's input.")
    Path image;

    @Option(names = "--out", defaultValue = "lab/featuremaps", paramLabel = "DIR", description = "Folder for input.png and maps-INDEX-LAYER.png (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the initial weights of an untrained model (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of the text report.")
    boolean json;

    @Override
    protected int run() throws Exception {
        org.striate.io.AtomicFile.checkDirectory(out, "--out");
        Graph m = ModelSource.load(model, null, seed);
        int[] in = m.inputShape();
        Tensor picture = MapImages.read(image, in.length == 3 ? in[0] : 1);
        Tensor x = FeatureMaps.prepare(m, picture);
        Path input = out.resolve("input.png");
        Tensor shown = MapImages.resize(picture, in[1], in[2]);
        MapImages.writePng(Framed.of(MapImages.grid(planes(shown), in[0], MapImages.Scale.MIN_MAX, Math.max(1, 56 / Math.max(in[1], in[2])), 2),
                "input: " + image.getFileName() + " at the model's " + Shapes.compact(in), Framed.Scale.perTileRange("channel")), input);
        List<FeatureMaps.Activation> acts = FeatureMaps.write(FeatureMaps.run(m, x), out);
        if (json) {
            out().println(new JsonText().open().field("model", model).field("image", image.toString())
                    .field("input_png", input.toString()).raw("layers", FeatureMaps.json(acts)).close());
        } else {
            out().printf("%-3s %-14s %-16s %-9s %9s %9s %7s  %s%n", "#", "layer", "type", "shape", "min", "max", "zeros", "png");
            for (FeatureMaps.Activation a : acts) {
                out().printf("%-3d %-14s %-16s %-9s %9.3f %9.3f %6.1f%%  %s%n", a.layerIndex(), a.layerName(), a.type(),
                        Shapes.compact(a.shape()), a.min(), a.max(), 100 * a.zeroFraction(), a.png() == null ? "-" : a.png());
            }
            out().println("input " + input);
        }
        out().flush();
        return ExitCode.OK;
    }

    private static List<MapImages.Plane> planes(Tensor x) {
        int c = x.dim(1), h = x.dim(2), w = x.dim(3);
        return java.util.stream.IntStream.range(0, c).mapToObj(k -> new MapImages.Plane(x.data, k * h * w, h, w)).toList();
    }
}
