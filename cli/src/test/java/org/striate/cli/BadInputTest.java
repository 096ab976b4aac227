package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input gives exit code 2 and exactly one line on stderr saying what to do. */
class BadInputTest {

    @TempDir
    Path tmp;

    /** One stderr line, no stack trace, containing each of the given fragments. */
    static void assertOneLine(Cli r, String... fragments) {
        assertEquals(ExitCode.INVALID_INPUT, r.code(), r::toString);
        assertEquals(1, r.errLines().length, r::toString);
        String line = r.errLines()[0];
        assertFalse(line.contains("Exception") || line.contains("\tat "), r::toString);
        for (String f : fragments) assertTrue(line.contains(f), () -> "missing '" + f + "' in: " + line);
    }

    /** Runs 'striate train' on {@code dataDir} with a small model, writing to tmp/out. */
    Cli train(Path dataDir, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--epochs", "1", "--threads", "1", "--out", out().toString()));
        if (!List.of(more).contains("--model")) { args.add("--model"); args.add("mlp"); }
        if (dataDir != null) { args.add("--data"); args.add(dataDir.toString()); }
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    Path out() { return tmp.resolve("out/model.striate"); }

    /** Nothing was written where the model would go: no model file, no metrics, not even the folder. */
    void assertNoModelWritten() {
        assertFalse(Files.exists(tmp.resolve("out")), () -> "something was written to " + tmp.resolve("out"));
    }

    Path tinyData() throws Exception { return TinyData.write(tmp.resolve("data"), 64, 32, 1); }

    @Test
    void missingDataDirectory() {
        Path missing = tmp.resolve("no-such-dir");
        Cli r = train(missing);
        assertOneLine(r, missing.toString(), "--data");
        assertNoModelWritten();
    }

    @Test
    void defaultDataMissingSaysHowToInstallIt() {
        String before = System.getProperty("striate.data.default");
        System.setProperty("striate.data.default", tmp.resolve("datasets/fashion-mnist").toString());
        try {
            Cli r = train(null);
            assertOneLine(r, "apt-get install dataset-fashion-mnist", "--data");
            assertNoModelWritten();
        } finally {
            if (before == null) System.clearProperty("striate.data.default");
            else System.setProperty("striate.data.default", before);
        }
    }

    @Test
    void missingFileInDataDirectory() throws Exception {
        Path dir = tinyData();
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        Cli r = train(dir);
        assertOneLine(r, "t10k-labels-idx1-ubyte");
        assertNoModelWritten();
    }

    @Test
    void truncatedIdxFile() throws Exception {
        Path dir = tinyData();
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        byte[] raw = TinyData.idx(2051, new int[] {64, 28, 28}, new byte[64 * 28 * 28]);
        Files.delete(images);
        // a raw (not gzip) file cut off in the middle of the pixels
        Path cut = dir.resolve("train-images-idx3-ubyte");
        Files.write(cut, java.util.Arrays.copyOf(raw, raw.length / 2));
        Cli r = train(dir);
        assertOneLine(r, cut.toString());
        assertNoModelWritten();
    }

    @Test
    void wrongMagicNumber() throws Exception {
        Path dir = tinyData();
        Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
        // an images header where the labels belong
        Files.write(labels, TinyData.gzip(TinyData.idx(2051, new int[] {64, 1, 1}, new byte[64])));
        Cli r = train(dir);
        assertOneLine(r, labels.toString());
        assertNoModelWritten();
    }

    @Test
    void imageAndLabelCountsDiffer() throws Exception {
        Path dir = tinyData();
        Path labels = dir.resolve("t10k-labels-idx1-ubyte.gz");
        Files.write(labels, TinyData.gzip(TinyData.idx(2049, new int[] {31}, new byte[31])));
        Cli r = train(dir);
        assertOneLine(r, labels.toString(), "32", "31");
        assertNoModelWritten();
    }

    @Test
    void unreadableImage() throws Exception {
        Path dir = tinyData();
        Path model = tmp.resolve("m.striate");
        Cli t = Cli.run("train", "--model", "mlp", "--epochs", "1", "--data", dir.toString(), "--out", model.toString());
        assertEquals(ExitCode.OK, t.code(), t::toString);
        Path notAnImage = tmp.resolve("photo.png");
        Files.writeString(notAnImage, "this is not a PNG");
        Cli r = Cli.run("predict", "--model", model.toString(), notAnImage.toString());
        assertOneLine(r, notAnImage.toString());
        Path missing = tmp.resolve("missing.png");
        assertOneLine(Cli.run("predict", "--model", model.toString(), missing.toString()), missing.toString());
    }

    @Test
    void notAModelFile() throws Exception {
        Path fake = tmp.resolve("fake.striate");
        Files.write(fake, new byte[] {(byte) 0x89, 'S', 'T', 'R', 'M', 1, 2, 3});
        assertOneLine(Cli.run("eval", "--model", fake.toString(), "--data", tinyData().toString()), fake.toString());
        Path missing = tmp.resolve("missing.striate");
        assertOneLine(Cli.run("eval", "--model", missing.toString()), missing.toString(), "striate train");
    }

    @Test
    void unknownModelName() throws Exception {
        assertOneLine(Cli.run("summary", "--model", "resnet9000"), "resnet9000", "fashion-cnn", "spec file");
        Cli r = train(tinyData(), "--model", "resnet9000");
        assertOneLine(r, "resnet9000", "fashion-cnn", "spec file");
        assertNoModelWritten();
    }

    @Test
    void malformedSpecLineInTrain() throws Exception {
        Path spec = tmp.resolve("bad.spec");
        Files.writeString(spec, "input 1x28x28\nconv 8 3x3 pad=same\nmaxpool 2 strde=2\nflatten\ndense 10\n");
        Cli r = train(tinyData(), "--model", spec.toString());
        assertOneLine(r, spec.toString(), "line 3", "strde");
        assertNoModelWritten();
    }

    @Test
    void badOptionValues() throws Exception {
        Path dir = tinyData();
        assertOneLine(train(dir, "--epochs", "0"), "--epochs");
        assertOneLine(train(dir, "--optimizer", "rmsprop"), "--optimizer", "adam, adamw or sgd");
        assertOneLine(train(dir, "--batch", "many"), "--batch", "many");
        assertOneLine(train(dir, "--threads", "0"), "threads");
        assertNoModelWritten();
    }

    @Test
    void divergedTrainingWritesNoModel() throws Exception {
        Cli r = train(tinyData(), "--optimizer", "sgd", "--lr", "1e30", "--batch", "8");
        assertOneLine(r, "diverged", "learning rate");
        assertNoModelWritten();
    }

    @Test
    void malformedSpecLineNamesFileAndLine() throws Exception {
        Path spec = tmp.resolve("bad.spec");
        Files.writeString(spec, "input 1x28x28\nconv 32 3x3 pad=same\nconv thirty-two 3x3\n");
        Cli r = Cli.run("summary", "--model", spec.toString());
        assertOneLine(r, spec.toString(), "line 3", "filters");
    }

    @Test
    void unknownOption() throws Exception {
        assertOneLine(Cli.run("summary", "--model", "lenet5", "--colour"), "--colour", "--help");
        assertOneLine(train(tinyData(), "--colour"), "--colour", "striate train --help");
        assertNoModelWritten();
    }

    /**
     * The real process, not only the command object: nothing else (a logger, a JVM notice about the
     * kernels) may add lines to stderr, on whatever Java runs the tests.
     */
    @Test
    void aSeparateProcessPrintsExactlyOneLineAndExitsWithTwo() throws Exception {
        Path missing = tmp.resolve("no-such-dir");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--model", "lenet5", "--data", missing.toString(), "--out", out().toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(ExitCode.INVALID_INPUT, p.waitFor());
        List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.get(0).startsWith("striate train: Data directory " + missing), err);
        assertNoModelWritten();
    }

    @Test
    void missingSubcommand() {
        Cli r = Cli.run();
        assertOneLine(r, "summary");
    }

    @Test
    void badInputShape() {
        Cli r = Cli.run("summary", "--model", "mlp", "--input", "1x0x28");
        assertOneLine(r, "--input", "1x0x28");
    }
}
