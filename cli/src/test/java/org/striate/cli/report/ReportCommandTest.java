package org.striate.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    static final String[] SECTIONS = {"Training", "Training curves", "Test images and the model's answers", "Confusion matrix", "Summary",
        "Learned filters", "Feature maps", "Translation probes"};
    private static final Pattern SRC = Pattern.compile("src=\"([^\"]*)\"");

    static int count(String text, String word) { return text.split(Pattern.quote(word), -1).length - 1; }

    @Test
    void thePageHoldsEverySectionAndOnlyInlinedPictures(@TempDir Path dir) throws Exception {
        ReportFixture f = ReportFixture.create(dir);
        String[] r = f.run();
        assertEquals("0", r[0], String.join("\n", r));
        assertTrue(r[1].contains("index.html") && r[1].contains("model.metrics.csv") && r[1].contains("all 60 test images"), r[1]);
        String html = f.html();
        for (String h : SECTIONS) assertTrue(html.contains("<h2>" + h + "</h2>"), h);
        assertTrue(html.contains("receptive field") && html.contains("maxpool2d_2"), "summary table with receptive fields");
        assertTrue(html.contains("alt=\"Loss per epoch\"") && html.contains("alt=\"Accuracy per epoch\""), "training curves");
        assertEquals(1, count(html, "alt=\"conv2d_1: 8 filters of 1x3x3\""), "the first layer's filters, all of them");
        assertEquals(1, count(html, "alt=\"conv2d_2: 16 filters of 8x3x3 (a row per filter, a column per input channel) (drawn: the first 8 filters)\""),
                "a corner of a deeper layer's filters, saying so");
        assertTrue(html.contains("class=\"ramp\""), "the filters' grey scale");
        assertTrue(html.contains("Accuracy against shift") && html.contains("consistency"), "invariance on the test images");
        assertTrue(html.contains("From maxpool2d_1 on, only multiples of the cumulative stride stay equivariant."), "probe conclusion");
        // the confusion matrix: a header row and 10 class rows whose counts add up to the 60 test images
        int start = html.indexOf("<h2>Confusion matrix</h2>"), end = html.indexOf("<h2>", start + 1);
        String confusion = html.substring(start, end);
        assertEquals(11, count(confusion, "<tr>"));
        Matcher cells = Pattern.compile("<td style=\"[^\"]*\">(\\d+)</td>").matcher(confusion);
        int total = 0, n = 0;
        while (cells.find()) { total += Integer.parseInt(cells.group(1)); n++; }
        assertEquals(100, n);
        assertEquals(60, total);
        assertFalse(html.contains("http://") || html.contains("https://"), "no URL of any kind");
        Matcher m = SRC.matcher(html);
        int pictures = 0;
        while (m.find()) {
            String src = m.group(1);
            assertTrue(src.startsWith("data:image/png;base64,"), src.substring(0, Math.min(40, src.length())));
            byte[] png = Base64.getDecoder().decode(src.substring("data:image/png;base64,".length()));
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
            pictures++;
        }
        assertTrue(pictures >= 10, "pictures: " + pictures);
    }

    @Test
    void withoutDataOrMetricsTheSectionsSaySo(@TempDir Path dir) throws Exception {
        ReportFixture f = ReportFixture.create(dir);
        java.nio.file.Files.delete(dir.resolve("model.metrics.csv"));
        String[] r = f.run("--no-data", "--json");
        assertEquals("0", r[0], String.join("\n", r));
        assertTrue(r[1].contains("\"metrics\":null") && r[1].contains("\"test_images\":0"), r[1]);
        String html = f.html();
        assertTrue(html.contains("No metrics file beside the model"));
        assertTrue(html.contains("No test data given."));
        assertTrue(html.contains("does not say how it was trained"), "no training notes in the fixture's model file");
        assertFalse(html.contains("Accuracy against shift"));
    }

    @Test
    void aMissingMetricsFileIsInvalidInput(@TempDir Path dir) throws Exception {
        ReportFixture f = ReportFixture.create(dir);
        String[] r = f.run("--metrics", dir.resolve("nope.csv").toString());
        assertEquals("2", r[0], String.join("\n", r));
        assertTrue(r[2].contains("nope.csv"), r[2]);
    }

    /** The headline is the figure 'striate eval' prints for the same model and data, and a subset says it is one. */
    @Test
    void theHeadlineIsEvalsAccuracyOrSaysItIsASubset(@TempDir Path dir) throws Exception {
        ReportFixture f = ReportFixture.create(dir);
        String[] ev = f.eval();
        assertEquals("0", ev[0], String.join("\n", ev));
        Matcher acc = Pattern.compile("accuracy (\\d\\.\\d{4}) \\((\\d+) of 60\\)").matcher(ev[1]);
        assertTrue(acc.find(), ev[1]);
        String[] r = f.run();
        assertEquals("0", r[0], String.join("\n", r));
        String html = f.html();
        int headline = html.indexOf("<p class=\"headline\">Test accuracy " + acc.group(1) + "</p>");
        assertTrue(headline > 0 && headline < html.indexOf("<h2>"), "the accuracy of eval, before every section");
        assertTrue(html.contains(acc.group(2) + " of the 60 test images of " + f.data() + " are classified right"), "the count of eval");
        assertTrue(html.contains("the figures striate eval prints"));

        String[] sub = f.run("--test-size", "20");
        assertEquals("0", sub[0], String.join("\n", sub));
        assertTrue(sub[1].contains("the first 20 of 60 test images"), sub[1]);
        assertTrue(f.html().contains("of the first 20 of 60 test images") && f.html().contains("This is a subset (--test-size 20)"), "says it is a subset");
    }

    /** One epoch gives a table and no chart of single points; test images carry the model's answer and the truth. */
    @Test
    void oneEpochReadsAsATableAndSamplesAreLabelled(@TempDir Path dir) throws Exception {
        ReportFixture f = ReportFixture.create(dir);
        // untrained weights, so that some answers are wrong
        org.striate.io.ModelFile.save(org.striate.nn.Zoo.build("small-cnn", new int[] {1, 28, 28}, 10, 3), f.model());
        java.nio.file.Files.writeString(dir.resolve("model.metrics.csv"),
                "epoch,train_loss,train_accuracy,test_loss,test_accuracy,learning_rate,epoch_seconds,elapsed_seconds\n1,2.1,0.31,1.9,0.42,0.001,0.5,0.5\n");
        String[] r = f.run();
        assertEquals("0", r[0], String.join("\n", r));
        String html = f.html();
        assertFalse(html.contains("alt=\"Loss per epoch\""), "no chart of one point");
        assertTrue(html.contains("<td>2.1000</td><td>0.3100</td><td>1.9000</td><td>0.4200</td>"), "the epoch's figures in a table");
        assertTrue(html.contains("one epoch, so the figures are above"));
        assertTrue(html.contains("<td class=\"l\">time</td><td class=\"l\">0.5 s for 1 epoch</td>"), "the time from the CSV");
        Matcher sample = Pattern.compile("<figure class=\"sample( wrong)?\">.*?<figcaption>([^<]+) (\\d\\.\\d\\d)<br>true: ([^<]+)</figcaption>").matcher(html);
        int samples = 0, wrong = 0;
        while (sample.find()) {
            samples++;
            boolean marked = sample.group(1) != null, differs = !sample.group(2).equals(sample.group(4));
            assertEquals(differs, marked, "red exactly when the answer is wrong: " + sample.group());
            if (marked) wrong++;
        }
        assertTrue(samples >= 16, "samples: " + samples);
        assertTrue(html.contains("test image 1: predicted "), "feature maps say what the model answered");
        assertTrue(wrong > 0, "an untrained model makes mistakes");
    }

    /** A graph that answers with maps (a U-Net) still gets its page: the sections that need class scores say why they are empty; the shift probes run through its up-sampling. */
    @Test
    void aSegmentationGraphGetsAPageThatSaysWhatDoesNotApply(@TempDir Path dir) throws Exception {
        ReportFixture f = ReportFixture.create(dir);
        java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
        var cl = org.striate.cli.Striate.commandLine();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = cl.execute("report", "--model", "unet-small", "--out", f.out().toString(), "--data", f.data().toString(), "--samples", "1");
        assertEquals(0, code, out + "\n" + err);
        String html = f.html();
        assertTrue(html.contains("No test accuracy: the model outputs 10x28x28, not a score per class."), "the headline says why");
        assertTrue(html.contains("Equivariance with circular padding") && html.contains("Equivariance with zero padding")
                && !html.contains("The probes do not apply"), "the probes run through the transposed convolutions");
        assertTrue(html.contains("<h2>Feature maps</h2>") && html.contains("<h2>Learned filters</h2>"), "the rest stands");
    }
}
