package org.striate.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.striate.StriateException;
import org.striate.io.Json;
import org.striate.nn.Graph;
import org.striate.onnx.Onnx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Exports any Striate model as ONNX, for ONNX Runtime, PyTorch-side checks or other engines. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a model as ONNX: a dynamic batch dimension, the input normalisation as Sub and Div nodes at the front",
                "(the ONNX model takes the same pixels as Striate, scaled to 0..1), and the class names in metadata_props",
                "('class_names', a JSON array). A layer with no ONNX operator (locally connected) is named in the error."},
        footer = {"", "Examples:", "  striate export --model models/fashion-cnn.striate --out fashion-cnn.onnx",
                "  striate export --model resnet8 --out resnet8.onnx --opset 13"})
public final class ExportCommand extends StriateCommand {

    @Option(names = "--model", required = true, paramLabel = "NAME|SPEC|FILE",
            description = "Built-in model (" + ModelSource.BUILT_IN + ", random weights), spec file, model file or .onnx file.")
    String model;

    @Option(names = "--out", required = true, paramLabel = "FILE.onnx", description = "ONNX file to write.")
    Path out;

    @Option(names = "--opset", defaultValue = "" + Onnx.DEFAULT_OPSET, paramLabel = "13..18", description = "ONNX operator set. Default: ${DEFAULT-VALUE}.")
    int opset;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seeds the weights of a built-in model or spec. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of the text line.")
    boolean json;

    @Override
    protected int run() throws Exception {
        if (opset < Onnx.MIN_EXPORT_OPSET || opset > Onnx.MAX_EXPORT_OPSET) {
            throw new StriateException("Invalid value for option '--opset'. Expected " + Onnx.MIN_EXPORT_OPSET + " to " + Onnx.MAX_EXPORT_OPSET + ". Received " + opset + ".");
        }
        if (Files.isDirectory(out)) throw new StriateException("--out " + out + " is a directory. Expected a file name, e.g. " + out.resolve("model.onnx") + ".");
        Graph g = ModelSource.load(model, null, seed);
        Onnx.save(g, out, opset);
        if (json) {
            Map<String, Object> o = Json.object();
            o.put("model", model);
            o.put("out", out.toString());
            o.put("opset", opset);
            o.put("bytes", Files.size(out));
            out().println(Json.write(o));
        } else {
            out().printf("%s: saved to %s (opset %d, %,d bytes)%n", model, out, opset, Files.size(out));
        }
        out().flush();
        return ExitCode.OK;
    }
}
