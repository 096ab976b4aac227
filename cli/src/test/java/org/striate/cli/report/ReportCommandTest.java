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
    private static final Pattern SRC = Pattern.compile("src=\"([^\"]*)\"");

    static int count(String text, String word) { return text.split(Pattern.quote(word), -1).length - 1; }

    @Test
    void thePageHoldsEverySectionAndOnlyInlinedPictures(@TempDir Path dir) throws Exception {
        ReportFixture f = ReportFixture.create(dir);
        String[] r = f.run();
        assertEquals("0", r[0], String.join("\n", r));
        assertTrue(r[1].contains("index.html") && r[1].contains("model.metrics.csv") && r[1].contains("60 test images"), r[1]);
        String html = f.html();
        for (String h : new String[] {"Summary", "Training curves", "Learned filters", "Feature maps", "Confusion matrix", "Translation probes"}) {
            assertTrue(html.contains("<h2>" + h + "</h2>"), h);
        }
        assertTrue(html.contains("receptive field") && html.contains("maxpool2d_2"), "summary table with receptive fields");
        assertTrue(html.contains("alt=\"Loss per epoch\"") && html.contains("alt=\"Accuracy per epoch\""), "training curves");
        assertEquals(2, count(html, "alt=\"conv2d_1: 8 filters of 1x3x3") + count(html, "alt=\"conv2d_2: 16 filters of 8x3x3"), "one filter grid per convolution");
        assertTrue(html.contains("Accuracy against shift") && html.contains("consistency"), "invariance on the test images");
        assertTrue(html.contains("From maxpool2d_1 on, only multiples of the cumulative stride stay equivariant."), "probe conclusion");
        // the confusion matrix: a header row and 10 class rows whose counts add up to the 60 test images
        int start = html.indexOf("<h2>Confusion matrix</h2>"), end = html.indexOf("<h2>Translation probes</h2>");
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
        assertFalse(html.contains("Accuracy against shift"));
    }

    @Test
    void aMissingMetricsFileIsInvalidInput(@TempDir Path dir) throws Exception {
        ReportFixture f = ReportFixture.create(dir);
        String[] r = f.run("--metrics", dir.resolve("nope.csv").toString());
        assertEquals("2", r[0], String.join("\n", r));
        assertTrue(r[2].contains("nope.csv"), r[2]);
    }
}
