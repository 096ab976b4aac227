package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny end-to-end run: train on generated IDX files, evaluate the saved model, classify PNG files. */
class TrainEvalPredictTest {

    @TempDir
    static Path tmp;
    static Path data, model;
    static Cli trained;

    static final String SPEC = "input 1x28x28\nconv 4 3x3 pad=same\nrelu\nmaxpool 2\nflatten\ndense 10\n";

    @BeforeAll
    static void trainOnce() throws Exception {
        data = TinyData.write(tmp.resolve("data"), 600, 200, 7);
        Path spec = tmp.resolve("tiny.spec");
        Files.writeString(spec, SPEC);
        model = tmp.resolve("out/tiny.striate");
        trained = Cli.run("train", "--model", spec.toString(), "--data", data.toString(), "--epochs", "2", "--batch", "32",
                "--lr", "0.01", "--out", model.toString(), "--threads", "1", "--json");
    }

    static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([-0-9.eE]+)").matcher(json);
        assertTrue(m.find(), () -> "no " + key + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void trainWritesModelMetricsAndOneJsonObject() throws Exception {
        assertEquals(ExitCode.OK, trained.code(), trained::toString);
        String json = trained.out().trim();
        assertTrue(json.startsWith("{") && json.endsWith("}") && json.lines().count() == 1, json);
        assertEquals(2, (int) number(json, "epochs"));
        assertTrue(number(json, "seconds") >= 0);
        // the task is easy: two short epochs separate the ten positions
        assertTrue(number(json, "test_accuracy") > 0.9, json);
        assertTrue(Files.size(model) > 0);
        List<String> csv = Files.readAllLines(tmp.resolve("out/tiny.metrics.csv"));
        assertEquals(MetricsCsv.HEADER, csv.get(0));
        assertEquals(3, csv.size(), csv::toString);
        assertTrue(csv.get(2).startsWith("2,"), csv::toString);
        // with --json the epoch lines go to stderr, so stdout stays one object
        assertTrue(trained.err().contains("epoch 2/2"), trained::toString);
    }

    /** The model file says how it was trained, for the report's top; nothing that differs between a resumed run and a straight one. */
    @Test
    void theModelFileKeepsItsTrainingSettings() throws Exception {
        String notes = org.striate.io.ModelFile.load(model).training();
        for (String line : new String[] {"model: " + tmp.resolve("tiny.spec"), "data: " + data, "training images: 600", "validation: the test set after each epoch",
                "epochs: 2", "batch: 32", "optimizer: adam, learning rate 0.01, weight decay 0.0", "learning-rate schedule: constant",
                "augmentation: none", "label smoothing: 0.0", "seed: 42"}) {
            assertTrue(notes.lines().anyMatch(line::equals), "'" + line + "' in\n" + notes);
        }
        assertTrue(!notes.contains(model.toString()) && !notes.contains("thread"), "no output path or thread count: " + notes);
    }

    @Test
    void evalReproducesTrainAccuracyExactly() {
        Cli r = Cli.run("eval", "--model", model.toString(), "--data", data.toString(), "--json");
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertEquals(number(trained.out(), "test_accuracy"), number(r.out(), "accuracy"), 0.0, r.out());
        assertTrue(r.out().contains("\"confusion\":[["), r.out());
        assertEquals(200, (int) number(r.out(), "samples"));
    }

    @Test
    void evalReportHasPerClassFiguresAndConfusionMatrix() {
        Cli r = Cli.run("eval", "--model", model.toString(), "--data", data.toString());
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertTrue(r.out().contains("precision") && r.out().contains("recall") && r.out().contains("confusion matrix"), r::toString);
        assertEquals(10, r.out().lines().filter(l -> l.matches("\\s*[0-9] +[0-9] +[01]\\.\\d{4} +[01]\\.\\d{4} +\\d+")).count(), r::toString);
    }

    @Test
    void predictNamesTheClassOfAGeneratedImage() throws Exception {
        // class 7: the bright bar sits in the second row of positions, third column
        Path png = tmp.resolve("seven.png");
        ImageIO.write(bar(7), "png", png.toFile());
        Path png2 = tmp.resolve("zero.png");
        ImageIO.write(bar(0), "png", png2.toFile());
        Cli r = Cli.run("predict", "--model", model.toString(), "--top", "2", png.toString(), png2.toString());
        assertEquals(ExitCode.OK, r.code(), r::toString);
        String[] lines = r.out().trim().split("\\R");
        assertEquals(2, lines.length, r::toString);
        assertTrue(lines[0].startsWith(png + ":  7 "), r::toString);
        assertTrue(lines[1].startsWith(png2 + ":  0 "), r::toString);
        Cli j = Cli.run("predict", "--model", model.toString(), "--json", "--top", "1", png.toString());
        assertTrue(j.out().contains("\"top\":[{\"class\":\"7\",\"index\":7,\"probability\":"), j::toString);
    }

    @Test
    void predictTakesAFolderShowsItsInputAndWarnsAboutALightBackground() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("photos/sub"));
        ImageIO.write(bar(3), "png", tmp.resolve("photos/a-three.png").toFile());
        ImageIO.write(bar(8), "png", folder.resolve("b-eight.png").toFile());
        Files.writeString(tmp.resolve("photos/notes.txt"), "not an image");
        Path shown = tmp.resolve("seen/input.png");
        Cli r = Cli.run("predict", "--model", model.toString(), "--top", "1", "--show-input", shown.toString(), tmp.resolve("photos").toString());
        assertEquals(ExitCode.OK, r.code(), r::toString);
        String[] lines = r.out().trim().split("\\R");
        assertEquals(2, lines.length, r::toString);
        assertTrue(lines[0].startsWith(tmp.resolve("photos/a-three.png") + ":  3 "), r::toString);
        assertTrue(lines[1].startsWith(folder.resolve("b-eight.png") + ":  8 "), r::toString);
        assertTrue(!r.err().contains("warning"), r::toString);
        // what the model saw: 28x28, the 56x56 picture averaged down, so the bar's rows are there at half size
        BufferedImage seen = ImageIO.read(tmp.resolve("seen/input-1.png").toFile());
        assertEquals(28, seen.getWidth());
        assertEquals(28, seen.getHeight());
        assertEquals(230, seen.getRaster().getSample(16, 4, 0), 1, "inside the bar of class 3 (columns 15-18, rows 3-10)");
        assertEquals(15, seen.getRaster().getSample(0, 0, 0), 1, "the dark background");
        assertTrue(Files.exists(tmp.resolve("seen/input-2.png")));

