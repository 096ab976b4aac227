package org.striate.cli.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.striate.data.IdxFiles;

/** Small IDX data sets in the Fashion-MNIST file layout, made on the spot for command tests. */
public final class GeneratedIdx {
    private GeneratedIdx() {}

    /**
     * Ten classes of 28×28 images: class k is a bright 8×8 square whose top-left corner is at row and
     * column 2 + 2k (on a dim noisy background), so position and content both carry the class.
     */
    public static Path write(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        Random rng = new Random(1);
        write(dir, "train", train, rng);
        write(dir, "t10k", test, rng);
        return dir;
    }

    private static void write(Path dir, String part, int n, Random rng) throws IOException {
        byte[] images = new byte[n * 28 * 28], labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int k = i % 10;
            labels[i] = (byte) k;
            for (int p = 0; p < 784; p++) images[i * 784 + p] = (byte) rng.nextInt(40);
            for (int r = 0; r < 8; r++) for (int c = 0; c < 8; c++) images[i * 784 + (2 + 2 * k + r) * 28 + 2 + 2 * k + c] = (byte) 220;
        }
        IdxFiles.write(dir.resolve(part + "-images-idx3-ubyte"), new int[] {n, 28, 28}, images, false);
        IdxFiles.write(dir.resolve(part + "-labels-idx1-ubyte"), new int[] {n}, labels, false);
    }
}
