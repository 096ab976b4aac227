package org.striate.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.data.Dataset;
import org.striate.nn.Conv2d;
import org.striate.nn.Dense;
import org.striate.nn.Flatten;
import org.striate.nn.ReLU;
import org.striate.nn.Sequential;
import org.striate.tensor.Tensor;
import org.striate.train.History;
import org.striate.train.LearningRateSchedule;
import org.striate.train.TrainOptions;
import org.striate.train.Trainer;

/**
 * Event files read back by TensorBoard's own Python code (its record reader checks both CRC-32C sums of
 * every record; EventAccumulator is what its pages read): the values, histograms and images must be
 * those written. Skipped when Python's tensorboard package is missing ({@code .ci/run} installs it).
 */
class TensorBoardRoundTripTest {

    @TempDir
    static Path tmp;
    /** Folder → what the Python reader found there; read once for all tests, as importing tensorboard takes seconds. */
    static Map<String, Object> found;
    static float[] values;
    static BufferedImage picture;
    static History fit;

    /** Writes the three runs the tests check, then reads them back in one Python process. */
    @BeforeAll
    @SuppressWarnings("unchecked")
    static void writeAndReadBack() throws Exception {
        values = new float[1000];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < values.length; i++) values[i] = (float) (r.nextGaussian() * 0.5 + 0.1);
        picture = new BufferedImage(7, 5, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 5; y++) for (int x = 0; x < 7; x++) picture.getRaster().setSample(x, y, 0, 30 * x + y);
        try (EventFileWriter w = EventFileWriter.create(tmp.resolve("written"))) {
            for (int s = 1; s <= 5; s++) w.scalar("loss", s, 1.0 / s);
            w.scalar("big_step", 3_000_000_000L, -2.5);
            w.histogram("weights/dense", 7, values, 100, 900);
            w.image("filters", 2, picture);
        }
        Path file;
        try (EventFileWriter w = EventFileWriter.create(tmp.resolve("corrupt"))) {
            w.scalar("loss", 1, 0.5);
            file = w.file();
        }
        byte[] b = Files.readAllBytes(file);
        b[b.length - 6] ^= 0x01;       // inside the last event's data
        Files.write(file, b);
        Dataset train = bars(96, 1), test = bars(32, 2);
        Sequential model = Sequential.builder(1, 8, 8).add(new Conv2d(2, 3)).add(new ReLU()).add(new Flatten()).add(new Dense(2)).build(3);
        try (EventFileWriter w = EventFileWriter.create(tmp.resolve("fit"))) {
            LearningRateSchedule schedule = LearningRateSchedule.step(1, 0.5);
            fit = new Trainer(model, TrainOptions.builder().epochs(2).batchSize(16).schedule(schedule).validation(test)
                    .listener(new TensorBoardListener(w, model, 1e-3, schedule, test)).build()).fit(train);
        }
        if (!tensorBoardPresent()) return;
        Path script = tmp.resolve("read_events.py");
        try (InputStream in = TensorBoardRoundTripTest.class.getResourceAsStream("read_events.py")) {
            Files.write(script, in.readAllBytes());
        }
        Process p = new ProcessBuilder("python3", script.toString(), tmp.resolve("written").toString(), tmp.resolve("corrupt").toString(),
                tmp.resolve("fit").toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "the reader failed: " + out);
        found = (Map<String, Object>) MiniJson.parse(out);
    }

    static boolean tensorBoardPresent() throws Exception {
        try {
            Process check = new ProcessBuilder("python3", "-c", "import tensorboard").redirectErrorStream(true).start();
            try {
                return check.waitFor(120, TimeUnit.SECONDS) && check.exitValue() == 0;
            } finally {
                check.destroyForcibly();
            }
        } catch (java.io.IOException e) {
            return false;        // no python3 at all
        }
    }

    /** What the reader found in one of the folders; skips (with a message) when Python's tensorboard is missing. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> read(String folder) {
        Assumptions.assumeTrue(found != null,
                "Python's tensorboard package is missing, so event files are not read back. Install it with 'pip install tensorboard'.");
        return (Map<String, Object>) found.get(tmp.resolve(folder).toString());
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> m, String... keys) {
        Object o = m;
        for (String k : keys) o = ((Map<String, Object>) o).get(k);
        return (T) o;
    }

    static double num(Object o) { return ((Number) o).doubleValue(); }

    @Test
    void scalarsHistogramsAndImagesComeBackAsWritten() {
        Map<String, Object> tb = read("written");
        assertEquals(List.of("brain.Event:2"), tb.get("file_versions"));
        assertEquals(9.0, num(tb.get("records")), "version + 6 scalars + histogram + image");
        List<List<Object>> loss = at(tb, "scalars", "loss");
        assertEquals(5, loss.size());
        for (int s = 1; s <= 5; s++) {
            assertEquals(s, num(loss.get(s - 1).get(0)));
            assertEquals((float) (1.0 / s), (float) num(loss.get(s - 1).get(1)));
        }
        List<List<Object>> big = at(tb, "scalars", "big_step");
        assertEquals(3_000_000_000.0, num(big.get(0).get(0)), "steps are 64-bit");
        assertEquals(-2.5, num(big.get(0).get(1)));

        List<Object> h = ((List<List<Object>>) at(tb, "histograms", "weights/dense")).get(0);
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE, sum = 0, squares = 0;
        for (int i = 100; i < 900; i++) { min = Math.min(min, values[i]); max = Math.max(max, values[i]); sum += values[i]; squares += (double) values[i] * values[i]; }
        assertEquals(7.0, num(h.get(0)));
        assertEquals(min, num(h.get(1)), 0.0);
        assertEquals(max, num(h.get(2)), 0.0);
        assertEquals(800.0, num(h.get(3)));
        assertEquals(sum, num(h.get(4)), 1e-9);
        assertEquals(squares, num(h.get(5)), 1e-9);
        List<Object> limits = (List<Object>) h.get(6), counts = (List<Object>) h.get(7);
        assertEquals(EventFileWriter.BUCKETS, limits.size());
        assertEquals(max, num(limits.get(limits.size() - 1)), 0.0);
        double total = 0;
        for (Object c : counts) total += num(c);
        assertEquals(800.0, total, "every value in a bucket");
        // bucket b holds the values in (limit[b-1], limit[b]]
        int inFirst = 0;
        for (int i = 100; i < 900; i++) if (values[i] <= num(limits.get(0))) inFirst++;
        assertEquals(inFirst, num(counts.get(0)), 1.0);

        List<Object> image = ((List<List<Object>>) at(tb, "images", "filters")).get(0);
        assertEquals(2.0, num(image.get(0)));
        assertEquals(7.0, num(image.get(1)));
        assertEquals(5.0, num(image.get(2)));
        assertEquals("89504e470d0a1a0a", image.get(3), "a PNG");
        assertEquals(org.striate.lab.MapImages.png(picture).length, num(image.get(4)));
    }

    /** One flipped byte fails the reader's CRC check: the check the round trip above relies on is real. */
    @Test
    void theReaderRejectsACorruptedRecord() {
        Map<String, Object> tb = read("corrupt");
        assertTrue(String.valueOf(tb.get("error")).contains("crc32"), tb.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFitWritesItsFiguresWeightsAndPictures() {
        History h = fit;
        Map<String, Object> tb = read("fit");
        List<List<Object>> trainLoss = at(tb, "scalars", "epoch/train_loss"), valAcc = at(tb, "scalars", "epoch/val_accuracy");
        for (int e = 0; e < 2; e++) {
            assertEquals((float) h.epoch(e).trainLoss(), (float) num(trainLoss.get(e).get(1)));
            assertEquals((float) h.epoch(e).validationAccuracy(), (float) num(valAcc.get(e).get(1)));
        }
        List<List<Object>> lr = at(tb, "scalars", "step/learning_rate");
        assertEquals(12, lr.size(), "6 steps per epoch, every step");
        assertEquals(1e-3, num(lr.get(0).get(1)), 1e-9);
        assertEquals(5e-4, num(lr.get(11).get(1)), 1e-9);
        List<List<Object>> w0 = at(tb, "histograms", "weights/conv2d_1"), g = at(tb, "histograms", "gradients/dense_1");
        assertEquals(3, w0.size(), "before training and after each epoch");
        assertEquals(2 * 9 + 2, num(w0.get(0).get(3)), "conv weights and biases");
        assertEquals(2, g.size());
        Map<String, Object> images = at(tb, "images");
        assertTrue(images.containsKey("filters/conv2d_1") && images.containsKey("input") && images.containsKey("feature_maps/conv2d_1"), images.keySet().toString());
        // measured over step 2, the one after the first, and step 11, the one after the tenth
        List<List<Object>> ratio = at(tb, "scalars", "update_ratio/conv2d_1");
        assertEquals(2.0, num(ratio.get(0).get(0)));
        assertEquals(11.0, num(ratio.get(1).get(0)));
        assertTrue(num(ratio.get(0).get(1)) > 0 && num(ratio.get(1).get(1)) > 0, "the weights moved");
    }

    /** Horizontal (0) or vertical (1) bars on 8×8 noise. */
    static Dataset bars(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        Tensor x = new Tensor(n, 1, 8, 8);
        int[] labels = new int[n];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < 64; i++) x.data[s * 64 + i] = r.nextFloat() * 0.3f;
            labels[s] = r.nextInt(2);
            int line = r.nextInt(8);
            for (int k = 1; k < 7; k++) x.data[s * 64 + (labels[s] == 1 ? k * 8 + line : line * 8 + k)] = 0.9f;
        }
        return new Dataset(x, labels, new String[] {"horizontal", "vertical"});
    }

}
