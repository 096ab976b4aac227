package org.striate.cli;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a small, learnable MNIST-style data set: 28×28 images of a bright square placed in one of
 * ten positions; the position is the class. A few batches of training separate the classes.
 */
final class TinyData {
    private TinyData() {}

    static final int SIDE = 28;

    /** Writes the four gzip IDX files into {@code dir} (created) and returns it. */
    static Path write(Path dir, int train, int test, long seed) throws IOException {
        Files.createDirectories(dir);
        Random rng = new Random(seed);
        writeSplit(dir, "train", train, rng);
        writeSplit(dir, "t10k", test, rng);
        return dir;
    }

    private static void writeSplit(Path dir, String prefix, int n, Random rng) throws IOException {
        byte[] pixels = new byte[n * SIDE * SIDE];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int label = rng.nextInt(10);
            labels[i] = (byte) label;
            int r0 = (label / 5) * 14 + 2 + rng.nextInt(3), c0 = (label % 5) * 5 + rng.nextInt(2);
            for (int r = 0; r < SIDE; r++) {
                for (int c = 0; c < SIDE; c++) {
                    boolean on = r >= r0 && r < r0 + 8 && c >= c0 && c < c0 + 4;
                    pixels[i * SIDE * SIDE + r * SIDE + c] = (byte) (on ? 200 + rng.nextInt(56) : rng.nextInt(40));
                }
            }
        }
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"), gzip(idx(2051, new int[] {n, SIDE, SIDE}, pixels)));
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), gzip(idx(2049, new int[] {n}, labels)));
    }

    /** The bytes of an IDX file: magic, big-endian sizes, values. */
    static byte[] idx(int magic, int[] dims, byte[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) out.writeInt(d);
        out.write(values);
        out.flush();
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        }
        return bytes.toByteArray();
    }
}
