package org.striate.cli;

import org.striate.io.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.striate.StriateException;
import org.striate.lab.DenseComparison;
import org.striate.lab.ModelSummary;
import org.striate.lab.ReceptiveField;
import org.striate.lab.UnseenInput;
import org.striate.nn.Layer;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints a model layer by layer: output shape, parameters, multiply-adds, receptive field, activation
 * memory and the dense-layer equivalent of each conv layer (the figures come from {@link ModelSummary}).
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = {"Print a model layer by layer: name, type, output shape, parameters, multiply-adds per sample,",
                "receptive field (size, jump, start), activation memory, and what a dense layer would need instead of each conv layer.",
                "Warns when stride and padding leave input rows or columns that no output reads.",
                "The model is a built-in name, a spec file or a trained model file."},
        footer = {"", "Examples:", "  striate summary --model fashion-cnn", "  striate summary --model my.spec --input 3x32x32 --json",
                "  striate summary --model lenet5 --batch 64 --dense-compare 3x480x640:128"})
public final class SummaryCommand extends StriateCommand {

    @Option(names = "--model", required = true, paramLabel = "NAME|SPEC|FILE",
            description = "Built-in model (" + ModelSource.BUILT_IN + "), spec file, model file or .onnx file.")
    String model;

    @Option(names = "--input", paramLabel = "CxHxW", description = "Input shape per sample, overriding the model's (e.g. 3x32x32).")
    String input;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "N",
            description = "Batch size for the activation-memory totals (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--dense-compare", paramLabel = "CxHxW:UNITS[:K]",
            description = "Also compare a dense layer from a CxHxW input to UNITS units with a KxK conv of UNITS filters (K = 3 unless given), e.g. 3x480x640:128.")
    String denseCompare;

    @Override
    protected int run() throws Exception {
        int[] in = input == null ? null : ModelSource.parseShape(input, "--input");
        if (batch < 1) throw new StriateException("Invalid value for option '--batch'. Expected a strictly positive value. Received " + batch + ".");
        DenseComparison compare = denseCompare == null ? null : DenseComparison.parse(denseCompare);
        Graph m = ModelSource.load(model, in, 42);
        ModelSummary s = ModelSummary.of(m);
        if (json) {
            Map<String, Object> o = toJson(m, s, batch);
            if (compare != null) o.put("dense_compare", denseJson(compare));
            out().println(Json.write(o));
        } else {
            out().print(table(m, s, batch));
            if (compare != null) out().println(compare.text());
        }
        out().flush();
        return ExitCode.OK;
    }

    static Map<String, Object> toJson(Graph m, ModelSummary s, int batch) {
        Map<String, Object> o = Json.object();
        o.put("input_shape", m.inputShape());
        List<Object> layers = new ArrayList<>();
        for (int i = 0; i < m.layers().size(); i++) {
            Layer l = m.layer(i);
            ModelSummary.Row row = s.rows().get(i);
            Map<String, Object> r = Json.object();
            r.put("name", l.name());
            r.put("type", l.type());
            r.put("inputs", row.inputs());
            r.put("output_shape", l.outputShape());
            r.put("params", l.paramCount());
            r.put("macs", l.macs());
            ReceptiveField f = row.field();
            boolean local = f.kind() == ReceptiveField.Kind.LOCAL;
            // receptive field, jump and start per axis (H, W) in input pixels; jump and start are null when
            // every output sees the whole input ("kind": "global") or the field cannot be derived ("unknown")
            r.put("receptive_field", f.kind() == ReceptiveField.Kind.UNKNOWN ? null : new int[] {f.sizeH(), f.sizeW()});
            r.put("receptive_field_kind", f.kind().name().toLowerCase());
            r.put("jump", local ? new double[] {f.jumpH(), f.jumpW()} : null);
            r.put("start", f.hasStart() ? new double[] {f.startH(), f.startW()} : null);
            Map<String, Object> mem = Json.object();
            mem.put("forward", row.forwardBytes());
            mem.put("training", row.backwardBytes());
            r.put("activation_bytes", mem);
            if (row.denseWeights() >= 0) {
                r.put("dense_weights", row.denseWeights());
                r.put("dense_ratio", row.denseRatio());
            }
            layers.add(r);
        }
        o.put("layers", layers);
        o.put("total_params", m.paramCount());
        o.put("total_macs", m.macs());
        o.put("batch", batch);
        Map<String, Object> mem = Json.object();
        mem.put("forward", s.totalForwardBytes() * batch);
        mem.put("training", s.totalBackwardBytes() * batch);
        o.put("activation_bytes", mem);
        List<Object> warnings = new ArrayList<>();
        for (UnseenInput u : s.unseen()) {
            Map<String, Object> w = Json.object();
            w.put("layer", u.layerName());
            w.put("rows", u.rows());
            w.put("columns", u.columns());
            w.put("message", u.message());
            warnings.add(w);
        }
        o.put("warnings", warnings);
        return o;
    }

    static Map<String, Object> denseJson(DenseComparison d) {
        Map<String, Object> o = Json.object();
        o.put("input", d.input());
        o.put("units", d.units());
        o.put("kernel", d.kernel());
        o.put("dense_weights", d.denseWeights());
        o.put("dense_params", d.denseParams());
        o.put("conv_params", d.convParams());
        o.put("ratio", d.ratio());
        return o;
    }

    static String table(Graph m, ModelSummary s, int batch) {
        StringBuilder b = new StringBuilder();
        // a graph also shows which nodes each layer reads; a plain stack reads the row above
        boolean graph = !m.isChain();
        int inputsWidth = 6;
        for (ModelSummary.Row r : s.rows()) inputsWidth = Math.max(inputsWidth, String.join(",", r.inputs()).length());
        String inputsFmt = graph ? "%-" + inputsWidth + "s " : "%s";
        int nameWidth = 14;
        for (ModelSummary.Row r : s.rows()) nameWidth = Math.max(nameWidth, r.name().length());
        String fmt = "%-" + nameWidth + "s %-20s " + inputsFmt + "%-14s %12s %14s %8s %5s %6s %10s %10s %14s %10s%n";
        b.append(String.format(fmt, "layer", "type", graph ? "inputs" : "", "output shape", "params", "MACs", "RF", "jump", "start", "fwd mem", "train mem",
                "dense weights", "dense/conv"));
        b.append(String.format(fmt, "input", "", "", Shapes.compact(m.inputShape()), "", "", "1", "1", "0",
                ModelSummary.bytes(4L * Shapes.size(m.inputShape())), "", "", ""));
        for (int i = 0; i < m.layers().size(); i++) {
            Layer l = m.layer(i);
            ModelSummary.Row r = s.rows().get(i);
            b.append(String.format(fmt, l.name(), l.type(), graph ? String.join(",", r.inputs()) : "", Shapes.compact(l.outputShape()),
                    String.format("%,d", l.paramCount()), String.format("%,d", l.macs()),
                    r.field().sizeText(), r.field().jumpText(), r.field().startText(),
                    ModelSummary.bytes(r.forwardBytes()), ModelSummary.bytes(r.backwardBytes()),
                    r.denseWeights() < 0 ? "" : String.format("%,d", r.denseWeights()),
                    r.denseWeights() < 0 ? "" : String.format("%,.0fx", r.denseRatio())));
        }
        b.append(String.format(fmt, "total", "", "", "", String.format("%,d", m.paramCount()), String.format("%,d", m.macs()),
                "", "", "", ModelSummary.bytes(s.totalForwardBytes()), ModelSummary.bytes(s.totalBackwardBytes()), "", ""));
        if (batch != 1) {
            b.append(String.format("activations for a batch of %d: forward %s, kept for backward %s%n", batch,
                    ModelSummary.bytes(s.totalForwardBytes() * batch), ModelSummary.bytes(s.totalBackwardBytes() * batch)));
        }
        b.append(String.format("RF = receptive field in input pixels (HxW if not square); jump = cumulative stride; start = centre of the first output's field;%n"
                + "memory per sample, float32: fwd = the layer's output, train = what it keeps for backward; dense weights = a Dense layer with the same input and output sizes%n"));
        for (UnseenInput u : s.unseen()) b.append("warning: ").append(u.message()).append(System.lineSeparator());
        return b.toString();
    }
}
