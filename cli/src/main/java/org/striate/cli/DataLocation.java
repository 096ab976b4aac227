package org.striate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.striate.StriateException;
import org.striate.data.DataDirectory;
import org.striate.data.Dataset;
import org.striate.data.ImageFolder;
import org.striate.data.Splits;
import org.striate.data.Resize;
import org.striate.data.TrainTestSplit;

/**
 * Where the data comes from: --data DIR, else the Fashion-MNIST files of the Debian package
 * dataset-fashion-mnist. A missing directory is reported with the command that fixes it.
 */
public final class DataLocation {
    private DataLocation() {}

    /** Where dataset-fashion-mnist installs its IDX files. */
    static final String PACKAGE_DIR = "/usr/share/datasets/fashion-mnist";

    /** The default directory; the system property lets tests point it somewhere empty. */
    public static Path defaultDir() { return Path.of(System.getProperty("striate.data.default", PACKAGE_DIR)); }

    /**
     * The train and test sets of --data (null: the package's Fashion-MNIST): IDX files, CIFAR-10
     * batches or image folders ({@link DataDirectory}); folders are read at {@code folderShape}.
     */
    public static TrainTestSplit load(Path option, int[] folderShape) throws IOException {
        return DataDirectory.load(resolve(option), folderShape, Resize.AREA);
    }

    /**
     * One folder with a sub-folder of images per class, read at {@code shape} and split class by class:
     * {@code trainFraction} of each class to train on, the rest to test on, the same every run.
     */
    public static TrainTestSplit loadTree(Path option, int[] shape, double trainFraction) throws IOException {
        Path dir = resolve(option);
        DataDirectory.Layout layout = null;
        try {
            layout = DataDirectory.detect(dir);
        } catch (org.striate.data.DataFormatException e) {
            // not a two-part layout: the class-folder tree --split expects
        }
        if (layout != null) {
            throw new StriateException(dir + " already holds a training and a test part (" + layout.name().toLowerCase().replace('_', ' ')
                    + "). Expected --split only for one folder with a sub-folder of images per class; leave --split out to use " + dir + "'s own parts.");
        }
        if (shape == null || shape.length != 3) {
            throw new StriateException("--split reads image folders at the model's input size, but the model's input is not (C, H, W). Expected a model for images.");
        }
        Dataset all = ImageFolder.load(dir, shape[0], shape[1], shape[2], Resize.AREA);
        return Splits.holdOut(all, 1 - trainFraction, Splits.DEFAULT_SEED);
    }

    /** The directory to read, checked to exist; {@code option} is the --data value or null. */
    public static Path resolve(Path option) {
        if (option == null) {
            Path dir = defaultDir();
            if (!Files.isDirectory(dir)) {
                throw new StriateException("Fashion-MNIST is not installed: " + dir + " does not exist. Install it with "
                        + "'apt-get install dataset-fashion-mnist', or pass --data DIR with the IDX files, CIFAR-10 batches or image folders.");
            }
            return dir;
        }
        if (!Files.isDirectory(option)) {
            throw new StriateException("Data directory " + option + " does not exist. Expected a directory holding "
                    + DataDirectory.EXPECTED + "; pass --data DIR with one of those.");
        }
        return option;
    }
}
