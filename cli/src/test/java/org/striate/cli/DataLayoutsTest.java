package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.striate.cli.BadInputTest.assertOneLine;
import static org.striate.cli.TrainEvalPredictTest.number;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.io.ModelFile;
import org.striate.nn.Graph;

/** train and eval read CIFAR-10 batches and image folders as well as IDX files; augmentation is an option of train. */
class DataLayoutsTest {

    @TempDir
    Path tmp;

    /** A spec without an input line, so that its input follows the data. */
    static String spec(int classes) { return "conv 4 3x3 pad=same\nrelu\nmaxpool 2\nflatten\ndense " + classes + "\n"; }

    /** Class 0: bright left half, class 1: bright right half, in the red channel only. */
    static byte[] cifarBatch(int n, long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[n * 3073];
        for (int i = 0; i < n; i++) {
            int label = r.nextInt(2), at = i * 3073;
            b[at] = (byte) label;
            for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) {
                boolean on = (x < 16) == (label == 0);
                b[at + 1 + y * 32 + x] = (byte) (on ? 200 + r.nextInt(50) : r.nextInt(50));
            }
        }
        return b;
    }

    /** striate train of a small spec for {@code classes} classes; {@code more} must give --epochs. */
    Cli train(int classes, Path data, Path out, String... more) throws Exception {
        Path spec = tmp.resolve("halves.spec");
        Files.writeString(spec, spec(classes));
        String[] base = {"train", "--model", spec.toString(), "--data", data.toString(), "--batch", "16",
                "--lr", "0.01", "--threads", "1", "--out", out.toString(), "--json"};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Cli.run(args);
    }

    @Test
    void cifarBatchesTrainAModelOfTheirShapeAndEvalReproducesIt() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("cifar/cifar-10-batches-bin"));
        Files.write(data.resolve("data_batch_1.bin"), cifarBatch(200, 1));
        Files.write(data.resolve("test_batch.bin"), cifarBatch(60, 2));
        Path model = tmp.resolve("out/cifar.striate");
        Cli t = train(10, tmp.resolve("cifar"), model, "--augment", "shift=2", "--epochs", "2");
        assertEquals(ExitCode.OK, t.code(), t::toString);
        Graph m = ModelFile.load(model);
        assertEquals("[3, 32, 32]", java.util.Arrays.toString(m.inputShape()));
        assertEquals("airplane", m.classNames()[0]);
        assertTrue(number(t.out(), "test_accuracy") > 0.9, t::toString);
        Cli e = Cli.run("eval", "--model", model.toString(), "--data", data.toString(), "--json");
        assertEquals(ExitCode.OK, e.code(), e::toString);
        assertEquals(number(t.out(), "test_accuracy"), number(e.out(), "accuracy"), 0.0);
    }

    @Test
    void labAndReportReadCifarBatchesToo() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("cifar/cifar-10-batches-bin"));
        Files.write(data.resolve("data_batch_1.bin"), cifarBatch(120, 3));
        Files.write(data.resolve("test_batch.bin"), cifarBatch(40, 4));
        // the lab models are built for the data's 3x32x32 images and 10 classes
        Cli inv = Cli.run("lab", "invariance", "--data", data.toString(), "--models", "small-cnn", "--train-size", "120",
                "--test-size", "40", "--epochs", "1", "--max-shift", "1", "--out", tmp.resolve("inv").toString(), "--json");
        assertEquals(ExitCode.OK, inv.code(), inv::toString);
        assertTrue(inv.out().contains("\"small-cnn\""), inv::toString);
        Path model = tmp.resolve("out/cifar.striate");
        assertEquals(ExitCode.OK, train(10, tmp.resolve("cifar"), model, "--epochs", "1").code());
        Cli report = Cli.run("report", "--model", model.toString(), "--data", data.toString(), "--test-size", "40",
                "--out", tmp.resolve("report").toString(), "--json");
        assertEquals(ExitCode.OK, report.code(), report::toString);
        assertTrue(report.out().matches("(?s).*\"test_images\":\\s*40\\b.*"), report::toString);
    }

    /** A w×h RGB picture: a bright square left (class "left") or right. */
    static void picture(Path file, boolean left, int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, (x < w / 2) == left ? 0xF0E0D0 : 0x101010);
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, "png", file.toFile()));
    }

    Path imageFolders() throws Exception {
        Path root = tmp.resolve("photos");
        for (String part : new String[] {"train", "test"}) {
            int n = part.equals("train") ? 24 : 6;
            for (int i = 0; i < n; i++) {
                picture(root.resolve(part + "/left/" + i + ".png"), true, 20 + i % 5, 16 + i % 3);
                picture(root.resolve(part + "/right/" + i + ".png"), false, 18 + i % 4, 20);
            }
        }
        return root;
    }

    @Test
    void imageFoldersAreResizedToTheInputAndClassesComeFromFolderNames() throws Exception {
        Path data = imageFolders();
        Path model = tmp.resolve("out/photos.striate");
        Cli t = train(2, data, model, "--input", "3x12x12", "--augment", "shift=1,flip", "--epochs", "4");
        assertEquals(ExitCode.OK, t.code(), t::toString);
        Graph m = ModelFile.load(model);
        assertEquals("[3, 12, 12]", java.util.Arrays.toString(m.inputShape()));
        assertEquals("[left, right]", java.util.Arrays.toString(m.classNames()));
        Cli e = Cli.run("eval", "--model", model.toString(), "--data", data.toString(), "--json");
        assertEquals(ExitCode.OK, e.code(), e::toString);
        assertEquals(number(t.out(), "test_accuracy"), number(e.out(), "accuracy"), 0.0);
        assertEquals(12, (int) number(e.out(), "samples"));
    }

    @Test
    void unreadableImageInTheTrainingFoldersStopsBeforeAnyModelIsWritten() throws Exception {
        Path data = imageFolders();
        Path broken = data.resolve("train/right/broken.png");
        Files.writeString(broken, "not a PNG at all");
        Cli r = train(2, data, tmp.resolve("out/photos.striate"), "--input", "3x12x12", "--epochs", "1");
        assertOneLine(r, broken.toString());
        assertFalse(Files.exists(tmp.resolve("out")), r::toString);
    }

    @Test
    void aDirectoryWithoutDataAndABadAugmentationAreExplained() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Cli r = train(2, empty, tmp.resolve("out/m.striate"), "--epochs", "1");
        assertOneLine(r, empty.toString(), "train-images-idx3-ubyte", "data_batch_1.bin", "train/ and test/");
        Cli a = train(2, imageFolders(), tmp.resolve("out/m.striate"), "--augment", "rotate=5", "--epochs", "1");
        assertOneLine(a, "--augment", "rotate=5", "shift=N");
        assertFalse(Files.exists(tmp.resolve("out")), a::toString);
    }
}
