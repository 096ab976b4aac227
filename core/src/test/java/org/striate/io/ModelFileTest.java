package org.striate.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.nn.Conv2d;
import org.striate.nn.Dense;
import org.striate.nn.Flatten;
import org.striate.nn.Layer;
import org.striate.nn.ReLU;
import org.striate.nn.Graph;
import org.striate.nn.Sequential;
import org.striate.tensor.Tensor;

class ModelFileTest {
    @TempDir Path dir;

    static Graph smallModel(long seed) {
        return Sequential.builder(2, 7, 6)
                .add(new Conv2d(3, 3).padding(Conv2d.SAME)).add(new ReLU())
                .add(new Conv2d(2, 3, 2).stride(2)).add(new ReLU())
                .add(new Flatten()).add(new Dense(4))
                .build(seed)
                .normalization(new float[] {0.25f, 0.5f}, new float[] {0.3f, 0.125f})
                .classNames("cat", "dog", "T-shirt/top", "été");
    }

    static Tensor randomBatch(int n, int[] sample, long seed) {
        int[] shape = new int[sample.length + 1];
        shape[0] = n;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        Tensor t = new Tensor(shape);
        Random r = new Random(seed);
        for (int i = 0; i < t.size(); i++) t.data[i] = (float) r.nextGaussian();
        return t;
    }

    static int[] bits(float[] a, int n) {
        int[] b = new int[n];
        for (int i = 0; i < n; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }

    /** Loads expecting a ModelFormatException naming the file; any other throwable fails the test. */
    static ModelFormatException expectBad(Path file) {
        try {
            ModelFile.load(file);
        } catch (ModelFormatException e) {
            assertTrue(e.getMessage().contains(file.toString()), "message should name the file: " + e.getMessage());
            return e;
        } catch (Throwable t) {
            fail("expected ModelFormatException for " + file + " but got " + t, t);
        }
        return fail("expected ModelFormatException for " + file + " but it loaded");
    }

    @Test
    void roundTripGivesBitIdenticalParametersAndPredictions() throws IOException {
        Graph model = smallModel(7);
        Path f = dir.resolve("m" + ModelFile.EXTENSION);
        ModelFile.save(model, f);
        Graph loaded = ModelFile.load(f);
        assertEquals(model.spec(), loaded.spec());
        assertArrayEquals(bits(model.params(), model.paramCount()), bits(loaded.params(), loaded.paramCount()));
        assertArrayEquals(model.mean(), loaded.mean());
        assertArrayEquals(model.std(), loaded.std());
        assertArrayEquals(model.classNames(), loaded.classNames());
        Tensor x = randomBatch(5, model.inputShape(), 3);
        Tensor a = model.forward(x.copy(), false).copy();
        Tensor b = loaded.forward(x.copy(), false);
        assertArrayEquals(a.shape(), b.shape());
        assertArrayEquals(bits(a.data, a.size()), bits(b.data, b.size()));
        // a differently seeded model is not equal, so the comparison above can fail
        Tensor c = smallModel(8).forward(x.copy(), false);
        assertTrue(bits(a.data, a.size())[0] != bits(c.data, c.size())[0] || bits(a.data, a.size())[1] != bits(c.data, c.size())[1]);
    }

    @Test
    void savingTwiceGivesTheSameBytes() throws IOException {
        Path f = dir.resolve("a"), g = dir.resolve("b");
        ModelFile.save(smallModel(1), f);
        ModelFile.save(smallModel(1), g);
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(g));
        byte[] b = Files.readAllBytes(f);
        assertEquals(ModelFile.VERSION, ByteBuffer.wrap(b, 8, 4).getInt());
    }

