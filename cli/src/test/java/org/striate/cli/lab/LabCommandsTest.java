package org.striate.cli.lab;

import org.striate.nn.Graph;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.lab.Framed;

class LabCommandsTest {

    @TempDir
    Path tmp;

    /** A 12x16 grey picture, dark left of column 8 and bright from it on. */
    Path stepImage() throws Exception {
        BufferedImage img = new BufferedImage(16, 12, BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < 12; r++) for (int c = 0; c < 16; c++) img.getRaster().setSample(c, r, 0, c >= 8 ? 255 : 0);
        Path f = tmp.resolve("step.png");
        ImageIO.write(img, "png", f.toFile());
        return f;
    }

    @Test
    void edgesWritesOnePngPerFilterAndTheValuesAsJson() throws Exception {
        Path out = tmp.resolve("edges");
        LabCli r = LabCli.run("lab", "edges", stepImage().toString(), "--out", out.toString(), "--zoom", "2");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("image " + tmp.resolve("step.png") + ": 12x16 grey -> 4 maps of 10x14 (3x3 filters, no padding)"), r::toString);
        assertTrue(r.out().contains("vertical   [[-1,0,1],[-1,0,1],[-1,0,1]]  min    0.000  max    3.000"), r::toString);
        for (String f : new String[] {"vertical", "horizontal", "sobel-x", "sobel-y"}) {
            BufferedImage img = ImageIO.read(out.resolve("edges-" + f + ".png").toFile());
            assertNotNull(img, f);
            assertTrue(img.getWidth() >= 28 + 2 * Framed.LEFT && img.getHeight() > 20 + Framed.TOP, f + " framed");
        }
        LabCli j = LabCli.run("lab", "edges", stepImage().toString(), "--out", out.toString(), "--filters", "horizontal", "--json");
        assertEquals(0, j.code(), j::toString);
        assertTrue(j.out().contains("\"filter\": \"horizontal\""), j::toString);
        assertTrue(j.out().contains("\"max\": 0.0, \"png\""), j::toString);
    }

    @Test
    void convAsDenseDefaultLayerMatchesAndPrintsThePattern() {
        LabCli r = LabCli.run("lab", "conv-as-dense");
        assertEquals(0, r.code(), r::toString);
        // conv 2 3x3 on 1x5x5: 18 outputs x 25 inputs; 2·9·9 = 162 non-zero, 18 distinct weights
        assertTrue(r.out().contains("dense matrix: 18 rows (outputs 2x3x3) x 25 columns (inputs 1x5x5) = 450 entries"), r::toString);
        assertTrue(r.out().contains("non-zero entries: 162 (36.000% of all)"), r::toString);
        assertTrue(r.out().contains("(match)") && !r.out().contains("MISMATCH"), r::toString);
        assertTrue(r.out().contains("abc..def..ghi............"), r::toString);
        LabCli j = LabCli.run("lab", "conv-as-dense", "--input", "4x9x9", "--conv", "conv 6 3x3 stride=2 pad=1 dilation=2 groups=2", "--json");
        assertEquals(0, j.code(), j::toString);
        assertTrue(j.out().contains("\"spec\": \"conv 6 3x3 stride=2 pad=1 dilation=2 groups=2\""), j::toString);
    }

    @Test
    void convAsDenseRejectsANonConvLayerInOneLine() {
        LabCli r = LabCli.run("lab", "conv-as-dense", "--conv", "dense 4", "--input", "4");
        assertEquals(2, r.code(), r::toString);
        assertEquals(1, r.err().lines().filter(l -> !l.isBlank()).count(), r::toString);
        assertTrue(r.err().contains("Expected a convolution"), r::toString);
    }

    @Test
    void filtersAndFeatureMapsOfABuiltInModel() throws Exception {
        Path out = tmp.resolve("lab");
        LabCli f = LabCli.run("lab", "filters", "--model", "lenet5", "--out", out.toString());
        assertEquals(0, f.code(), f::toString);
        assertTrue(Files.exists(out.resolve("filters-00-conv2d_1.png")), f::toString);
        assertTrue(Files.exists(out.resolve("filters-03-conv2d_2.png")), f::toString);
        LabCli m = LabCli.run("lab", "featuremaps", "--model", "lenet5", stepImage().toString(), "--out", out.toString(), "--json");
        assertEquals(0, m.code(), m::toString);
        BufferedImage first = ImageIO.read(out.resolve("maps-00-conv2d_1.png").toFile());
        // 6 maps of 28x28, 3 columns, zoom 2: 3·56 + 2·2 = 172 wide, 2·56 + 2 = 114 high, with a title and a ramp around them
        assertTrue(first.getWidth() >= 172 + 2 * Framed.LEFT && first.getHeight() > 114 + Framed.TOP);
        assertEquals(255, first.getRaster().getSample(Framed.LEFT + 57, Framed.TOP + 10, 0), "the white gap after the first map");
        assertTrue(m.out().contains("\"layer\": \"dense_3\", \"type\": \"Dense\", \"shape\": [10]"), m::toString);
    }

    /** A saved model file draws its own weights: the first tile's grey level follows the stored first weight. */
    @Test
    void filtersOfAModelFile() throws Exception {
        org.striate.nn.Graph m = org.striate.nn.Zoo.build("fashion-cnn", 3);
        java.util.Arrays.fill(m.params(), 0, 9, 0f);
        m.params()[0] = 1f; // filter 0: only its top-left weight, positive → white; the rest mid grey
        Path file = tmp.resolve("m.striate");
        org.striate.io.ModelFile.save(m, file);
        Path out = tmp.resolve("filters");
        LabCli r = LabCli.run("lab", "filters", "--model", file.toString(), "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("\"filters\": 32, \"channels_per_filter\": 1, \"kernel\": [3,3], \"grid\": [6,6]"), r::toString);
        BufferedImage img = ImageIO.read(out.resolve("filters-00-conv2d_1.png").toFile());
        assertEquals(255, img.getRaster().getSample(Framed.LEFT + 4, Framed.TOP + 4, 0));
        assertEquals(128, img.getRaster().getSample(Framed.LEFT + 12, Framed.TOP + 4, 0));
    }

    @Test
    void labWithoutExperimentListsThem() {
        LabCli r = LabCli.run("lab");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("edges") && r.err().contains("conv-as-dense"), r::toString);
        LabCli h = LabCli.run("lab", "edges", "--help");
        assertEquals(0, h.code(), h::toString);
        assertTrue(h.out().contains("--out=DIR"), h::toString);
    }

    /** Every experiment that writes pictures writes them into its own folder by default, never the current one. */
    @Test
    void picturesGoToAFolderOfTheirOwnByDefault() {
        picocli.CommandLine lab = new picocli.CommandLine(new LabCommand());
        int withOut = 0;
        for (var e : lab.getSubcommands().entrySet()) {
            picocli.CommandLine.Model.OptionSpec out = e.getValue().getCommandSpec().findOption("--out");
            if (out == null) continue;
            withOut++;
            assertEquals("lab/" + e.getKey(), out.defaultValue(), e.getKey());
            assertTrue(!out.required(), e.getKey());
        }
        assertEquals(7, withOut, "edges, filters, featuremaps, invariance, efficiency, position (several sizes), claims");
    }
}
