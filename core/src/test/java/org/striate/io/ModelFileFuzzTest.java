package org.striate.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Random edits of a good model file — overwrites, insertions, deletions — are refused with a ModelFormatException only. */
class ModelFileFuzzTest {
    private static Path dir;
    private static byte[] good;

    @BeforeContainer
    static void saveOne() throws IOException {
        dir = Files.createTempDirectory("striate-fuzz");
        Path f = dir.resolve("good.striate");
        ModelFile.save(ModelFileTest.smallModel(21), f);
        good = Files.readAllBytes(f);
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) Files.delete(p);
        }
        Files.delete(dir);
    }

    @Property(tries = 300)
    void randomEditsGiveOnlyModelFormatException(@ForAll long seed) throws IOException {
        Random r = new Random(seed);
        byte[] b = good.clone();
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(3)) {
                case 0 -> b[at] = (byte) r.nextInt(256);
                case 1 -> {
                    byte[] n = new byte[b.length + 1];
                    System.arraycopy(b, 0, n, 0, at);
                    n[at] = (byte) r.nextInt(256);
                    System.arraycopy(b, at, n, at + 1, b.length - at);
                    b = n;
                }
                default -> {
                    byte[] n = new byte[b.length - 1];
                    System.arraycopy(b, 0, n, 0, at);
                    System.arraycopy(b, at + 1, n, at, b.length - at - 1);
                    b = n;
                }
            }
        }
        if (Arrays.equals(b, good)) return;
        Path f = dir.resolve("edited.striate");
        Files.write(f, b);
        try {
            ModelFile.load(f);
            fail("an edited file loaded (seed " + seed + ")");
        } catch (ModelFormatException expected) {
            // the only acceptable outcome
        } catch (Throwable t) {
            fail("seed " + seed + " gave " + t, t);
        }
    }

    @Property(tries = 20)
    void theUneditedFileStillLoads(@ForAll long ignored) throws IOException {
        Path f = dir.resolve("copy.striate");
        Files.write(f, good);
        assertArrayEquals(ModelFileTest.smallModel(21).params(), ModelFile.load(f).params());
    }
}
