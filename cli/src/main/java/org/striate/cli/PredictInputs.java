package org.striate.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.striate.StriateException;
import org.striate.data.ImageFolder;
import org.striate.lab.MapImages;

/**
 * What predict is given and what it sees: folders expanded into their image files, the model-sized
 * input written back as a picture (--show-input), and a warning when an image's background is light
 * while the model learned on dark ones (the usual reason for confident wrong answers on photos).
 */
final class PredictInputs {
    private PredictInputs() {}

    /** The files to classify: each file as given, each folder's image files (all levels, sorted by path). */
    static List<Path> expand(List<Path> arguments) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path a : arguments) {
            if (!Files.isDirectory(a)) {
                files.add(a);
                continue;
            }
            List<Path> found;
            try (Stream<Path> walk = Files.walk(a)) {
                found = walk.filter(Files::isRegularFile).filter(PredictInputs::isImage).sorted().toList();
            }
            if (found.isEmpty()) {
                throw new StriateException("Folder " + a + " holds no images. Expected files ending in " + ImageFolder.EXTENSIONS + ".");
            }
            files.addAll(found);
        }
        return files;
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return !n.startsWith(".") && dot > 0 && ImageFolder.EXTENSIONS.contains(n.substring(dot + 1));
    }

    /**
     * The mean of the outermost ring of pixels of one (C, H, W) input in [0, 1], all channels: a photo's
     * background, where a garment or digit of the training data has black.
     */
    static double borderMean(float[] x, int offset, int c, int h, int w) {
        double sum = 0;
        int n = 0;
        for (int k = 0; k < c; k++) {
            for (int r = 0; r < h; r++) {
                for (int col = 0; col < w; col++) {
                    if (r != 0 && r != h - 1 && col != 0 && col != w - 1) continue;
                    sum += x[offset + (k * h + r) * w + col];
                    n++;
                }
            }
        }
        return sum / n;
    }

    /** A warning line when the image's border is light and the training images were dark on the whole; null otherwise. */
    static String backgroundWarning(Path image, double border, float[] trainingMean, boolean inverted) {
        double mean = 0;
        for (float m : trainingMean) mean += m;
        mean /= trainingMean.length;
        if (!(mean < 0.4 && border > 0.6)) return null;
        return String.format(Locale.ROOT, "warning: %s has a light background (border mean %.2f) but the model learned on dark images "
                + "(mean pixel %.2f); %s", image, border, mean, inverted ? "the prediction may be unreliable."
                : "try --invert for a dark object on a light background.");
    }

    /** Writes one (C, H, W) input in [0, 1] as a PNG of exactly H×W pixels: grey for one channel, RGB for three. */
    static void write(float[] x, int offset, int c, int h, int w, Path file) {
        BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int r = 0; r < h; r++) {
            for (int col = 0; col < w; col++) {
                for (int k = 0; k < Math.min(c, 3); k++) {
                    int v = Math.round(Math.max(0, Math.min(1, x[offset + (k * h + r) * w + col])) * 255);
                    img.getRaster().setSample(col, r, c == 1 ? 0 : k, v);
                }
            }
        }
        MapImages.writePng(img, file);
    }

    /** FILE for one image; FILE-1.png, FILE-2.png, ... for several. */
    static Path numbered(Path file, int index, int count) {
        if (count == 1) return file;
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name, ext = dot > 0 ? name.substring(dot) : ".png";
        return file.resolveSibling(stem + "-" + (index + 1) + ext);
    }
}
