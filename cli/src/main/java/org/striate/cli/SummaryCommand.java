package org.striate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.striate.nn.Layer;
import org.striate.nn.Sequential;
import org.striate.tensor.Shapes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints a model layer by layer: output shape, parameters and multiply-adds per sample. */
@Command(name = "summary",
        description = {"Print a model layer by layer: name, type, output shape, parameters, multiply-adds per sample.",
                "The model is a built-in name, a spec file or a trained model file."},
        footer = {"", "Examples:", "  striate summary --model fashion-cnn", "  striate summary --model my.spec --input 3x32x32 --json"})
public final class SummaryCommand extends StriateCommand {

    @Option(names = "--model", required = true, paramLabel = "NAME|SPEC|FILE",
            description = "Built-in model (lenet5, fashion-cnn, mlp, lc), spec file or model file.")
    String model;

    @Option(names = "--input", paramLabel = "CxHxW", description = "Input shape per sample, overriding the model's (e.g. 3x32x32).")
    String input;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Override
    protected int run() throws Exception {
        int[] in = input == null ? null : ModelSource.parseShape(input, "--input");
        Sequential m = ModelSource.load(model, in, 42);
        if (json) out().println(Json.write(toJson(m)));
        else out().print(table(m));
        out().flush();
        return ExitCode.OK;
    }

    static Map<String, Object> toJson(Sequential m) {
        Map<String, Object> o = Json.object();
        o.put("input_shape", m.inputShape());
        List<Object> layers = new ArrayList<>();
        long macs = 0;
        for (Layer l : m.layers()) {
            Map<String, Object> r = Json.object();
            r.put("name", l.name());
            r.put("type", l.type());
            r.put("output_shape", l.outputShape());
            r.put("params", l.paramCount());
            r.put("macs", l.macs());
            layers.add(r);
            macs += l.macs();
        }
        o.put("layers", layers);
        o.put("total_params", m.paramCount());
        o.put("total_macs", macs);
        return o;
    }

    static String table(Sequential m) {
        StringBuilder b = new StringBuilder();
        String fmt = "%-14s %-20s %-14s %12s %14s%n";
        b.append(String.format(fmt, "layer", "type", "output shape", "params", "MACs"));
        b.append(String.format(fmt, "input", "", Shapes.compact(m.inputShape()), "", ""));
        long macs = 0;
        for (Layer l : m.layers()) {
            b.append(String.format(fmt, l.name(), l.type(), Shapes.compact(l.outputShape()),
                    String.format("%,d", l.paramCount()), String.format("%,d", l.macs())));
            macs += l.macs();
        }
        b.append(String.format(fmt, "total", "", "", String.format("%,d", m.paramCount()), String.format("%,d", macs)));
        return b.toString();
    }
}
