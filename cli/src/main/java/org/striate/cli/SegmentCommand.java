package org.striate.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.striate.StriateException;
import org.striate.io.Json;
import org.striate.lab.MapImages;
import org.striate.lab.TaskImages;
import org.striate.nn.Graph;
import org.striate.tasks.Segmentation;
import org.striate.tensor.Tensor;
import org.striate.train.Evaluator;
import org.striate.train.PixelSoftmaxCrossEntropy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Classifies every pixel of an image with a segmentation model and writes the coloured mask and an overlay. */
@Command(name = "segment", mixinStandardHelpOptions = true,
        description = {"Segment an image: the class of every pixel, from a model trained with 'train --task segment'.",
                "Writes the mask in colour (--out) and the image tinted with it (--overlay), both enlarged by --zoom,",
                "and prints the share of the image each class covers. The image is resized to the model's input."},
        footer = {"", "Examples:", "  striate segment --model models/unet-small.striate scene.png --out mask.png"})
public final class SegmentCommand extends StriateCommand {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file written by 'striate train --task segment'.")
    Path model;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image file (PNG, JPEG, ...).")
    Path image;

    @Option(names = "--out", required = true, paramLabel = "PNG", description = "Coloured mask to write.")
    Path out;

    @Option(names = "--overlay", paramLabel = "PNG", description = "Overlay to write (default: the --out name with -overlay).")
    Path overlay;

    @Option(names = "--zoom", defaultValue = "4", paramLabel = "Z", description = "Pixels per model pixel in the pictures. Default: ${DEFAULT-VALUE}.")
    int zoom;

    @Option(names = "--json", description = "Print one JSON object with the share of each class.")
    boolean json;

    @Mixin
    KernelOptions kernels;

    @Override
    protected KernelOptions kernelOptions() { return kernels; }

    @Override
    protected int run() throws Exception {
        if (zoom < 1 || zoom > 32) throw new StriateException("Invalid value for option '--zoom'. Expected 1 to 32. Received " + zoom + ".");
        Graph net = ModelSource.trained(model);
        int[] in = net.inputShape();
        new PixelSoftmaxCrossEntropy().checkTargets(net.outputShape(), new int[] {1, in.length == 3 ? in[1] : 0, in.length == 3 ? in[2] : 0});
        Tensor x = ImageInput.read(image, net, model);
        int[] classes = Segmentation.classes(Evaluator.outputs(net, x, 1));
        int h = in[1], w = in[2], k = net.outputShape()[0];
        Path overlayFile = overlay != null ? overlay : ImageInput.sibling(out, "-overlay");
        MapImages.writePng(TaskImages.mask(classes, h, w, zoom), out);
        MapImages.writePng(TaskImages.overlay(x.data, 0, classes, h, w, zoom), overlayFile);
        long[] counts = new long[k];
        for (int c : classes) counts[c]++;
        String[] names = net.classNames();
        Map<String, Object> share = Json.object();
        StringBuilder line = new StringBuilder(image + ":");
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) continue;
            String name = c < names.length ? names[c] : Integer.toString(c);
            share.put(name, (double) counts[c] / classes.length);
            line.append(String.format(Locale.ROOT, "  %s %.3f", name, (double) counts[c] / classes.length));
        }
        if (json) {
            Map<String, Object> o = Json.object();
            o.put("image", image.toString());
            o.put("mask", out.toString());
            o.put("overlay", overlayFile.toString());
            o.put("share", share);
            out().println(Json.write(o));
        } else {
            out().println(line);
            out().println("wrote " + out + " and " + overlayFile);
        }
        out().flush();
        return ExitCode.OK;
    }
}
