package org.striate.cli.lab;

import java.nio.file.Path;
import java.util.List;
import org.striate.StriateException;
import org.striate.cli.ExitCode;
import org.striate.cli.ModelSource;
import org.striate.cli.StriateCommand;
import org.striate.lab.FilterGrid;
import org.striate.lab.JsonText;
import org.striate.nn.Graph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Draws the filters of every Conv2d of a model as one grid PNG per layer. */
@Command(name = "filters", mixinStandardHelpOptions = true,
        description = {"Draw the filters of every conv layer of a model as one grid PNG per layer.",
                "A tile per (filter, input channel); mid grey is 0, light positive, dark negative."},
        footer = {"", "Examples:", "  striate lab filters --model runs/fashion.striate --out runs/filters",
                "  striate lab filters --model lenet5 --out runs/filters-untrained --json"})
public final class FiltersCommand extends StriateCommand {

    @Option(names = "--model", required = true, paramLabel = "NAME|SPEC|FILE",
            description = "Trained model file or .onnx file, or a built-in name or spec file (random, untrained filters).")
    String model;

    @Option(names = "--out", defaultValue = "lab/filters", paramLabel = "DIR", description = "Folder for filters-INDEX-LAYER.png (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the initial weights of an untrained model (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of the text report.")
    boolean json;

    @Override
    protected int run() throws Exception {
        org.striate.io.AtomicFile.checkDirectory(out, "--out");
        Graph m = ModelSource.load(model, null, seed);
        List<FilterGrid.Drawn> drawn = FilterGrid.write(m, out);
        if (drawn.isEmpty()) throw new StriateException("Model '" + model + "' has no Conv2d layer. Expected a model with at least one conv layer.");
        if (json) {
            out().println(new JsonText().open().field("model", model).raw("layers", FilterGrid.json(drawn)).close());
        } else {
            for (FilterGrid.Drawn d : drawn) {
                out().printf("%-10s %3d filters of %dx%dx%d  grid %dx%d  %dx%d px  %s%n", d.layerName(), d.filters(),
                        d.channelsPerFilter(), d.kH(), d.kW(), d.rows(), d.columns(), d.width(), d.height(), d.png());
            }
        }
        out().flush();
        return ExitCode.OK;
    }
}
