package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10Test {
    @TempDir Path dir;

    /** n records: label (i + seed) % 10, pixel k of record i = (i * 7 + k) & 0xFF. */
    static byte[] batch(int n, int seed) {
        byte[] b = new byte[n * Cifar10.RECORD];
        for (int i = 0; i < n; i++) {
            b[i * Cifar10.RECORD] = (byte) ((i + seed) % 10);
            for (int k = 0; k < Cifar10.PIXELS; k++) b[i * Cifar10.RECORD + 1 + k] = (byte) (i * 7 + k);
        }
        return b;
    }

    @Test
    void readsBatchesInChannelMajorLayout() throws IOException {
        Files.write(dir.resolve("data_batch_1.bin"), batch(3, 0));
        Files.write(dir.resolve("data_batch_2.bin"), batch(2, 3));
        Files.write(dir.resolve("test_batch.bin"), batch(4, 5));
        Files.writeString(dir.resolve("batches.meta.txt"), String.join("\n", Cifar10.CLASSES) + "\n\n");
        TrainTestSplit s = Cifar10.load(dir);
        assertEquals(5, s.train().size());
        assertEquals(4, s.test().size());
        assertArrayEquals(new int[] {3, 32, 32}, s.train().sampleShape());
        assertArrayEquals(Cifar10.CLASSES, s.train().classNames());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, s.train().labels());
        // record 4 is record 1 of batch 2: green channel (c=1), row 2, column 5 is byte 1024 + 2*32 + 5
        int k = 1024 + 2 * 32 + 5;
        assertEquals(((1 * 7 + k) & 0xFF) / 255f, s.train().images().get(4, 1, 2, 5));
    }

    @Test
    void lengthNotAMultipleOfTheRecordIsRejected() throws IOException {
        byte[] b = batch(2, 0);
        Path f = dir.resolve("data_batch_1.bin");
        for (int len : new int[] {0, 1, 3072, 3074, 2 * 3073 - 1}) {
            Files.write(f, Arrays.copyOf(b, len));
            DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar10.read(List.of(f), Cifar10.CLASSES));
            assertTrue(e.getMessage().contains(f + " has " + len + " bytes, not a positive multiple of 3073"), e.getMessage());
        }
    }

    @Test
    void labelOutOfRangeAndMissingFilesAreNamed() throws IOException {
        byte[] b = batch(2, 0);
        b[3073] = 10;
        Path f = dir.resolve("data_batch_1.bin");
        Files.write(f, b);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar10.read(List.of(f), Cifar10.CLASSES));
        assertTrue(e.getMessage().contains("label 10 of record 1"), e.getMessage());
        DataFormatException noTest = assertThrows(DataFormatException.class, () -> Cifar10.load(dir));
        assertTrue(noTest.getMessage().contains("no test_batch.bin"), noTest.getMessage());
        assertThrows(DataFormatException.class, () -> Cifar10.load(dir.resolve("absent")));
    }

    @Test
    void nestedExtractedFolderIsFound() throws IOException {
        Path nested = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        Files.write(nested.resolve("data_batch_1.bin"), batch(1, 0));
        Files.write(nested.resolve("test_batch.bin"), batch(1, 1));
        assertEquals(1, Cifar10.load(dir).test().size());
        assertEquals(1, Cifar10.load(dir).test().labels()[0]);
    }
}
