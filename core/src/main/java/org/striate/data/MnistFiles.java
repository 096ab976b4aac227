package org.striate.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.striate.tensor.Tensor;

/**
 * Loads MNIST-style data sets (MNIST, Fashion-MNIST) from a directory holding the four official IDX
 * files, raw or gzip-compressed: {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]},
 * {@code t10k-images-idx3-ubyte[.gz]}, {@code t10k-labels-idx1-ubyte[.gz]}. Images become (N, 1, H, W)
 * with pixels scaled to [0, 1].
 */
public final class MnistFiles {
    /** Fashion-MNIST's ten classes, in label order. */
    public static final String[] FASHION_MNIST_CLASSES = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
    /** MNIST's digits, in label order. */
    public static final String[] DIGIT_CLASSES = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    /** Where the Debian package dataset-fashion-mnist installs the data. */
    public static final Path FASHION_MNIST_SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private static final String[] STEMS = {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

    private MnistFiles() {}

    /** Loads train and test parts with class names guessed by {@link #classNamesFor(Path)}. */
    public static TrainTestSplit load(Path dir) throws IOException { return load(dir, classNamesFor(dir)); }

    /** Loads the train and test parts of {@code dir}, labelling classes with {@code classNames}. */
    public static TrainTestSplit load(Path dir, String[] classNames) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir + " is not a directory. Expected a folder holding " + String.join(", ", STEMS)
                    + " (each optionally .gz).");
        }
        Path[] files = new Path[STEMS.length];
        for (int i = 0; i < STEMS.length; i++) files[i] = find(dir, STEMS[i]);
        return new TrainTestSplit(load(files[0], files[1], classNames), load(files[2], files[3], classNames));
    }

    /** Loads one images file and its labels file. */
    public static Dataset load(Path imagesFile, Path labelsFile, String[] classNames) throws IOException {
        IdxFiles.Idx images = IdxFiles.readImages(imagesFile);
        IdxFiles.Idx labels = IdxFiles.readLabels(labelsFile);
        if (images.count() != labels.count()) {
            throw new DataFormatException(imagesFile + " holds " + images.count() + " images but " + labelsFile + " holds "
                    + labels.count() + " labels. Expected one label per image: the files do not belong together or one is damaged.");
        }
        int[] l = new int[labels.count()];
        for (int i = 0; i < l.length; i++) {
            l[i] = labels.values()[i] & 0xFF;
            if (l[i] >= classNames.length) {
                throw new DataFormatException(labelsFile + ": label " + l[i] + " of sample " + i + " is outside [0, " + classNames.length
                        + "). Expected labels that index the " + classNames.length + " class names; pass the data set's class names.");
            }
        }
        int[] d = images.dims();
        Tensor x = new Tensor(d[0], 1, d[1], d[2]);
        byte[] v = images.values();
        for (int i = 0; i < v.length; i++) x.data[i] = (v[i] & 0xFF) / 255f;
        return new Dataset(x, l, classNames.clone());
    }

    /**
     * Fashion-MNIST's names when the directory's path mentions "fashion", digits otherwise: both data
     * sets use the same file names, so nothing inside the files tells them apart.
     */
    public static String[] classNamesFor(Path dir) {
        String path = dir.toAbsolutePath().toString().toLowerCase(Locale.ROOT);
        return (path.contains("fashion") ? FASHION_MNIST_CLASSES : DIGIT_CLASSES).clone();
    }

    private static Path find(Path dir, String stem) {
        Path raw = dir.resolve(stem);
        if (Files.isRegularFile(raw)) return raw;
        Path gz = dir.resolve(stem + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        throw new DataFormatException(dir + " has no " + stem + " (nor " + stem + ".gz). Expected the four files "
                + String.join(", ", STEMS) + " (each optionally .gz). Re-download or reinstall the data set.");
    }
}