        // the same garment photographed dark on white: a warning, and --invert brings the answer back
        BufferedImage light = bar(7);
        for (int y = 0; y < 56; y++) for (int x = 0; x < 56; x++) light.getRaster().setSample(x, y, 0, 255 - light.getRaster().getSample(x, y, 0));
        Path photo = tmp.resolve("light.png");
        ImageIO.write(light, "png", photo.toFile());
        Cli w = Cli.run("predict", "--model", model.toString(), photo.toString());
        assertTrue(w.err().contains("warning: " + photo + " has a light background") && w.err().contains("--invert"), w::toString);
        Cli inverted = Cli.run("predict", "--model", model.toString(), "--invert", "--top", "1", photo.toString());
        assertTrue(!inverted.err().contains("warning") && inverted.out().startsWith(photo + ":  7 "), inverted::toString);
        assertOneLineError(Cli.run("predict", "--model", model.toString(), Files.createDirectories(tmp.resolve("empty")).toString()), "holds no images");
    }

    static void assertOneLineError(Cli r, String fragment) { BadInputTest.assertOneLine(r, fragment); }

    /** A 56×56 picture of class {@code label}, twice the data's size, so predict has to resize it. */
    static BufferedImage bar(int label) {
        BufferedImage img = new BufferedImage(56, 56, BufferedImage.TYPE_BYTE_GRAY);
        int r0 = (label / 5) * 14 + 3, c0 = (label % 5) * 5;
        for (int y = 0; y < 56; y++) {
            for (int x = 0; x < 56; x++) {
                boolean on = y / 2 >= r0 && y / 2 < r0 + 8 && x / 2 >= c0 && x / 2 < c0 + 4;
                img.getRaster().setSample(x, y, 0, on ? 230 : 15);
            }
        }
        return img;
    }
}
