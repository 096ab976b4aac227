package org.striate.cli;

import java.nio.file.Path;
import org.striate.StriateException;
import org.striate.data.ImageReader;
import org.striate.data.Resize;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/** One image file read for a model's input: its channels, resized (area averaging) to its size, values in [0, 1]. */
final class ImageInput {
    private ImageInput() {}

    static Tensor read(Path image, Graph net, Path model) {
        int[] in = net.inputShape();
        if (in.length != 3) throw new StriateException("The model " + model + " takes input of shape " + Shapes.str(in) + ". Expected a model for images (C, H, W).");
        return Tensor.of(ImageReader.read(image, in[0], in[1], in[2], Resize.AREA), 1, in[0], in[1], in[2]);
    }

    /** out.png → out-overlay.png */
    static Path sibling(Path file, String suffix) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + suffix + (dot > 0 ? name.substring(dot) : ".png"));
    }
}
