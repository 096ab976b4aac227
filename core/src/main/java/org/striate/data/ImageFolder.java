package org.striate.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.striate.tensor.Tensor;

/**
 * A labelled image collection laid out as one sub-folder per class: {@code root/cat/001.png},
 * {@code root/dog/xyz.jpg}. Class names are the sub-folder names in sorted order; images are read in
 * sorted file-name order, converted to the requested channels and resized to the requested size.
 * Hidden entries (starting with '.') and files without an image extension are skipped.
 */
public final class ImageFolder {
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private ImageFolder() {}

    /** Loads every image under {@code root} as (N, channels, height, width) in [0, 1]. */
    public static Dataset load(Path root, int channels, int height, int width, Resize resize) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new DataFormatException(root + " is not a directory. Expected a folder with one sub-folder of images per class.");
        }
        List<Path> classDirs = list(root, Files::isDirectory);
        if (classDirs.isEmpty()) {
            throw new DataFormatException(root + " has no sub-folders. Expected one sub-folder of images per class, e.g. "
                    + root.resolve("cat") + "/001.png.");
        }
        String[] names = new String[classDirs.size()];
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < names.length; c++) {
            names[c] = ClassNames.check(classDirs.get(c).getFileName().toString(), root.toString());
            List<Path> images = list(classDirs.get(c), ImageFolder::isImage);
            if (images.isEmpty()) {
                throw new DataFormatException(classDirs.get(c) + " holds no images. Expected files ending in " + EXTENSIONS
                        + "; remove the empty class folder or add images.");
            }
            for (Path p : images) { files.add(p); labels.add(c); }
        }
        long total = (long) files.size() * channels * height * width;
        if (total > Integer.MAX_VALUE - 8) {
            throw new DataFormatException(root + ": " + files.size() + " images of " + channels + "x" + height + "x" + width
                    + " are more than one array can hold. Use a smaller size or fewer images.");
        }
        Tensor x = new Tensor(files.size(), channels, height, width);
        int per = channels * height * width;
        int[] l = new int[files.size()];
        for (int i = 0; i < l.length; i++) {
            ImageReader.read(files.get(i), channels, height, width, resize, x.data, i * per);
            l[i] = labels.get(i);
        }
        return new Dataset(x, l, names);
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return Files.isRegularFile(p) && dot > 0 && EXTENSIONS.contains(n.substring(dot + 1));
    }

    private static List<Path> list(Path dir, java.util.function.Predicate<Path> keep) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).filter(keep).sorted().toList();
        }
    }
}