    @Test
    void bytesInMemoryAreTheFileBytes() throws IOException {
        Graph model = smallModel(9);
        Path f = dir.resolve("m");
        ModelFile.save(model, f);
        byte[] bytes = ModelFile.toBytes(model);
        assertArrayEquals(Files.readAllBytes(f), bytes);
        assertArrayEquals(bits(model.params(), model.paramCount()), bits(ModelFile.fromBytes(bytes, "memory").params(), model.paramCount()));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.fromBytes(java.util.Arrays.copyOf(bytes, 30), "memory"));
        assertTrue(e.getMessage().startsWith("memory is truncated"), e.getMessage());
    }

    @Test
    void truncatedAtEveryCutPointIsRejected() throws IOException {
        Path good = dir.resolve("good");
        ModelFile.save(smallModel(2), good);
        byte[] all = Files.readAllBytes(good);
        Path f = dir.resolve("cut");
        for (int cut = 0; cut < all.length; cut++) {
            Files.write(f, java.util.Arrays.copyOf(all, cut));
            expectBad(f);
        }
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 1));
        assertTrue(expectBad(f).getMessage().contains("is truncated"));
    }

    @Test
    void everySingleFlippedByteIsRejected() throws IOException {
        Path good = dir.resolve("good");
        ModelFile.save(smallModel(3), good);
        byte[] all = Files.readAllBytes(good);
        Path f = dir.resolve("flipped");
        for (int i = 0; i < all.length; i++) {
            byte[] bad = all.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            Files.write(f, bad);
            expectBad(f);
        }
        byte[] bad = all.clone();
        bad[all.length / 2] ^= 0x10;
        Files.write(f, bad);
        assertTrue(expectBad(f).getMessage().contains("CRC32"));
    }

    @Test
    void wrongMagicAndFutureVersionAreExplained() throws IOException {
        Path good = dir.resolve("good");
        ModelFile.save(smallModel(4), good);
        byte[] all = Files.readAllBytes(good);
        Path png = dir.resolve("image.png");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        assertTrue(expectBad(png).getMessage().contains("not a Striate model file"));
        Path future = dir.resolve("future");
        byte[] f = all.clone();
        ByteBuffer.wrap(f).putInt(8, ModelFile.VERSION + 1);
        Files.write(future, f);
        assertTrue(expectBad(future).getMessage().contains("version " + (ModelFile.VERSION + 1)));
        assertTrue(expectBad(dir.resolve("absent")).getMessage().contains("does not exist"));
        assertTrue(expectBad(Files.createDirectory(dir.resolve("folder"))).getMessage().contains("not a model file"));
        Path extra = dir.resolve("extra");
        Files.write(extra, java.util.Arrays.copyOf(all, all.length + 3));
        expectBad(extra);
    }

    /** Passes {@code limit} bytes, then fails as a full disk would. */
    static OutputStream failingAfter(OutputStream out, long limit) {
        return new FilterOutputStream(out) {
            long written;

            @Override
            public void write(int b) throws IOException {
                if (written++ >= limit) throw new IOException("No space left on device (simulated)");
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int i = 0; i < len; i++) write(b[off + i]);
            }
        };
    }

    static void assertOnlyFile(Path dir, Path file) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(java.util.List.of(file), s.toList(), "a temporary file was left behind");
        }
    }

    @Test
    void failingWriteAtAnyPointLeavesTheExistingFileUntouchedAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("model.striate");
        ModelFile.save(smallModel(5), f);
        byte[] before = Files.readAllBytes(f);
        Graph other = smallModel(6);
        for (long limit = 0; limit < before.length; limit += 7) {
            long l = limit;
            IOException e = assertThrows(IOException.class, () -> ModelFileWriter.save(other, f, out -> failingAfter(out, l)));
            assertTrue(e.getMessage().contains("simulated"), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(f), "file changed after a failure at byte " + limit);
            assertOnlyFile(dir, f);
        }
        // the same stream with room for everything succeeds, so the failures above come from the limit
        ModelFileWriter.save(other, f, out -> failingAfter(out, before.length));
        assertArrayEquals(bits(other.params(), other.paramCount()), bits(ModelFile.load(f).params(), other.paramCount()));
    }

    /** A layer whose state cannot be read: the save fails before the target is touched. */
    static final class FailingStateLayer extends Layer {
        @Override protected int[] computeOutputShape(int[] in) { return in.clone(); }
        @Override public Tensor forward(Tensor x, boolean training) { return x; }
        @Override public Tensor backward(Tensor dy) { return dy; }
        @Override public String spec() { return "relu"; }
        @Override public float[] state() { throw new IllegalStateException("state unavailable"); }
    }

    @Test
    void failingModelOrMissingDirectoryLeavesNothingBehind() throws IOException {
        Path f = dir.resolve("model.striate");
        ModelFile.save(smallModel(5), f);
        byte[] before = Files.readAllBytes(f);
        Graph failing = Sequential.builder(2, 7, 6).add(new Flatten()).add(new Dense(3)).add(new FailingStateLayer()).build(1);
        assertThrows(IllegalStateException.class, () -> ModelFile.save(failing, f));
        assertArrayEquals(before, Files.readAllBytes(f));
        assertOnlyFile(dir, f);
        assertThrows(IOException.class, () -> ModelFile.save(smallModel(5), dir.resolve("no/such/dir/m.striate")));
        assertOnlyFile(dir, f);
    }

    @Test
    void saveReplacesAnExistingFileKeepingItsPermissions() throws IOException {
        Path f = dir.resolve("m");
        ModelFile.save(smallModel(1), f);
        boolean posix = f.getFileSystem().supportedFileAttributeViews().contains("posix");
        java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----");
        if (posix) Files.setPosixFilePermissions(f, perms);
        ModelFile.save(smallModel(2), f);
        assertArrayEquals(smallModel(2).params(), ModelFile.load(f).params());
        if (posix) assertEquals(perms, Files.getPosixFilePermissions(f));
    }
}
