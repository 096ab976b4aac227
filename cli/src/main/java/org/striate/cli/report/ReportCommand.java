package org.striate.cli.report;

import org.striate.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.striate.StriateException;
import org.striate.cli.DataLocation;
import org.striate.cli.ExitCode;
import org.striate.cli.StriateCommand;
import org.striate.data.Dataset;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code striate report}: one offline HTML page about a trained model. */
@Command(name = "report",
        mixinStandardHelpOptions = true,
        description = {"Write DIR/index.html, one self-contained page about a model: its test accuracy (the figure of 'striate eval') and "
                + "how it was trained, the training curves (from the metrics CSV beside the model), test images with the model's answers, "
                + "the confusion matrix, a summary with receptive fields, learned filters, feature maps of sample images and the translation probes. "
                + "Pictures are inlined; the page loads nothing from anywhere."},
        footer = {"", "Examples:", "  striate report --model fashion.striate --out report",
                "  striate report --model fashion.striate --out report --data DIR --test-size 2000 --json"})
public final class ReportCommand extends StriateCommand {

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "Trained model file or .onnx file (a built-in name or spec file gives a report on untrained weights).")
    String model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write index.html into.")
    Path out;

    @Option(names = "--metrics", paramLabel = "FILE", description = "Per-epoch metrics CSV (default: the one beside the model, if any).")
    Path metrics;

    @Option(names = "--data", paramLabel = "DIR", description = "The test images: IDX files, CIFAR-10 batches or image folders (default: the Fashion-MNIST package).")
    Path data;

    @Option(names = "--no-data", description = "Leave out the sections that need test images (confusion matrix, accuracy against shift).")
    boolean noData;

    @Option(names = "--test-size", paramLabel = "N",
            description = "Evaluate on the first N test images only; the page then says it used a subset (default: all, the figures of 'striate eval').")
    Integer testSize;

    @Option(names = "--probe-images", defaultValue = "1000", paramLabel = "N",
            description = "Test images the accuracy-against-shift probe runs on, 2K+1 times each (default: ${DEFAULT-VALUE}).")
    int probeImages;

    @Option(names = "--samples", defaultValue = "2", paramLabel = "N", description = "Images whose feature maps are drawn (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--max-shift", defaultValue = "4", paramLabel = "K", description = "Largest shift of the probes (default: ${DEFAULT-VALUE}).")
    int maxShift;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random probe inputs and shifts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object (the page's path and what it holds) instead of a line.")
    boolean json;

    @Override
    protected int run() throws Exception {
        org.striate.io.AtomicFile.checkDirectory(out, "--out");
        if ((testSize != null && testSize <= 0) || samples <= 0 || maxShift <= 0 || probeImages <= 0) {
            throw new StriateException("Invalid sizes. Expected --test-size, --samples, --max-shift and --probe-images > 0. Received "
                    + testSize + ", " + samples + ", " + maxShift + ", " + probeImages + ".");
        }
        Graph m = ModelAndData.model(model, seed);
        Path csv = metrics != null ? metrics : Files.isRegularFile(Path.of(model)) ? MetricsTable.besideModel(Path.of(model)) : null;
        if (metrics != null && !Files.isRegularFile(metrics)) {
            throw new StriateException("Metrics file " + metrics + " does not exist. Expected the CSV the train command writes beside the model.");
        }
        MetricsTable table = csv == null ? null : MetricsTable.read(csv);
        Dataset all = noData ? null : DataLocation.load(data, m.inputShape()).test();
        Dataset test = all == null ? null : testSize == null ? all : all.head(Math.min(testSize, all.size()));
        String note = null;
        if (test != null && !Shapes.equal(test.sampleShape(), m.inputShape())) {
            note = "test images are " + Shapes.compact(test.sampleShape()) + ", the model takes " + Shapes.compact(m.inputShape());
            test = null;
        } else if (test != null && m.outputShape().length != 1) {
            // a segmentation, upscaling or detection model answers with maps, not one score per class
            note = "the model outputs " + Shapes.compact(m.outputShape()) + ", not a score per class";
            test = null;
        }
        String title = "Striate report: " + Path.of(model).getFileName();
        String source = (data == null ? DataLocation.defaultDir() : data).toString();
        Path page = Report.write(new Report.Inputs(title, m, table, test, all == null ? 0 : all.size(), source, note, maxShift,
                Math.min(samples, test == null ? samples : test.size()), probeImages, seed), out);
        if (json) {
            Map<String, Object> o = Json.object();
            o.put("page", page.toString());
            o.put("bytes", Files.size(page));
            o.put("metrics", csv == null ? null : csv.toString());
            o.put("test_images", test == null ? 0 : test.size());
            o.put("test_images_in_data", all == null ? 0 : all.size());
            o.put("skipped_data", note);
            out().println(Json.write(o));
        } else {
            out().println("Wrote " + page + " (" + Files.size(page) / 1024 + " KiB" + (csv == null ? ", no metrics file" : ", metrics " + csv)
                    + (test == null ? ", no test data" + (note == null ? "" : ": " + note)
                    : test.size() == all.size() ? ", all " + test.size() + " test images" : ", the first " + test.size() + " of " + all.size() + " test images") + ").");
        }
        out().flush();
        return ExitCode.OK;
    }
}
