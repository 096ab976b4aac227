package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxFilesTest {
    @TempDir Path dir;

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) { g.write(raw); }
        return out.toByteArray();
    }

    /** Reads the file expecting a DataFormatException that names it; any other throwable fails the test. */
    static DataFormatException expectBad(Path file, int dims) {
        try {
            IdxFiles.read(file, dims, "images");
        } catch (DataFormatException e) {
            assertTrue(e.getMessage().contains(file.toString()), "message should name the file: " + e.getMessage());
            return e;
        } catch (Throwable t) {
            fail("expected DataFormatException for " + file + " but got " + t, t);
        }
        return fail("expected DataFormatException for " + file + " but it was read");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void roundTripImagesAndLabels(boolean gz) throws IOException {
        byte[] pixels = randomBytes(7 * 5 * 4, 1);
        byte[] labels = randomBytes(7, 2);
        Path img = dir.resolve("img" + (gz ? ".gz" : "")), lab = dir.resolve("lab" + (gz ? ".gz" : ""));
        IdxFiles.write(img, new int[] {7, 5, 4}, pixels, gz);
        IdxFiles.write(lab, new int[] {7}, labels, gz);
        assertEquals(gz, Files.readAllBytes(img)[0] == (byte) 0x1F);
        IdxFiles.Idx a = IdxFiles.readImages(img), b = IdxFiles.readLabels(lab);
        assertArrayEquals(new int[] {7, 5, 4}, a.dims());
        assertArrayEquals(pixels, a.values());
        assertArrayEquals(new int[] {7}, b.dims());
        assertArrayEquals(labels, b.values());
    }

    @Test
    void gzipIsRecognisedByContentNotName() throws IOException {
        byte[] pixels = randomBytes(2 * 3 * 3, 3);
        Path f = dir.resolve("plain-name-but-gzip");
        IdxFiles.write(f, new int[] {2, 3, 3}, pixels, true);
        assertArrayEquals(pixels, IdxFiles.readImages(f).values());
    }

    @Test
    void headerBytesAreBigEndianWithMagic2051() throws IOException {
        Path f = dir.resolve("h");
        IdxFiles.write(f, new int[] {1, 2, 3}, new byte[6], false);
        byte[] b = Files.readAllBytes(f);
        assertArrayEquals(new byte[] {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}, Arrays.copyOf(b, 16));
        assertEquals(16 + 6, b.length);
    }

    @Test
    void wrongMagicIsRejected() throws IOException {
        Path f = dir.resolve("zip");
        Files.write(f, new byte[] {0x50, 0x4B, 3, 4, 0, 0, 0, 0});
        assertTrue(expectBad(f, 3).getMessage().contains("not an IDX file"));
        Path swapped = dir.resolve("labels-as-images");
        IdxFiles.write(swapped, new int[] {4}, new byte[4], false);
        assertTrue(expectBad(swapped, 3).getMessage().contains("2049"));
        Path floats = dir.resolve("floats");
        Files.write(floats, new byte[] {0, 0, 0x0D, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1});
        assertTrue(expectBad(floats, 3).getMessage().contains("0x0D"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncatedAtEveryOffsetIsRejected(boolean gz) throws IOException {
        Path good = dir.resolve("good");
        IdxFiles.write(good, new int[] {3, 4, 5}, randomBytes(60, 4), gz);
        byte[] all = Files.readAllBytes(good);
        for (int cut = 0; cut < all.length; cut++) {
            Path f = dir.resolve("cut" + cut);
            Files.write(f, Arrays.copyOf(all, cut));
            expectBad(f, 3);
        }
    }

    @Test
    void truncationMessageSaysWhatWasDeclaredAndWhatIsThere() throws IOException {
        Path f = dir.resolve("t");
        byte[] header = {0, 0, 8, 3, 0, 0, (byte) 0xEA, 0x60, 0, 0, 0, 28, 0, 0, 0, 28};
        Files.write(f, Arrays.copyOf(header, 1234));
        String m = expectBad(f, 3).getMessage();
        assertTrue(m.contains("is truncated: header declares 60000 images of 28x28 (47040016 bytes) but the file has 1234 bytes"), m);
        assertTrue(m.contains("Re-download"), m);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void hugeDeclaredDimensionsInATinyFileAreRejectedWithoutAllocating(boolean gz) throws IOException {
        // the last two multiply to 2^63 and 2^64: a plain long product wraps to a negative size and to 0
        int[][] headers = {{0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF}, {0x7FFFFFF0, 1, 1}, {100_000, 1000, 1000}, {-1, 28, 28}, {5, 0, 28},
            {1 << 21, 1 << 21, 1 << 21}, {1 << 22, 1 << 21, 1 << 21}};
        for (int[] d : headers) {
            byte[] h = new byte[16 + (d[0] == 1 << 22 ? 0 : 10)];
            h[2] = 8;
            h[3] = 3;
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 4; k++) h[4 + 4 * i + k] = (byte) (d[i] >>> (24 - 8 * k));
            }
            Path f = dir.resolve("huge" + Arrays.toString(d));
            Files.write(f, gz ? gzip(h) : h);
            expectBad(f, 3);
        }
    }

    @Test
    void extraBytesAfterThePayloadAreRejected() throws IOException {
        Path f = dir.resolve("long");
        IdxFiles.write(f, new int[] {2, 2, 2}, new byte[8], false);
        Files.write(f, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertTrue(expectBad(f, 3).getMessage().contains("3 bytes too many"));
        Path g = dir.resolve("long.gz");
        byte[] raw = Files.readAllBytes(f);
        Files.write(g, gzip(raw));
        assertTrue(expectBad(g, 3).getMessage().contains("more data than its header declares"));
    }

    @Test
    void corruptGzipIsRejected() throws IOException {
        Path good = dir.resolve("good.gz");
        IdxFiles.write(good, new int[] {3, 8, 8}, randomBytes(192, 5), true);
        byte[] all = Files.readAllBytes(good);
        for (int i = 10; i < all.length; i++) {
            byte[] bad = all.clone();
            bad[i] ^= 0x5A;
            Path f = dir.resolve("flip" + i);
            Files.write(f, bad);
            try {
                IdxFiles.readImages(f);
            } catch (DataFormatException e) {
                assertTrue(e.getMessage().contains(f.toString()));
            } catch (Throwable t) {
                fail("flipping byte " + i + " gave " + t, t);
            }
        }
    }

    @Test
    void missingFileIsNamed() {
        Path f = dir.resolve("nope");
        assertTrue(expectBad(f, 3).getMessage().contains("does not exist"));
    }

    @Test
    void writeRejectsInconsistentDims() {
        assertThrows(DataFormatException.class, () -> IdxFiles.write(dir.resolve("x"), new int[] {2, 2}, new byte[3], false));
    }
}
