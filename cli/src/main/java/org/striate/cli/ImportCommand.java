package org.striate.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.striate.StriateException;
import org.striate.io.Json;
import org.striate.io.ModelFile;
import org.striate.nn.Graph;
import org.striate.onnx.Onnx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Imports an ONNX model (from PyTorch, Keras, or Striate itself) into a Striate model file. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import an ONNX model into a Striate model file, to evaluate, predict, inspect or fine-tune in pure Java.",
                "Every command that takes --model also reads an .onnx file directly; importing once saves the conversion each time.",
                "All nodes that cannot be mapped are listed in one error."},
        footer = {"", "Examples:", "  striate import lenet.onnx --out models/lenet.striate", "  striate import resnet.onnx --out resnet.striate --json"})
public final class ImportCommand extends StriateCommand {

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX file (external weight files are read from its folder).")
    Path source;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Model file to write (e.g. models/imported.striate).")
    Path out;

    @Option(names = "--json", description = "Print one JSON object instead of the text line.")
    boolean json;

    @Override
    protected int run() throws Exception {
        if (Files.isDirectory(out)) throw new StriateException("--out " + out + " is a directory. Expected a file name, e.g. " + out.resolve("model" + ModelFile.EXTENSION) + ".");
        Graph g = Onnx.load(source);
        ModelFile.save(g, out);
        if (json) {
            Map<String, Object> o = Json.object();
            o.put("source", source.toString());
            o.put("out", out.toString());
            o.put("layers", g.layers().size());
            o.put("parameters", g.paramCount());
            o.put("input", g.inputShape());
            o.put("output", g.outputShape());
            out().println(Json.write(o));
        } else {
            out().printf("%s: %d layers, %,d parameters, input %s, output %s; saved to %s%n", source, g.layers().size(), g.paramCount(),
                    shape(g.inputShape()), shape(g.outputShape()), out);
        }
        out().flush();
        return ExitCode.OK;
    }

    static String shape(int[] s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length; i++) b.append(i > 0 ? "x" : "").append(s[i]);
        return b.toString();
    }
}
