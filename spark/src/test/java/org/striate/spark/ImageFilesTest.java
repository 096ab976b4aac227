package org.striate.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.striate.spark.SparkScorerTest.assertMessage;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.data.DataFormatException;
import org.striate.data.Dataset;
import org.striate.data.ImageReader;
import org.striate.data.Resize;
import org.striate.nn.Graph;
import org.striate.nn.LayerSpecs;
import org.striate.tensor.Tensor;
import org.striate.train.Adam;
import org.striate.train.Evaluator;
import org.striate.train.TrainOptions;
import org.striate.train.Trainer;

class ImageFilesTest {
    private static final String[] CLASSES = {"coat", "sneaker", "trouser"};
    private static final String SMALL_CNN = "input 1x28x28\nconv 8 3x3 pad=same\nrelu\nmaxpool 2\nconv 16 3x3 pad=same\nrelu\nmaxpool 2\nflatten\ndense 3\n";

    @TempDir Path tree;

    /**
     * Garments as Fashion-MNIST draws them, light on black: a coat is a wide filled block with sleeves,
     * a sneaker a low wedge, a trouser two legs, each of random size and brightness, with speckle.
     */
    static BufferedImage garment(String kind, int w, int h, boolean rgb, Random rng) {
        BufferedImage img = new BufferedImage(w, h, rgb ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        double s = 0.7 + 0.3 * rng.nextDouble();
        int shade = 120 + rng.nextInt(130);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = (x + 0.5) / w - 0.5, v = (y + 0.5) / h - 0.5;
                boolean in = switch (kind) {
                    case "coat" -> Math.abs(u) < 0.3 * s && Math.abs(v) < 0.42 * s || Math.abs(v + 0.2) < 0.1 && Math.abs(u) < 0.45 * s;
                    case "sneaker" -> v > 0.05 && v < 0.3 * s && u > -0.42 * s && u < 0.42 * s && v > -0.6 * u - 0.05;
                    default -> Math.abs(v) < 0.45 * s && Math.abs(Math.abs(u) - 0.12 * s) < 0.09 * s;
                };
                int g = in ? Math.max(0, Math.min(255, shade + rng.nextInt(41) - 20)) : rng.nextInt(12);
                if (rgb) img.setRGB(x, y, g << 16 | (g * 9 / 10) << 8 | (g * 8 / 10)); else img.getRaster().setSample(x, y, 0, g);
            }
        }
        return img;
    }

    private static void write(BufferedImage img, Path file, String format) throws IOException {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, format, file.toFile()), "no writer for " + format);
    }

    /**
     * A tree as users have them: per class 28x28 grey PNGs, larger ones, RGB ones, a JPEG with an upper
     * case extension, a folder one level deeper, a folder that is no class of the model, and files the
     * listing must skip.
     */
    private void makeTree() throws IOException {
        Random rng = new Random(5);
        for (String c : CLASSES) {
            for (int i = 0; i < 12; i++) write(garment(c, 28, 28, false, rng), tree.resolve(c).resolve(c + i + ".png"), "png");
            write(garment(c, 56, 56, false, rng), tree.resolve(c).resolve("large.png"), "png");
            write(garment(c, 40, 32, true, rng), tree.resolve(c).resolve("colour.png"), "png");
            write(garment(c, 30, 30, true, rng), tree.resolve(c).resolve("photo.JPG"), "jpg");
            write(garment(c, 28, 28, false, rng), tree.resolve("more").resolve(c).resolve("deeper.png"), "png");
        }
        write(garment("coat", 28, 28, false, rng), tree.resolve("jacket/j.png"), "png");
        Files.writeString(tree.resolve("coat/readme.txt"), "not an image, and not listed");
        write(garment("coat", 28, 28, false, rng), tree.resolve("coat/.hidden.png"), "png");
    }

    private static Graph model() {
        return LayerSpecs.parse(SMALL_CNN, "test model", null).build(11).normalization(new float[] {0.2f}, new float[] {0.3f}).classNames(CLASSES);
    }

    @Test
    void scoringAnImageFolderTreeGivesThePredictionsOfTheCoresOwnPredictionPath() throws IOException {
        makeTree();
        Graph model = model();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(tree)) {
            files = walk.filter(p -> p.toString().matches(".*/[^.][^/]*\\.(png|JPG)")).sorted().toList();
        }
        assertEquals(3 * 16 + 1, files.size());
        // striate predict's way: each file read at the model's input size, then Evaluator.predict
        Tensor x = new Tensor(files.size(), 1, 28, 28);
        for (int i = 0; i < files.size(); i++) ImageReader.read(files.get(i), 1, 28, 28, Resize.AREA, x.data, i * 784);
        int[] labels = new int[files.size()];
        for (int i = 0; i < files.size(); i++) labels[i] = Math.max(0, Arrays.asList(CLASSES).indexOf(files.get(i).getParent().getFileName().toString()));
        // a few steps of training, so that the predictions differ from image to image
        new Trainer(model, TrainOptions.builder().epochs(8).batchSize(8).optimizer(new Adam(5e-3)).build()).fit(new Dataset(x, labels, CLASSES));
        Tensor expected = Evaluator.predict(model, x);

        SparkSession spark = SparkTests.spark();
        List<Row> rows;
        try (SparkScorer scorer = SparkScorer.of(spark, model).allProbabilities(true).batchSize(5)) {
            org.apache.spark.sql.Dataset<Row> scored = scorer.scoreImageFolder(tree.toString());
            assertEquals(List.of("path", "folder", "label", "prediction", "class", "probability", "probabilities"), List.of(scored.schema().fieldNames()));
            rows = scored.collectAsList();
        }
        assertEquals(files.size(), rows.size(), "every image file once, and nothing else");
        Map<Path, Row> byFile = new HashMap<>();
        for (Row r : rows) byFile.put(Path.of(URI.create(r.getString(0))), r);
        int[] predicted = new int[CLASSES.length];
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            Row r = byFile.get(f);
            assertTrue(r != null, "not scored: " + f);
            float[] want = Arrays.copyOfRange(expected.data, i * 3, i * 3 + 3);
            List<Float> all = r.getList(6);
            float[] got = {all.get(0), all.get(1), all.get(2)};
            assertArrayEquals(want, got, SparkTests.SAME_PROBABILITY, f.toString());
            int best = r.getInt(3);
            assertEquals(argmax(want), best, f.toString());
            assertEquals(CLASSES[best], r.getString(4));
            assertEquals(want[best], r.getFloat(5));
            String folder = f.getParent().getFileName().toString();
            assertEquals(folder, r.getString(1));
            int label = Arrays.asList(CLASSES).indexOf(folder);
            if (label < 0) assertNull(r.get(2), f.toString()); else assertEquals(label, r.getInt(2), f.toString());
            predicted[best]++;
        }
        assertTrue(Arrays.stream(predicted).allMatch(n -> n > 0), "the model tells images apart: " + Arrays.toString(predicted));
    }

    @Test
    void aFileThatIsNoImageStopsTheJobWithItsNameInOneLine() throws IOException {
        Random rng = new Random(9);
        write(garment("coat", 28, 28, false, rng), tree.resolve("coat/fine.png"), "png");
        Files.writeString(tree.resolve("coat/notes.png"), "minutes of the meeting");
        Graph model = model();
        SparkSession spark = SparkTests.spark();
        try (SparkScorer scorer = SparkScorer.of(spark, model)) {
            Exception e = assertThrows(Exception.class, () -> scorer.scoreImageFolder(tree.toString()).collectAsList());
            String line = SparkJob.failureLine(e);
            assertMessage(new RuntimeException(line), "notes.png cannot be read as an image", "replace or remove it");
            assertTrue(!line.contains("\n"), line);
            assertTrue(cause(e, DataFormatException.class), "typed: " + e);

            Files.delete(tree.resolve("coat/notes.png"));
            byte[] png = Files.readAllBytes(tree.resolve("coat/fine.png"));
            Files.write(tree.resolve("coat/cut.png"), Arrays.copyOf(png, png.length / 2));
            Exception t = assertThrows(Exception.class, () -> scorer.scoreImageFolder(tree.toString()).count());
            assertMessage(new RuntimeException(SparkJob.failureLine(t)), "cut.png cannot be read as an image");

            assertMessage(assertThrows(SparkInputException.class, () -> scorer.scoreImageFolder(tree.resolve("absent").toString())),
                    "Cannot list image files", "absent");
            assertMessage(assertThrows(SparkInputException.class, () -> scorer.scoreImageFiles(ImageFrames.of(spark, SparkTests.blocks(2, 2, 1)))),
                    "no string column 'path'", "binary-file source");
        }
        Graph flat = LayerSpecs.parse("input 784\ndense 3\n", "test", null).build(1);
        try (SparkScorer scorer = SparkScorer.of(spark, flat)) {
            assertMessage(assertThrows(SparkInputException.class, () -> scorer.scoreImageFolder(tree.toString())), "(C, H, W)");
        }
    }

    @Test
    void smallFilesArePackedIntoTasksOfAboutABatch() throws IOException {
        Random rng = new Random(3);
        for (int i = 0; i < 40; i++) write(garment("coat", 28, 28, false, rng), tree.resolve("coat/" + i + ".png"), "png");
        SparkSession spark = SparkTests.spark();
        spark.conf().set("spark.sql.files.maxPartitionBytes", "40k");
        spark.conf().set("spark.sql.files.openCostInBytes", "4k");
        try {
            org.apache.spark.sql.Dataset<Row> files = ImageFiles.read(spark, tree.toString());
            int listed = files.rdd().getNumPartitions();
            assertTrue(listed >= 4, "the source cuts 40 files of 4 kB opening cost into partitions of 40 kB: " + listed);
            assertEquals(2, ImageFiles.packed(files, 64).rdd().getNumPartitions(), "one batch of files per task, but a task per slot");
            assertEquals(listed, ImageFiles.packed(files, 5).rdd().getNumPartitions(), "already a batch per partition");
            try (SparkScorer scorer = SparkScorer.of(spark, model()).batchSize(64)) {
                assertEquals(40, scorer.scoreImageFiles(files).count());
            }
        } finally {
            spark.conf().unset("spark.sql.files.maxPartitionBytes");
            spark.conf().unset("spark.sql.files.openCostInBytes");
        }
    }

    @Test
    void theFolderIsTheParentDirectorysName() {
        assertEquals("coat", ImageFiles.folder("file:/data/tree/coat/a.png"));
        assertEquals("coat", ImageFiles.folder("s3a://bucket/coat/a.png"));
        assertEquals("", ImageFiles.folder("a.png"));
        assertEquals("*.{[bB][mM][pP],[gG][iI][fF],[jJ][pP][eE][gG],[jJ][pP][gG],[pP][nN][gG]}", ImageFiles.GLOB);
    }

    /** The first largest, as the library predicts. */
    private static int argmax(float[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
        return best;
    }

    private static boolean cause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) if (type.isInstance(t)) return true;
        return false;
    }
}
