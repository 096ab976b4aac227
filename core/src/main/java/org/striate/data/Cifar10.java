package org.striate.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.striate.tensor.Tensor;

/**
 * Reads the CIFAR-10 binary version: {@code data_batch_1.bin} … {@code data_batch_5.bin},
 * {@code test_batch.bin} and {@code batches.meta.txt} (class names, one per line). Each record is one
 * label byte then 3072 pixel bytes: 1024 red, 1024 green, 1024 blue, each 32×32 row-major — already
 * the (C, H, W) layout, so images become (N, 3, 32, 32) with pixels scaled to [0, 1].
 */
public final class Cifar10 {
    public static final String[] CLASSES = {
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
    public static final int CHANNELS = 3, SIZE = 32;
    public static final int PIXELS = CHANNELS * SIZE * SIZE;
    public static final int RECORD = 1 + PIXELS;
    private static final String REMEDY = " Re-download or re-extract cifar-10-binary.tar.gz.";

    private Cifar10() {}

    /**
     * Loads every {@code data_batch_*.bin} (in name order) as the training part and {@code test_batch.bin}
     * as the test part. {@code dir} may also be the folder that contains {@code cifar-10-batches-bin}.
     */
    public static TrainTestSplit load(Path dir) throws IOException {
        Path nested = dir.resolve("cifar-10-batches-bin");
        if (Files.isDirectory(nested)) dir = nested;
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir + " is not a directory. Expected a folder holding data_batch_1.bin … data_batch_5.bin and test_batch.bin.");
        }
        List<Path> train = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().matches("data_batch_\\d+\\.bin")).sorted().forEach(train::add);
        }
        Path test = dir.resolve("test_batch.bin");
        if (train.isEmpty() || !Files.isRegularFile(test)) {
            throw new DataFormatException(dir + " has " + (train.isEmpty() ? "no data_batch_N.bin files" : "no test_batch.bin")
                    + ". Expected data_batch_1.bin … data_batch_5.bin and test_batch.bin." + REMEDY);
        }
        Path meta = dir.resolve("batches.meta.txt");
        String[] names = Files.isRegularFile(meta) ? readClassNames(meta) : CLASSES.clone();
        return new TrainTestSplit(read(train, names), read(List.of(test), names));
    }

    /** The non-blank lines of {@code batches.meta.txt}, trimmed. */
    public static String[] readClassNames(Path meta) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : TextFiles.read(meta, "class-name file", 1 << 20).split("\r?\n")) {
            if (!line.isBlank()) names.add(ClassNames.check(line.trim(), meta.toString()));
        }
        if (names.isEmpty()) {
            throw new DataFormatException(meta + " holds no class names. Expected one name per line (airplane, automobile, …).");
        }
        return names.toArray(new String[0]);
    }

    /** Reads and concatenates binary batches; every label must index {@code classNames}. */
    public static Dataset read(List<Path> files, String[] classNames) throws IOException {
        long records = 0;
        for (Path f : files) records += recordCount(f);
        if (records * PIXELS > Integer.MAX_VALUE - 8) {
            throw new DataFormatException(files + " hold " + records + " images, more than one array can hold. Load fewer batches.");
        }
        org.striate.tensor.Memory.require(4 * records * PIXELS, files + " (" + records + " images of 3x32x32 as floats)");
        Tensor x = new Tensor((int) records, CHANNELS, SIZE, SIZE);
        int[] labels = new int[(int) records];
        int n = 0;
        byte[] rec = new byte[RECORD];
        for (Path f : files) {
            long expected = recordCount(f);
            try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
                for (long r = 0; r < expected; r++, n++) {
                    if (in.readNBytes(rec, 0, RECORD) != RECORD) {
                        throw new DataFormatException(f + " is truncated: it ended inside record " + r + " while being read." + REMEDY);
                    }
                    labels[n] = rec[0] & 0xFF;
                    if (labels[n] >= classNames.length) {
                        throw new DataFormatException(f + ": label " + labels[n] + " of record " + r + " is outside [0, " + classNames.length
                                + "). Expected labels that index the " + classNames.length + " class names; the file is not a CIFAR-10 batch."
                                + (classNames.length == 10 ? "" : " (CIFAR-100 binaries use 2 label bytes and are not read here.)"));
                    }
                    int base = n * PIXELS;
                    for (int i = 0; i < PIXELS; i++) x.data[base + i] = (rec[1 + i] & 0xFF) / 255f;
                }
            }
        }
        return new Dataset(x, labels, classNames.clone());
    }

    private static long recordCount(Path f) throws IOException {
        if (!Files.isRegularFile(f)) throw new DataFormatException(f + " does not exist. Expected a CIFAR-10 binary batch." + REMEDY);
        long size = Files.size(f);
        if (size == 0 || size % RECORD != 0) {
            throw new DataFormatException(f + " has " + size + " bytes, not a positive multiple of " + RECORD
                    + " (1 label byte + 3x32x32 pixel bytes per record): it is truncated or not a CIFAR-10 binary batch." + REMEDY);
        }
        return size / RECORD;
    }
}
