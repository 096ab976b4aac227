package org.striate.cli;

import org.striate.io.Json;
import org.striate.io.Npy;
import org.striate.onnx.Onnx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.striate.StriateException;
import org.striate.data.ImageReader;
import org.striate.data.Resize;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;
import org.striate.train.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Classifies image files with a trained model and prints the most probable classes. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Classify image files (PNG, JPEG, ...) with a trained model: the top classes with their probabilities.",
                "Each image is converted to the model's channels and resized to its input size."},
        footer = {"", "Fashion-MNIST images are light garments on a black background; use --invert for dark objects on white",
                "(a warning says so when an image's border is light and the training images were dark).",
                "", "Examples:", "  striate predict --model models/fashion-cnn.striate shoe.png shirt.png",
                "  striate predict --model models/fashion-cnn.striate --invert --top 1 --json photo.jpg",
                "  striate predict --model models/fashion-cnn.striate --show-input seen.png photos/",
                "  striate predict --model model.onnx --input x.npy --out y.npy",
                "  striate predict --model model.onnx --input test_data_set_0/input_0.pb --out output_0.pb"})
public final class PredictCommand extends StriateCommand {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file written by 'striate train', or an .onnx file.")
    Path model;

    @Parameters(arity = "0..*", paramLabel = "IMAGE|FOLDER", description = "Image files to classify; a folder stands for every image in it (all levels).")
    List<Path> images = new ArrayList<>();

    @Option(names = "--show-input", paramLabel = "FILE.png",
            description = "Also write the input the model classified (its size and channels, after --invert) as a PNG; FILE-1.png, FILE-2.png, ... for several images.")
    Path showInput;

    @Option(names = "--input", paramLabel = "X.npy|X.pb",
            description = "Instead of images: a NumPy float32 array (or an ONNX TensorProto .pb file, as ONNX's test data) shaped like the model's input, "
                    + "batch first, run as it is (only the model's own normalisation applies); needs --out.")
    Path inputNpy;

    @Option(names = "--out", paramLabel = "Y.npy|Y.pb",
            description = "With --input: where to write the model's raw outputs (float32, batch first): a TensorProto when it ends in .pb, else .npy.")
    Path outNpy;

    @Option(names = "--top", defaultValue = "3", paramLabel = "K", description = "How many classes to show per image. Default: ${DEFAULT-VALUE}.")
    int top;

    @Option(names = "--invert", description = "Use 1 − pixel, for dark objects on a light background.")
    boolean invert;

    @Option(names = "--json", description = "Print one JSON object instead of one line per image.")
    boolean json;

    @Mixin
    KernelOptions kernels;

    @Override
    protected KernelOptions kernelOptions() { return kernels; }

    @Override
    protected int run() throws Exception {
        if (top <= 0) throw new StriateException("Invalid value for option '--top'. Expected a strictly positive value. Received " + top + ".");
        if ((inputNpy == null) != (outNpy == null)) throw new StriateException("--input and --out go together. Expected both (x.npy in, y.npy out) or image files.");
        if (inputNpy == null && images.isEmpty()) throw new StriateException("Nothing to predict. Expected image files, or --input X.npy --out Y.npy.");
        if (inputNpy != null && !images.isEmpty()) throw new StriateException("Expected image files or --input X.npy, not both.");
        Graph net = ModelSource.trained(model);
        if (inputNpy != null) {
            Tensor y = Evaluator.outputs(net, Onnx.isTensorFile(inputNpy) ? Onnx.readTensor(inputNpy) : Npy.read(inputNpy));
            if (Onnx.isTensorFile(outNpy)) Onnx.writeTensor(y, "output", outNpy);
            else Npy.write(y, outNpy);
            if (json) {
                Map<String, Object> o = Json.object();
                o.put("model", model.toString());
                o.put("out", outNpy.toString());
                o.put("shape", y.shape());
                out().println(Json.write(o));
            } else {
                out().println(inputNpy + " -> " + outNpy + " " + Shapes.str(y.shape()));
            }
            out().flush();
            return ExitCode.OK;
        }
        int[] in = net.inputShape();
        if (in.length != 3) {
            throw new StriateException("The model " + model + " takes input of shape " + Shapes.str(in) + ". Expected a model for images (C, H, W).");
        }
        images = PredictInputs.expand(images);
        int per = Shapes.size(in);
        org.striate.tensor.Memory.require(4L * images.size() * Shapes.size(in),
                images.size() + " image(s) at the model's input size " + Shapes.str(in));
        Tensor x = new Tensor(Shapes.withBatch(images.size(), in));
        for (int i = 0; i < images.size(); i++) {
            ImageReader.read(images.get(i), in[0], in[1], in[2], Resize.AREA, x.data, i * per);
        }
        if (invert) for (int i = 0; i < x.size(); i++) x.data[i] = 1f - x.data[i];
        for (int i = 0; i < images.size(); i++) {
            String warning = PredictInputs.backgroundWarning(images.get(i), PredictInputs.borderMean(x.data, i * per, in[0], in[1], in[2]), net.mean(), invert);
            if (warning != null) err().println(warning);
            if (showInput != null) {
                Path file = PredictInputs.numbered(showInput, i, images.size());
                PredictInputs.write(x.data, i * per, in[0], in[1], in[2], file);
                err().println("input of " + images.get(i) + " as classified (" + in[2] + "x" + in[1] + "): " + file);
            }
        }
        err().flush();
        Tensor p = Evaluator.predict(net, x);
        int k = p.sampleSize();
        String[] names = net.classNames();
        List<Object> results = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            int[] order = topK(p.data, i * k, k, Math.min(top, k));
            List<Object> classes = new ArrayList<>();
            StringBuilder line = new StringBuilder(images.get(i).toString()).append(':');
            for (int c : order) {
                String name = c < names.length ? names[c] : Integer.toString(c);
                float prob = p.data[i * k + c];
                Map<String, Object> r = Json.object();
                r.put("class", name);
                r.put("index", c);
                r.put("probability", prob);
                classes.add(r);
                line.append(String.format(Locale.ROOT, "  %s %.4f", name, prob));
            }
            Map<String, Object> r = Json.object();
            r.put("image", images.get(i).toString());
            r.put("top", classes);
            results.add(r);
            if (!json) out().println(line);
        }
        if (json) {
            Map<String, Object> o = Json.object();
            o.put("model", model.toString());
            o.put("predictions", results);
            out().println(Json.write(o));
        }
        out().flush();
        return ExitCode.OK;
    }

    /** Indices of the k largest of p[off..off+n), largest first, lower index first on ties. */
    static int[] topK(float[] p, int off, int n, int k) {
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> p[off + a] != p[off + b] ? Float.compare(p[off + b], p[off + a]) : Integer.compare(a, b));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) out[i] = idx[i];
        return out;
    }
}
