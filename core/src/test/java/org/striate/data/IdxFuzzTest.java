package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random edits of the header and of the length of IDX files: IDX has no checksum, so an edited file
 * may still be valid, but then its dimensions must account for every byte; otherwise the only
 * acceptable outcome is a DataFormatException.
 */
class IdxFuzzTest {
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException { dir = Files.createTempDirectory("striate-idx-fuzz"); }

    @AfterContainer
    static void cleanUp() throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) Files.delete(p);
        }
        Files.delete(dir);
    }

    @Property(tries = 300)
    void editedFilesAreConsistentOrRefused(@ForAll long seed, @ForAll boolean gz) throws IOException {
        Random r = new Random(seed);
        Path good = dir.resolve("good");
        IdxFiles.write(good, new int[] {3, 4, 5}, IdxFilesTest.randomBytes(60, seed), false);
        byte[] b = Files.readAllBytes(good);
        // edit the 16 header bytes, then maybe cut or extend
        for (int e = 0, n = 1 + r.nextInt(3); e < n; e++) b[r.nextInt(16)] = (byte) (r.nextInt(3) == 0 ? r.nextInt(256) : r.nextInt(8));
        int len = r.nextInt(4) == 0 ? r.nextInt(b.length + 40) : b.length;
        byte[] edited = java.util.Arrays.copyOf(b, len);
        Path f = dir.resolve("edited");
        Files.write(f, gz ? IdxFilesTest.gzip(edited) : edited);
        try {
            IdxFiles.Idx idx = IdxFiles.read(f, 3, "images");
            long product = 1;
            for (int d : idx.dims()) product *= d;
            assertEquals(product, idx.values().length);
            assertEquals(16 + product, len);
        } catch (DataFormatException expected) {
            // refused, naming the file
            if (!expected.getMessage().contains(f.toString())) fail("message does not name the file: " + expected.getMessage());
        } catch (Throwable t) {
            fail("seed " + seed + " gave " + t, t);
        }
    }
}
