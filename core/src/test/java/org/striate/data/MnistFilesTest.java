package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistFilesTest {
    @TempDir Path dir;

    /** Writes the four files with n train and m test samples of 6x5 pixels; labels i % 10. */
    static void writeSet(Path dir, int n, int m, boolean gz) throws IOException {
        Files.createDirectories(dir);
        String ext = gz ? ".gz" : "";
        write(dir, "train", n, ext, gz, 11);
        write(dir, "t10k", m, ext, gz, 12);
    }

    private static void write(Path dir, String part, int n, String ext, boolean gz, long seed) throws IOException {
        IdxFiles.write(dir.resolve(part + "-images-idx3-ubyte" + ext), new int[] {n, 6, 5}, IdxFilesTest.randomBytes(n * 30, seed), gz);
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) labels[i] = (byte) (i % 10);
        IdxFiles.write(dir.resolve(part + "-labels-idx1-ubyte" + ext), new int[] {n}, labels, gz);
    }

    @Test
    void loadsTrainAndTestScaledToUnitRange() throws IOException {
        Path d = dir.resolve("fashion-mnist");
        writeSet(d, 12, 7, true);
        TrainTestSplit s = MnistFiles.load(d);
        assertEquals(12, s.train().size());
        assertEquals(7, s.test().size());
        assertArrayEquals(new int[] {1, 6, 5}, s.train().sampleShape());
        assertArrayEquals(MnistFiles.FASHION_MNIST_CLASSES, s.train().classNames());
        assertEquals("Ankle boot", s.test().classNames()[9]);
        byte[] raw = IdxFilesTest.randomBytes(12 * 30, 11);
        for (int i = 0; i < raw.length; i++) assertEquals((raw[i] & 0xFF) / 255f, s.train().images().data[i]);
        for (int i = 0; i < 12; i++) assertEquals(i % 10, s.train().labels()[i]);
    }

    @Test
    void rawFilesAndCallerClassNames() throws IOException {
        writeSet(dir, 3, 2, false);
        String[] names = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
        TrainTestSplit s = MnistFiles.load(dir, names);
        assertArrayEquals(names, s.train().classNames());
        assertArrayEquals(MnistFiles.DIGIT_CLASSES, MnistFiles.classNamesFor(dir.resolve("mnist")));
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        writeSet(dir, 5, 2, false);
        Path labels = dir.resolve("train-labels-idx1-ubyte");
        IdxFiles.write(labels, new int[] {4}, new byte[4], false);
        DataFormatException e = assertThrows(DataFormatException.class, () -> MnistFiles.load(dir, MnistFiles.DIGIT_CLASSES));
        assertTrue(e.getMessage().contains("5 images") && e.getMessage().contains("4 labels"), e.getMessage());
        assertTrue(e.getMessage().contains(labels.toString()), e.getMessage());
    }

    @Test
    void eachMissingFileIsNamed() throws IOException {
        for (String stem : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            Path d = dir.resolve("missing-" + stem);
            writeSet(d, 2, 2, true);
            Files.delete(d.resolve(stem + ".gz"));
            DataFormatException e = assertThrows(DataFormatException.class, () -> MnistFiles.load(d));
            assertTrue(e.getMessage().contains(d + " has no " + stem), e.getMessage());
        }
        assertThrows(DataFormatException.class, () -> MnistFiles.load(dir.resolve("absent")));
    }

    @Test
    void labelBeyondClassNamesIsRejectedNamingTheFile() throws IOException {
        writeSet(dir, 3, 2, false);
        Path labels = dir.resolve("t10k-labels-idx1-ubyte");
        IdxFiles.write(labels, new int[] {2}, new byte[] {1, (byte) 200}, false);
        DataFormatException e = assertThrows(DataFormatException.class, () -> MnistFiles.load(dir, MnistFiles.DIGIT_CLASSES));
        assertTrue(e.getMessage().contains(labels + ": label 200 of sample 1"), e.getMessage());
    }
}
