package org.striate.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.striate.StriateException;
import org.striate.data.Resize;
import org.striate.data.SuperResolutionPairs;
import org.striate.io.Json;
import org.striate.lab.MapImages;
import org.striate.lab.TaskImages;
import org.striate.nn.Graph;
import org.striate.tasks.Upscaling;
import org.striate.tensor.Tensor;
import org.striate.train.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Enlarges an image with a super-resolution model, at the image's own size. */
@Command(name = "upscale", mixinStandardHelpOptions = true,
        description = {"Enlarge an image with a model trained by 'train --task upscale' (2x for sr-small).",
                "The model runs at the image's own size (it is fully convolutional); colour images are read as grey",
                "when the model has one channel. --bicubic also writes the bicubic enlargement for comparison."},
        footer = {"", "Examples:", "  striate upscale --model models/sr-small.striate small.png --out big.png --bicubic bicubic.png"})
public final class UpscaleCommand extends StriateCommand {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file written by 'striate train --task upscale'.")
    Path model;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image file (PNG, JPEG, ...).")
    Path image;

    @Option(names = "--out", required = true, paramLabel = "PNG", description = "Enlarged image to write.")
    Path out;

    @Option(names = "--bicubic", paramLabel = "PNG", description = "Also write the bicubic enlargement here.")
    Path bicubic;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin
    KernelOptions kernels;

    @Override
    protected KernelOptions kernelOptions() { return kernels; }

    @Override
    protected int run() throws Exception {
        Graph net = ModelSource.trained(model);
        int factor = Upscaling.factor(net);
        int channels = net.inputShape()[0];
        if (channels != 1) throw new StriateException("The model " + model + " takes " + channels + " channels. Expected a grey (1-channel) model; colour output is not written yet.");
        Tensor x = org.striate.lab.MapImages.read(image, 1);
        int h = x.dim(2), w = x.dim(3);
        Graph sized = net.resized(new int[] {1, h, w});
        Tensor y = Evaluator.outputs(sized, x, 1);
        MapImages.writePng(TaskImages.grey(y.data, 0, h * factor, w * factor, 1), out);
        if (bicubic != null) MapImages.writePng(TaskImages.grey(SuperResolutionPairs.enlarge(x, factor, Resize.BICUBIC).data, 0, h * factor, w * factor, 1), bicubic);
        if (json) {
            Map<String, Object> o = Json.object();
            o.put("image", image.toString());
            o.put("out", out.toString());
            o.put("size", new int[] {h * factor, w * factor});
            out().println(Json.write(o));
        } else {
            out().printf(Locale.ROOT, "%s: %dx%d -> %dx%d written to %s%n", image, w, h, w * factor, h * factor, out);
        }
        out().flush();
        return ExitCode.OK;
    }
}
