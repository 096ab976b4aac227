package org.striate.cli;

import org.striate.io.Json;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.data.TrainTestSplit;
import org.striate.nn.Graph;
import org.striate.train.Evaluation;
import org.striate.train.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Evaluates a trained model on the test (or training) part of IDX, CIFAR-10 or image-folder data: accuracy,
 * per-class precision and recall, confusion matrix. It uses the same evaluator and batch size as the
 * final figure of {@code striate train}, so it reproduces that accuracy exactly.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a trained model: accuracy, per-class precision and recall, confusion matrix.",
                "Reproduces the test accuracy 'striate train' printed for the same model file and data."},
        footer = {"", "Examples:", "  striate eval --model models/fashion-cnn.striate",
                "  striate eval --model models/lenet5.striate --data /path/to/mnist --json"})
public final class EvalCommand extends StriateCommand {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file written by 'striate train', or an .onnx file.")
    Path model;

    @Option(names = "--data", paramLabel = "DIR",
            description = "The four IDX files, CIFAR-10 batches, or image folders train/ and test/ (images are resized to the "
                    + "model's input; default: " + DataLocation.PACKAGE_DIR + ").")
    Path data;

    @Option(names = "--split", defaultValue = "test", paramLabel = "test|train",
            description = "Which part of the data to evaluate on. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--json", description = "Print one JSON object instead of the report.")
    boolean json;

    @Mixin
    KernelOptions kernels;

    @Override
    protected KernelOptions kernelOptions() { return kernels; }

    @Override
    protected int run() throws Exception {
        String part = split.toLowerCase(Locale.ROOT);
        if (!part.equals("test") && !part.equals("train")) {
            throw new StriateException("Invalid value for option '--split'. Expected test or train. Received '" + split + "'.");
        }
        Graph net = ModelSource.trained(model);
        TrainTestSplit both = DataLocation.load(data, net.inputShape());
        Dataset d = part.equals("test") ? both.test() : both.train();
        Evaluation e = Evaluator.evaluate(net, d);
        String[] names = net.classNames().length > 0 ? net.classNames() : d.classNames();
        ClassificationReport report = new ClassificationReport(e.confusion(), names);
        if (json) {
            Map<String, Object> o = Json.object();
            o.put("model", model.toString());
            o.put("split", part);
            o.put("accuracy", e.accuracy());
            o.put("loss", e.loss());
            o.putAll(withoutAccuracy(report.toJson()));
            out().println(Json.write(o));
        } else {
            out().printf(Locale.ROOT, "%s on %s (%s, %d images): loss %.4f%n", model, part, d.size() == 0 ? "" : dataName(), d.size(), e.loss());
            out().print(report.text());
        }
        out().flush();
        return ExitCode.OK;
    }

    private String dataName() { return DataLocation.resolve(data).toString(); }

    /** The evaluator's accuracy is the one reported; the report's own (identical) copy is dropped. */
    private static Map<String, Object> withoutAccuracy(Map<String, Object> m) {
        m.remove("accuracy");
        return m;
    }
}
