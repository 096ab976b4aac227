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

/** One entry point for the three layouts: IDX files, CIFAR-10 batches, image folders. */
class DataDirectoryTest {
    @TempDir Path dir;

    /** An IDX file: magic, big-endian sizes, then the bytes. */
    static byte[] idx(int magic, int[] dims, byte[] values) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * dims.length + values.length).putInt(magic);
        for (int d : dims) b.putInt(d);
        return b.put(values).array();
    }

    @Test
    void idxFilesAreReadAsMnist() throws IOException {
        Path d = Files.createDirectories(dir.resolve("digits"));
        byte[] pixels = new byte[3 * 4 * 5];
        pixels[7] = (byte) 255;
        Files.write(d.resolve("train-images-idx3-ubyte"), idx(0x803, new int[] {3, 4, 5}, pixels));
        Files.write(d.resolve("train-labels-idx1-ubyte"), idx(0x801, new int[] {3}, new byte[] {1, 2, 3}));
        Files.write(d.resolve("t10k-images-idx3-ubyte"), idx(0x803, new int[] {1, 4, 5}, new byte[20]));
        Files.write(d.resolve("t10k-labels-idx1-ubyte"), idx(0x801, new int[] {1}, new byte[] {9}));
        assertEquals(DataDirectory.Layout.IDX, DataDirectory.detect(d));
        TrainTestSplit s = DataDirectory.load(d, new int[] {3, 9, 9}, Resize.AREA);
        assertArrayEquals(new int[] {1, 4, 5}, s.train().sampleShape(), "IDX images keep their own size");
        assertArrayEquals(new int[] {1, 2, 3}, s.train().labels());
        assertEquals(1f, s.train().images().data[7]);
        assertEquals(1, s.test().size());
        // one file missing: still recognised as IDX, and the missing file is named
        Files.delete(d.resolve("t10k-labels-idx1-ubyte"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> DataDirectory.load(d, null, Resize.AREA));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte"), e.getMessage());
    }

    @Test
    void cifarBatchesAreReadFlatOrNested() throws IOException {
        Path nested = Files.createDirectories(dir.resolve("cifar/cifar-10-batches-bin"));
        Files.write(nested.resolve("data_batch_1.bin"), Cifar10Test.batch(3, 0));
        Files.write(nested.resolve("test_batch.bin"), Cifar10Test.batch(2, 4));
        for (Path d : new Path[] {nested, dir.resolve("cifar")}) {
            assertEquals(DataDirectory.Layout.CIFAR10, DataDirectory.detect(d));
            TrainTestSplit s = DataDirectory.load(d, new int[] {1, 28, 28}, Resize.AREA);
            assertArrayEquals(new int[] {3, 32, 32}, s.train().sampleShape());
            assertArrayEquals(new int[] {0, 1, 2}, s.train().labels());
            assertArrayEquals(new int[] {4, 5}, s.test().labels());
            assertArrayEquals(Cifar10.CLASSES, s.test().classNames());
        }
    }

    @Test
    void imageFoldersAreReadAtTheRequestedShape() throws IOException {
        Path d = dir.resolve("pets");
        for (String part : new String[] {"train", "test"}) {
            ImageFolderTest.write(ImageFolderTest.rgb(8, 6), d.resolve(part + "/cat/a.png"), "png");
            ImageFolderTest.write(ImageFolderTest.gray(5, 5), d.resolve(part + "/dog/b.png"), "png");
        }
        ImageFolderTest.write(ImageFolderTest.gray(9, 3), d.resolve("train/dog/c.png"), "png");
        assertEquals(DataDirectory.Layout.IMAGE_FOLDERS, DataDirectory.detect(d));
        TrainTestSplit s = DataDirectory.load(d, new int[] {3, 4, 4}, Resize.AREA);
        assertArrayEquals(new int[] {3, 4, 4}, s.train().sampleShape());
        assertArrayEquals(new int[] {0, 1, 1}, s.train().labels());
        assertArrayEquals(new String[] {"cat", "dog"}, s.test().classNames());
        assertEquals(2, s.test().size());
        assertArrayEquals(new int[] {1, 2, 2}, DataDirectory.load(d, new int[] {1, 2, 2}, Resize.AREA).test().sampleShape());
    }

    @Test
    void imageFoldersMustAgreeAndNeedAnImageShape() throws IOException {
        Path d = dir.resolve("pets");
        ImageFolderTest.write(ImageFolderTest.gray(5, 5), d.resolve("train/cat/a.png"), "png");
        DataFormatException noTest = assertThrows(DataFormatException.class, () -> DataDirectory.load(d, new int[] {1, 5, 5}, Resize.AREA));
        assertTrue(noTest.getMessage().contains("no test/"), noTest.getMessage());
        ImageFolderTest.write(ImageFolderTest.gray(5, 5), d.resolve("test/cow/a.png"), "png");
        DataFormatException other = assertThrows(DataFormatException.class, () -> DataDirectory.load(d, new int[] {1, 5, 5}, Resize.AREA));
        assertTrue(other.getMessage().contains("[cow]") && other.getMessage().contains("[cat]"), other.getMessage());
        DataFormatException flat = assertThrows(DataFormatException.class, () -> DataDirectory.load(d, new int[] {25}, Resize.AREA));
        assertTrue(flat.getMessage().contains("(C, H, W)"), flat.getMessage());
    }

    @Test
    void anythingElseIsExplained() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("README.txt"), "nothing here");
        DataFormatException e = assertThrows(DataFormatException.class, () -> DataDirectory.detect(empty));
        assertTrue(e.getMessage().startsWith(empty + " holds no data set") && e.getMessage().contains("data_batch_1.bin")
                && e.getMessage().contains("train-images-idx3-ubyte") && e.getMessage().contains("train/ and test/"), e.getMessage());
        Path missing = dir.resolve("missing");
        assertTrue(assertThrows(DataFormatException.class, () -> DataDirectory.detect(missing)).getMessage().contains("not a directory"));
    }
}
