package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.io.ModelFile;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Graph;

/**
 * The inputs of the hostile-input probe, each made here as a tiny file: every one gives exit code 2,
 * exactly one line on stderr, and writes nothing.
 */
class HostileInputTest {
    @TempDir
    static Path shared;
    static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void tinyData() throws Exception { data = TinyData.write(shared.resolve("data"), 64, 32, 1); }

    /** Exit 2, one stderr line holding each fragment, and no file or folder added under tmp. */
    Cli refused(String[] args, String... fragments) throws Exception {
        List<Path> before = listing();
        Cli r = Cli.run(args);
        BadInputTest.assertOneLine(r, fragments);
        assertEquals(before, listing(), "nothing written: " + r);
        return r;
    }

    List<Path> listing() throws Exception {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.sorted().toList();
        }
    }

    Path write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    Path spec(String text) throws Exception { return write("hostile.spec", text.getBytes(StandardCharsets.UTF_8)); }

    static String[] args(Object... a) { return Stream.of(a).map(String::valueOf).toArray(String[]::new); }

    String[] train(Object model, Object out, Object... more) {
        List<Object> a = new ArrayList<>(List.of("train", "--model", model, "--data", data, "--epochs", 1, "--threads", 1, "--no-progress", "--out", out));
        a.addAll(List.of(more));
        return args(a.toArray());
    }

    @Test
    void devNullIsNotReplaced() throws Exception {
        Path devNull = Path.of("/dev/null");
        if (!Files.exists(devNull)) return;
        refused(train("mlp", devNull), "--out /dev/null", "not a regular file");
        assertFalse(Files.isRegularFile(devNull), "/dev/null is still a device");
    }

    @Test
    void outputUnderARegularFileIsRefusedBeforeTraining() throws Exception {
        Path file = write("m.striate", new byte[] {1});
        refused(train("mlp", file.resolve("x.striate")), file.toString(), "is a file, not a directory");
    }

    /** Commands that write a folder check it before their work (lab efficiency trained for minutes, then failed with exit 1). */
    @Test
    void outputFoldersUnderAFileOrOnADeviceAreRefusedBeforeTheWork() throws Exception {
        Path file = write("m.striate", new byte[] {1});
        List<Path> outs = new ArrayList<>(List.of(file, file.resolve("x")));
        if (Files.exists(Path.of("/dev/null"))) outs.add(Path.of("/dev/null"));
        for (Path out : outs) {
            refused(args("report", "--model", "small-mlp", "--no-data", "--out", out), "--out " + out, "not a directory");
            refused(args("data", "scenes", "--data", data, "--scenes", 4, "--test-scenes", 4, "--out", out), "--out " + out, "not a directory");
            refused(args("lab", "efficiency", "--data", data, "--models", "small-mlp", "--sizes", 16, "--out", out), "--out " + out, "not a directory");
            refused(args("lab", "filters", "--model", "small-cnn", "--out", out), "--out " + out, "not a directory");
        }
    }

    @Test
    void aFailedRunLeavesTheOldModelAndItsMetricsAsTheyWere() throws Exception {
        Path out = tmp.resolve("m.striate");
        Path linear = spec("input 1x28x28\nflatten\ndense 10\n");
        assertEquals(ExitCode.OK, Cli.run(train(linear, out)).code());
        Path csv = tmp.resolve("m.metrics.csv");
        byte[] model = Files.readAllBytes(out), metrics = Files.readAllBytes(csv);
        refused(train(linear, out, "--overwrite", "--lr", "1e38", "--optimizer", "sgd", "--batch", "8"), "diverged");
        assertArrayEquals(model, Files.readAllBytes(out));
        assertArrayEquals(metrics, Files.readAllBytes(csv));
    }

    @Test
    void aGzipBombIdxIsRefusedBeforeReading() throws Exception {
        Path dir = tmp.resolve("bomb");
        TinyData.write(dir, 64, 32, 1);
        // 1 x 46000 x 46000 declared, a few kilobytes of zeros behind it
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(ByteBuffer.allocate(16).putInt(2051).putInt(1).putInt(46000).putInt(46000).array());
            gz.write(new byte[1 << 16]);
        }
        Path images = dir.resolve("train-images-idx3-ubyte");
        Files.write(images, b.toByteArray());
        refused(args("train", "--model", "mlp", "--data", dir, "--epochs", 1, "--out", tmp.resolve("m.striate")), images.toString(), "46000x46000");
    }

    @Test
    void modelsTooLargeForMemoryAreRefusedWithTheFigures() throws Exception {
        refused(args("summary", "--model", spec("input 1x28x28\nflatten\ndense 30000\ndense 30000\n")), "parameters", "memory");
        refused(args("summary", "--model", spec("input 3x512x512\nlc 1000 1x1\n")), "parameters", "memory");
        refused(train(spec("input 1x28x28\nconv 20000 3x3 pad=same\nflatten\ndense 10\n"), tmp.resolve("m.striate")),
                "Training the model", "memory");
        Path big = tmp.resolve("big.striate");
        ModelFile.save(LayerSpecs.parse("input 1x46000x46000\ngap\n", "probe", null).build(1), big);
        Path image = write("one.png", Files.readAllBytes(Path.of("..", "docs", "lab", "ankle-boot.png")));
        refused(args("predict", "--model", big, image), "46000", "memory");
    }

    @Test
    void tooManyThreadsAreRefused() throws Exception {
        refused(args("train", "--model", "mlp", "--data", data, "--threads", 100000, "--out", tmp.resolve("m.striate")), "threads", "Received threads=100000");
    }

    @Test
    void aMillionColumnMetricsFileIsRefused() throws Exception {
        Path out = tmp.resolve("m.striate");
        assertEquals(ExitCode.OK, Cli.run(train("mlp", out)).code());
        StringBuilder header = new StringBuilder("epoch");
        for (int i = 0; i < 1_000_000; i++) header.append(",loss").append(i);
        Path csv = write("m.metrics.csv", (header + "\n").getBytes(StandardCharsets.UTF_8));
        refused(args("report", "--model", out, "--out", tmp.resolve("report"), "--no-data"), csv.toString(), "1000001 columns");
    }

    @Test
    void hugePaddingOrDilationIsRefusedNotWrappedAround() throws Exception {
        refused(args("summary", "--model", spec("input 1x8x8\nconv 1 3x3 dilation=2147483647\nflatten\ndense 2\n")), "line 2", "conv2d_1");
        refused(args("summary", "--model", spec("input 1x8x8\nconv 1 3x3 pad=2147483647\nflatten\ndense 2\n")), "line 2", "padding 2147483647");
        refused(args("summary", "--model", spec("input 1x8\nconv1d 1 3 dilation=2147483647\nflatten\ndense 2\n")), "line 2", "conv1d_1");
        byte[] good = ModelFile.toBytes(LayerSpecs.parse("input 1x8x8\nconv 1 3x3\nflatten\ndense 2\n", "probe", null).build(1));
        Path crafted = write("crafted.striate", withArchitecture(good, "conv 1 3x3", "conv 1 3x3 dilation=2147483647"));
        refused(args("summary", "--model", crafted), crafted.toString(), "conv2d_1");
    }

    @Test
    void textThatIsNotUtf8IsRefusedNamingFileAndByte() throws Exception {
        Path latin1 = write("latin1.spec", "# caf\u00e9\ninput 1x28x28\nflatten\ndense 10\n".getBytes(StandardCharsets.ISO_8859_1));
        refused(args("summary", "--model", latin1), latin1.toString(), "byte 5", "not UTF-8");
        Path binary = write("binary", new byte[] {0x7f, 'E', 'L', 'F', (byte) 0xff, (byte) 0xfe, 0, 1});
        refused(args("summary", "--model", binary), binary.toString(), "byte 4");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(ModelFile.toBytes(LayerSpecs.parse("input 1x8x8\nflatten\ndense 2\n", "probe", null).build(1)));
        }
        Path gzipped = write("m.striate.gz", b.toByteArray());
        refused(args("summary", "--model", gzipped), gzipped.toString(), "gzip-compressed");
    }

    @Test
    void anEmptyDataSetIsRefusedNamingTheFile() throws Exception {
        Path dir = tmp.resolve("empty");
        TinyData.write(dir, 64, 32, 1);
        Path images = dir.resolve("t10k-images-idx3-ubyte");
        Files.write(images, TinyData.idx(2051, new int[] {0, 28, 28}, new byte[0]));
        String[] a = train("mlp", tmp.resolve("m.striate"));
        a[4] = dir.toString();
        refused(a, images.toString(), "0 images");
    }

    @Test
    void craftedModelsWithBadNormalisationClassNamesOrControlCharactersAreRefused() throws Exception {
        Graph normal = LayerSpecs.parse("input 1x8x8\nflatten\ndense 2\n", "probe", null).build(1);
        normal.normalization(new float[] {0.5f}, new float[] {1f});
        Path f = write("nan.striate", withNanMean(ModelFile.toBytes(normal)));
        refused(args("summary", "--model", f), f.toString(), "normalisation");

        String[] fifty = new String[50];
        for (int i = 0; i < 50; i++) fifty[i] = "c" + i;
        Graph names = LayerSpecs.parse("input 1x8x8\nflatten\ndense 10\n", "probe", null).build(1).classNames(fifty);
        f = write("names.striate", ModelFile.toBytes(names));
        refused(args("summary", "--model", f), f.toString(), "50 classes", "10 outputs");

        Graph control = LayerSpecs.parse("input 1x8x8\nflatten\ndense 2\n", "probe", null).build(1).classNames("cat", "\u001b[31mdog");
        f = write("control.striate", ModelFile.toBytes(control));
        refused(args("summary", "--model", f), f.toString(), "control character");
    }

    @Test
    void overflowingDenseComparisonIsRefused() throws Exception {
        refused(args("summary", "--model", "lenet5", "--dense-compare", "2147483647x2147483647x2147483647:2147483647"), "64 bits");
    }

    /** The model file with its first normalisation mean set to NaN and its CRC made right again. */
    static byte[] withNanMean(byte[] file) {
        byte[] o = file.clone();
        int at = new String(o, StandardCharsets.ISO_8859_1).indexOf("NORM");
        ByteBuffer.wrap(o).putInt(at + 12, Float.floatToRawIntBits(Float.NaN));   // tag, length, channel count, then mean[0]
        CRC32 crc = new CRC32();
        crc.update(o, 0, o.length - 4);
        ByteBuffer.wrap(o).putInt(o.length - 4, (int) crc.getValue());
        return o;
    }

    /** A model file whose architecture text has {@code from} replaced by {@code to}, with lengths and CRC made right again. */
    static byte[] withArchitecture(byte[] file, String from, String to) {
        ByteBuffer b = ByteBuffer.wrap(file);
        int arch = 20;                                   // the header: magic, version, length
        int len = b.getInt(arch + 4);
        String text = new String(file, arch + 8, len, StandardCharsets.UTF_8).replace(from, to);
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(file.length - len + t.length);
        out.put(file, 0, arch + 4).putInt(t.length).put(t).put(file, arch + 8 + len, file.length - arch - 8 - len);
        byte[] o = out.array();
        ByteBuffer.wrap(o).putLong(12, o.length);
        CRC32 crc = new CRC32();
        crc.update(o, 0, o.length - 4);
        ByteBuffer.wrap(o).putInt(o.length - 4, (int) crc.getValue());
        return o;
    }
}
