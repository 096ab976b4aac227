package org.striate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.striate.StriateException;
import org.striate.data.TextFiles;
import org.striate.io.ModelFile;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Graph;
import org.striate.nn.Zoo;
import org.striate.onnx.Onnx;

/** Resolves what a user passes to --model: a built-in name, a spec file, a trained model file or an ONNX file. */
public final class ModelSource {
    private ModelSource() {}

    /** The built-in models for --help texts (a constant, as annotations need one); a test keeps it equal to {@link Zoo#names()}. */
    public static final String BUILT_IN = "lenet5, fashion-cnn, mlp, lc, resnet8, resnet18, unet-small, sr-small, det-small, small-cnn, small-cnn-blurpool, small-lc, small-mlp, small-cnn-gap, small-mlp-narrow";

    /** True when {@code ref} names a built-in model rather than a file. */
    static boolean isBuiltIn(String ref) { return Zoo.has(ref); }

    /**
     * A zoo model, a spec file (both untrained, weights from {@code seed}), a trained model file or an ONNX file (by its extension);
     * {@code input} (may be null) overrides the input shape of a zoo model or spec. With no data to follow, a zoo
     * model is built for what it was made for ({@link Zoo#defaultInput(String)}, {@link Zoo#defaultClasses(String)}).
     */
    public static Graph load(String ref, int[] input, long seed) throws IOException {
        if (Zoo.has(ref)) return Zoo.build(ref, input == null ? Zoo.defaultInput(ref) : input, Zoo.defaultClasses(ref), seed);
        return load(ref, input, Zoo.DEFAULT_CLASSES, seed);
    }

    /** The same, a built-in model ending in {@code classes} outputs (or maps). */
    public static Graph load(String ref, int[] input, int classes, long seed) throws IOException {
        if (Zoo.has(ref)) return Zoo.build(ref, input == null ? Zoo.defaultInput() : input, classes, seed);
        Path p = Path.of(ref);
        if (!Files.isRegularFile(p)) {
            throw new StriateException("Unknown model '" + ref + "'" + DidYouMean.suffix(ref, Zoo.names()) + ". Expected one of " + String.join(", ", Zoo.names())
                    + ", or the path of an existing spec file, model file or .onnx file.");
        }
        if (isModelFile(p) || Onnx.isOnnxFile(p)) {
            if (input != null) {
                throw new StriateException("--input cannot change the input of the trained model " + p
                        + ". Expected --input only with a built-in model or a spec file.");
            }
            return Onnx.isOnnxFile(p) ? Onnx.load(p) : ModelFile.load(p);
        }
        String text = specText(p);
        if (input != null) text = withoutInputLines(text);
        return LayerSpecs.parse(text, p.toString(), input == null ? Zoo.defaultInput() : input).build(seed);
    }

    /**
     * True when the model's input may follow the data: a built-in model, or a spec file without an
     * 'input' line. A spec that states its input, and a trained model file, keep theirs.
     */
    static boolean inputFollowsData(String ref) throws IOException {
        if (Zoo.has(ref)) return true;
        Path p = Path.of(ref);
        if (!Files.isRegularFile(p) || isModelFile(p) || Onnx.isOnnxFile(p)) return false;
        return specText(p).lines().noneMatch(ModelSource::isInputLine);
    }

    /** True when {@code ref} is an ONNX file: a model with weights (and normalisation) trained elsewhere. */
    static boolean isImported(String ref) { return !Zoo.has(ref) && Onnx.isOnnxFile(Path.of(ref)) && Files.isRegularFile(Path.of(ref)); }

    /** Spec files are small UTF-8 text: anything else is refused naming the file and the first bad byte. */
    private static String specText(Path p) throws IOException { return TextFiles.read(p, "spec file", MAX_SPEC_BYTES); }

    /** Far more than any architecture needs (a line per layer). */
    static final long MAX_SPEC_BYTES = 1 << 20;

    private static boolean isInputLine(String line) { return line.trim().toLowerCase().matches("input(\\s.*)?"); }

    /** A trained model: a model file, or an ONNX file (by its extension). */
    static Graph trained(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new StriateException("Model file " + p + " does not exist. Expected a file written by 'striate train' (e.g. models/fashion-cnn.striate) or an .onnx file.");
        }
        return Onnx.isOnnxFile(p) ? Onnx.load(p) : ModelFile.load(p);
    }

    /** A model file, told by its magic bytes ({@link ModelFile#isModelFile}); spec files are text. */
    public static boolean isModelFile(Path p) throws IOException { return ModelFile.isModelFile(p); }

    /** Comments out 'input' lines (keeping line numbers) so an explicit --input wins. */
    private static String withoutInputLines(String text) {
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (isInputLine(lines[i])) lines[i] = "# " + lines[i];
        }
        return String.join("\n", lines);
    }

    /** Parses "1x28x28" (or "1,28,28") into a shape, or explains what is expected. */
    static int[] parseShape(String s, String option) {
        String[] p = s.trim().toLowerCase().split("[x,]");
        int[] shape = new int[p.length];
        try {
            for (int i = 0; i < p.length; i++) {
                shape[i] = Integer.parseInt(p[i].trim());
                if (shape[i] <= 0) throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new StriateException("Invalid value for option '" + option + "'. Expected CxHxW with positive sizes, e.g. 1x28x28. Received '" + s + "'.");
        }
        return shape;
    }
}
