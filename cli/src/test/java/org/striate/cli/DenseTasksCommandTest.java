package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dense tasks end to end on scenes built from TinyData's squares: write the scenes, train a tiny
 * model for each task for one epoch, run it on a scene, and refuse bad input with exit code 2.
 */
class DenseTasksCommandTest {
    @TempDir
    Path tmp;

    private Path spec(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void dataScenesWritesImagesMasksAndBoxes() throws Exception {
        Path data = TinyData.write(tmp.resolve("garments"), 40, 20, 3);
        Cli r = Cli.run("data", "scenes", "--data", data.toString(), "--out", tmp.resolve("scenes").toString(), "--scenes", "6", "--test-scenes", "3");
        assertEquals(0, r.code(), r.err());
        BufferedImage image = ImageIO.read(tmp.resolve("scenes/train/images/00005.png").toFile());
        BufferedImage mask = ImageIO.read(tmp.resolve("scenes/test/masks/00002.png").toFile());
        assertEquals(64, image.getWidth());
        assertEquals(64, mask.getHeight());
        List<String> rows = Files.readAllLines(tmp.resolve("scenes/train/boxes.csv"));
        assertEquals("image,class,name,x0,y0,x1,y1", rows.get(0));
        assertTrue(rows.size() >= 7, "at least one box per scene: " + rows);
        // every box's top-left pixel area holds something: the mask under a box is not all background
        String[] first = rows.get(1).split(",");
        BufferedImage firstMask = ImageIO.read(tmp.resolve("scenes/train/masks/" + first[0]).toFile());
        boolean any = false;
        for (int y = Integer.parseInt(first[4]); y < Integer.parseInt(first[6]); y++) {
            for (int x = Integer.parseInt(first[3]); x < Integer.parseInt(first[5]); x++) any |= firstMask.getRaster().getSample(x, y, 0) != 0;
        }
        assertTrue(any, "box " + rows.get(1) + " covers only background");
    }

    @Test
    void segmentTrainsAndWritesAMaskAndAnOverlay() throws Exception {
        Path data = TinyData.write(tmp.resolve("garments"), 40, 20, 4);
        Path model = tmp.resolve("seg.striate");
        Cli r = Cli.run("train", "--task", "segment", "--model", spec("seg.spec", "conv 4 3x3 pad=1\nrelu\nconv 11 1x1\n").toString(),
                "--data", data.toString(), "--scenes", "8", "--test-scenes", "4", "--epochs", "1", "--out", model.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"mean_iou\":") && r.out().contains("\"pixel_accuracy\":"), r.out());
        String notes = org.striate.io.ModelFile.load(model).training();
        assertTrue(notes.startsWith("task: segment\n") && notes.contains("\ntraining images: 8\n") && notes.contains("\nepochs: 1\n"), notes);
        Cli.run("data", "scenes", "--data", data.toString(), "--out", tmp.resolve("scenes").toString(), "--scenes", "1", "--test-scenes", "1");
        Path mask = tmp.resolve("mask.png");
        Cli s = Cli.run("segment", "--model", model.toString(), tmp.resolve("scenes/test/images/00000.png").toString(), "--out", mask.toString(), "--zoom", "2");
        assertEquals(0, s.code(), s.err());
        assertEquals(128, ImageIO.read(mask.toFile()).getWidth());
        assertTrue(Files.isRegularFile(tmp.resolve("mask-overlay.png")));
        Cli bad = Cli.run("segment", "--model", model.toString(), tmp.resolve("missing.png").toString(), "--out", mask.toString());
        assertEquals(2, bad.code());
        assertEquals(1, bad.err().strip().lines().filter(l -> !l.startsWith("WARNING")).count(), bad.err());
    }

    @Test
    void upscaleTrainsReportsPsnrAndEnlargesAnImageOfAnySize() throws Exception {
        Path data = TinyData.write(tmp.resolve("garments"), 64, 16, 5);
        Path model = tmp.resolve("sr.striate");
        Path sr = spec("sr.spec", "upsample 2 mode=bilinear name=base\nconv 4 3x3 pad=1\nrelu\nconv 1 3x3 pad=1 name=residual\nadd in=residual,base\n");
        Cli r = Cli.run("train", "--task", "upscale", "--model", sr.toString(), "--data", data.toString(), "--epochs", "2", "--out", model.toString(),
                "--lr", "0.004", "--lr-schedule", "step,every=1,gamma=0.5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("dB") && r.out().contains("bicubic"), r.out());
        // the schedule is followed, as in classification: the metrics file records the rate of each epoch
        List<String> metrics = Files.readAllLines(ModelTarget.metricsFile(model));
        assertTrue(metrics.get(1).contains(",0.00400000,") && metrics.get(2).contains(",0.00200000,"), String.join("\n", metrics));
        // an option the dense tasks would ignore is refused by name
        Cli ignored = Cli.run("train", "--task", "upscale", "--model", sr.toString(), "--data", data.toString(), "--early-stop", "2");
        assertEquals(2, ignored.code());
        assertTrue(ignored.err().contains("--early-stop applies to classification only"), ignored.err());
        BufferedImage small = new BufferedImage(10, 6, BufferedImage.TYPE_BYTE_GRAY);
        Path in = tmp.resolve("small.png"), out = tmp.resolve("big.png");
        ImageIO.write(small, "png", in.toFile());
        Cli u = Cli.run("upscale", "--model", model.toString(), in.toString(), "--out", out.toString());
        assertEquals(0, u.code(), u.err());
        BufferedImage big = ImageIO.read(out.toFile());
        assertEquals(20, big.getWidth());
        assertEquals(12, big.getHeight());
        Path seg = tmp.resolve("not-sr.striate");
        Cli.run("train", "--model", "small-mlp", "--data", data.toString(), "--epochs", "1", "--out", seg.toString());
        assertEquals(2, Cli.run("upscale", "--model", seg.toString(), in.toString(), "--out", out.toString()).code());
    }

    @Test
    void detectTrainsReportsMapAndDrawsBoxes() throws Exception {
        Path data = TinyData.write(tmp.resolve("garments"), 40, 20, 6);
        Path model = tmp.resolve("det.striate");
        Cli r = Cli.run("train", "--task", "detect", "--model", spec("det.spec", "maxpool 8\nconv 8 3x3 pad=1\nrelu\nconv {classes+5} 1x1\n".replace("{classes+5}", "15")).toString(),
                "--data", data.toString(), "--scenes", "8", "--test-scenes", "4", "--epochs", "1", "--out", model.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"map50\":") && r.out().contains("\"map50_95\":"), r.out());
        Cli.run("data", "scenes", "--data", data.toString(), "--out", tmp.resolve("scenes").toString(), "--scenes", "1", "--test-scenes", "1");
        Path boxes = tmp.resolve("boxes.png");
        Cli d = Cli.run("detect", "--model", model.toString(), tmp.resolve("scenes/test/images/00000.png").toString(), "--out", boxes.toString(),
                "--min-score", "0", "--json");
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().startsWith("{\"image\":") && d.out().contains("\"boxes\":["), d.out());
        assertEquals(256, ImageIO.read(boxes.toFile()).getWidth());
        assertEquals(2, Cli.run("detect", "--model", model.toString(), "x.png", "--out", boxes.toString(), "--min-score", "2").code());
        assertEquals(2, Cli.run("train", "--task", "count", "--data", data.toString()).code());
    }
}
