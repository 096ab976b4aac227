package org.striate.cli.lab;

import java.util.Random;
import org.striate.StriateException;
import org.striate.cli.ExitCode;
import org.striate.cli.ModelSource;
import org.striate.cli.StriateCommand;
import org.striate.lab.ConvAsDense;
import org.striate.lab.JsonText;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Graph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes a conv layer as the dense matrix it is and measures sparsity and sharing. */
@Command(name = "conv-as-dense", mixinStandardHelpOptions = true,
        description = {"Write a conv layer as its dense (Toeplitz) matrix and count sparsity and sharing.",
                "Checks that both give the same output, and counts non-zero entries (sparse connectivity) and distinct",
                "weights (parameter sharing) against their closed forms. Default: a random 'conv 2 3x3' on a 1x5x5 input."},
        footer = {"", "Examples:", "  striate lab conv-as-dense",
                "  striate lab conv-as-dense --input 4x8x8 --conv \"conv 6 3x3 stride=2 pad=1 groups=2\"",
                "  striate lab conv-as-dense --model runs/fashion.striate --layer 3 --json"})
public final class ConvAsDenseCommand extends StriateCommand {

    @Option(names = "--model", paramLabel = "NAME|SPEC|FILE", description = "Take the layer from this model instead of building one.")
    String model;

    @Option(names = "--layer", paramLabel = "N", description = "Index of the conv layer in --model (default: the first conv layer).")
    Integer layer;

    @Option(names = "--input", defaultValue = "1x5x5", paramLabel = "CxHxW", description = "Input of the built layer (default: ${DEFAULT-VALUE}).")
    String input;

    @Option(names = "--conv", defaultValue = "conv 2 3x3", paramLabel = "SPEC",
            description = "The built layer as a spec line (default: '${DEFAULT-VALUE}'), e.g. 'conv 4 3x3 stride=2 pad=1 dilation=2 groups=2'.")
    String conv;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the random weights and input (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of the text report.")
    boolean json;

    @Override
    protected int run() throws Exception {
        Graph m;
        int index;
        Random rng = new Random(seed);
        if (model != null) {
            m = ModelSource.load(model, null, seed);
            index = layer != null ? layer : firstConv(m);
        } else {
            if (layer != null) throw new StriateException("Option '--layer' needs '--model'. Expected '--model FILE --layer N', or '--conv SPEC' alone.");
            m = LayerSpecs.parse("input " + input + "\n" + conv, "--conv", null).build(seed);
            float[] p = m.params();
            for (int i = 0; i < p.length; i++) p[i] = (float) rng.nextGaussian(); // random biases too, so they are checked
            index = 0;
        }
        ConvAsDense dense = ConvAsDense.of(m, index);
        float[] x = new float[dense.columns()];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        ConvAsDense.Report r = dense.compare(x);
        boolean bias = m.layer(index).filters().hasBias();
        boolean small = dense.rows() <= 64 && dense.columns() <= 120;
        if (json) {
            JsonText j = new JsonText().open().field("layer", m.layer(index).name()).field("index", index)
                    .field("spec", m.layer(index).spec()).raw("report", r.json(bias));
            if (small) j.field("pattern", dense.pattern());
            out().println(j.close());
        } else {
            out().println("layer " + index + " '" + m.layer(index).name() + "': " + m.layer(index).spec());
            out().print(r.text(bias));
            if (small) {
                out().println("the matrix (one letter per distinct weight, '.' = structural zero; rows = outputs, columns = inputs):");
                out().print(dense.pattern());
            }
        }
        out().flush();
        return ExitCode.OK;
    }

    private static int firstConv(Graph m) {
        int first = ConvAsDense.firstConv(m);
        if (first >= 0) return first;
        throw new StriateException("The model has no convolution layer. Expected a model with at least one conv layer.");
    }
}
