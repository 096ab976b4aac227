package org.striate.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * A directory holding a training part and a test part in one of the layouts Striate reads, told
 * apart by the names inside it:
 * <ul>
 *   <li>{@link Layout#IDX}: the four MNIST-style IDX files ({@code train-images-idx3-ubyte[.gz]} …), see {@link MnistFiles};
 *   <li>{@link Layout#CIFAR10}: CIFAR-10 binary batches ({@code data_batch_N.bin}, {@code test_batch.bin},
 *       or a {@code cifar-10-batches-bin} folder holding them), see {@link Cifar10};
 *   <li>{@link Layout#IMAGE_FOLDERS}: folders {@code train/} and {@code test/}, each with one sub-folder of
 *       PNG/JPEG images per class (the same class folders in both), see {@link ImageFolder}.
 * </ul>
 */
public final class DataDirectory {
    public enum Layout { IDX, CIFAR10, IMAGE_FOLDERS }

    /** What a directory must hold, for messages. */
    public static final String EXPECTED = "the four MNIST-style IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, "
            + "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each raw or .gz), CIFAR-10 binary batches (data_batch_1.bin … "
            + "data_batch_5.bin and test_batch.bin), or folders train/ and test/ with one sub-folder of images per class";

    private DataDirectory() {}

    /** Which layout {@code dir} holds; a DataFormatException naming the directory when it holds none. */
    public static Layout detect(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir + " is not a directory. Expected a folder holding " + EXPECTED + ".");
        }
        String[] names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.map(p -> p.getFileName().toString()).toArray(String[]::new);
        }
        if (Arrays.stream(names).anyMatch(n -> n.matches("(train|t10k)-(images-idx3|labels-idx1)-ubyte(\\.gz)?"))) return Layout.IDX;
        if (Arrays.stream(names).anyMatch(n -> n.matches("data_batch_\\d+\\.bin|test_batch\\.bin|cifar-10-batches-bin"))) return Layout.CIFAR10;
        if (Files.isDirectory(dir.resolve("train"))) return Layout.IMAGE_FOLDERS;
        throw new DataFormatException(dir + " holds no data set Striate can read. Expected " + EXPECTED + ".");
    }

    /**
     * Loads the training and test parts. IDX and CIFAR-10 images keep their own size; image folders are
     * converted to {@code channels}×{@code height}×{@code width} of {@code imageShape} (C, H, W) with
     * {@code resize}.
     */
    public static TrainTestSplit load(Path dir, int[] imageShape, Resize resize) throws IOException {
        return switch (detect(dir)) {
            case IDX -> MnistFiles.load(dir);
            case CIFAR10 -> Cifar10.load(dir);
            case IMAGE_FOLDERS -> imageFolders(dir, imageShape, resize);
        };
    }

    private static TrainTestSplit imageFolders(Path dir, int[] shape, Resize resize) throws IOException {
        if (shape == null || shape.length != 3) {
            throw new DataFormatException(dir + " holds image folders, which are read at the model's input size, but the model's input is "
                    + (shape == null ? "unknown" : Arrays.toString(shape)) + ". Expected a model whose input is (C, H, W).");
        }
        Path test = dir.resolve("test");
        if (!Files.isDirectory(test)) {
            throw new DataFormatException(dir + " has train/ but no test/. Expected both folders, each with one sub-folder of images per class.");
        }
        Dataset train = ImageFolder.load(dir.resolve("train"), shape[0], shape[1], shape[2], resize);
        Dataset t = ImageFolder.load(test, shape[0], shape[1], shape[2], resize);
        if (!Arrays.equals(train.classNames(), t.classNames())) {
            throw new DataFormatException(test + " has the class folders " + Arrays.toString(t.classNames()) + " but " + dir.resolve("train")
                    + " has " + Arrays.toString(train.classNames()) + ". Expected the same class folders in both.");
        }
        return new TrainTestSplit(train, t);
    }
}
