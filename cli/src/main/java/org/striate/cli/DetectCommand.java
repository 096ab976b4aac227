package org.striate.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.striate.StriateException;
import org.striate.data.Box;
import org.striate.io.Json;
import org.striate.lab.MapImages;
import org.striate.lab.TaskImages;
import org.striate.nn.Graph;
import org.striate.tasks.Detection;
import org.striate.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Finds garments in an image with a grid detector and draws their labelled boxes. */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = {"Detect objects with a model trained by 'train --task detect': boxes scored at least --min-score,",
                "after non-maximum suppression, drawn on the image (enlarged by --zoom) and listed. The image is resized",
                "to the model's input; boxes are in the model's pixels."},
        footer = {"", "Examples:", "  striate detect --model models/det-small.striate scene.png --out boxes.png",
                "  striate detect --model models/det-small.striate scene.png --out boxes.png --json"})
public final class DetectCommand extends StriateCommand {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file written by 'striate train --task detect'.")
    Path model;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image file (PNG, JPEG, ...).")
    Path image;

    @Option(names = "--out", required = true, paramLabel = "PNG", description = "Picture with the boxes to write.")
    Path out;

    @Option(names = "--min-score", defaultValue = "0.3", paramLabel = "S", description = "Lowest score shown. Default: ${DEFAULT-VALUE}.")
    float minScore;

    @Option(names = "--zoom", defaultValue = "4", paramLabel = "Z", description = "Pixels per model pixel in the picture. Default: ${DEFAULT-VALUE}.")
    int zoom;

    @Option(names = "--json", description = "Print the boxes as one JSON object.")
    boolean json;

    @Mixin
    KernelOptions kernels;

    @Override
    protected KernelOptions kernelOptions() { return kernels; }

    @Override
    protected int run() throws Exception {
        if (!(minScore >= 0 && minScore <= 1)) throw new StriateException("Invalid value for option '--min-score'. Expected 0 to 1. Received " + minScore + ".");
        if (zoom < 1 || zoom > 32) throw new StriateException("Invalid value for option '--zoom'. Expected 1 to 32. Received " + zoom + ".");
        Graph net = ModelSource.trained(model);
        Tensor x = ImageInput.read(image, net, model);
        List<Box> boxes = Detection.detect(net, x, minScore).get(0);
        String[] names = net.classNames();
        int h = x.dim(2), w = x.dim(3);
        MapImages.writePng(TaskImages.boxes(x.data, 0, h, w, zoom, boxes, names), out);
        List<Object> list = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (Box b : boxes) {
            String name = b.cls() < names.length ? names[b.cls()] : Integer.toString(b.cls());
            Map<String, Object> o = Json.object();
            o.put("class", name);
            o.put("index", b.cls());
            o.put("score", b.score());
            o.put("box", new float[] {b.x0(), b.y0(), b.x1(), b.y1()});
            list.add(o);
            text.append(String.format(Locale.ROOT, "  %-12s %.3f  x %.1f-%.1f  y %.1f-%.1f%n", name, b.score(), b.x0(), b.x1(), b.y0(), b.y1()));
        }
        if (json) {
            Map<String, Object> o = Json.object();
            o.put("image", image.toString());
            o.put("out", out.toString());
            o.put("boxes", list);
            out().println(Json.write(o));
        } else {
            out().printf(Locale.ROOT, "%s: %d box%s%n%s", image, boxes.size(), boxes.size() == 1 ? "" : "es", text);
        }
        out().flush();
        return ExitCode.OK;
    }
}
