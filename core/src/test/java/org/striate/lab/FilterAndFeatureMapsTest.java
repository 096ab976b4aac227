package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.StriateException;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;

class FilterAndFeatureMapsTest {

    static final String SPEC = "input 1x12x12\nconv 6 3x3 pad=1\nrelu\nconv 4 5x5 stride=2\nrelu\nflatten\ndense 3";

    /*
     * conv 1: 6 filters, 1 channel → 3 columns (⌈√6⌉), 2 rows; tiles 3·8 = 24 px, gap 2: 3·24 + 2·2 = 76 wide, 2·24 + 2 = 50 high.
     * conv 2: 4 filters × 6 channels → 4 rows × 6 columns, tiles 5·4 = 20 px: 6·20 + 5·2 = 130 wide, 4·20 + 3·2 = 86 high.
     */
    @Test
    void filterGridPerConvLayerHasTheTileLayout(@TempDir Path dir) throws IOException {
        Graph m = ReceptiveFieldTest.model(SPEC);
        List<FilterGrid.Drawn> drawn = FilterGrid.write(m, dir);
        assertEquals(2, drawn.size());
        assertEquals(dir.resolve("filters-00-conv2d_1.png"), drawn.get(0).png());
        int[][] sizes = {{76, 50}, {130, 86}};
        int[] convs = {0, 2};
        for (int i = 0; i < 2; i++) {
            BufferedImage img = ImageIO.read(drawn.get(i).png().toFile());
            assertNotNull(img);
            BufferedImage raw = FilterGrid.image(m.layer(convs[i]).filters());
            assertEquals(sizes[i][0], raw.getWidth(), "width of " + drawn.get(i).png());
            assertEquals(sizes[i][1], raw.getHeight(), "height of " + drawn.get(i).png());
            FramedTest.assertHolds(img, raw);
            assertEquals(img.getWidth(), drawn.get(i).width(), "the size of the file");
        }
        assertEquals(4, drawn.get(1).rows());
        assertEquals(6, drawn.get(1).columns());
        assertTrue(FilterGrid.json(drawn).contains("\"grid\": [4,6]"));
        // the numbers behind the picture: conv 2's 4·6·5·5 weights, in the order of the tiles
        float[] w = drawn.get(1).weights();
        assertEquals(4 * 6 * 25, w.length);
        int offset = ((org.striate.nn.Conv2d) m.layer(2)).paramOffset();
        for (int i = 0; i < w.length; i++) assertEquals(m.params()[offset + i], w[i], 0, "weight " + i);
        assertTrue(FilterGrid.json(drawn.subList(0, 1)).contains("\"weights\": [" + m.params()[0] + "," + m.params()[1] + ","),
                FilterGrid.json(drawn.subList(0, 1)));
    }

    /** Symmetric scale: 0 is mid grey, the largest magnitude is black or white, whatever its sign. */
    @Test
    void filterTilesShowTheSignOfEachWeight() {
        Graph m = ReceptiveFieldTest.model("input 1x5x5\nconv 1 3x3 bias=false");
        float[] w = {-2, 0, 2, -1, 0, 1, -2, 0, 1};
        System.arraycopy(w, 0, m.params(), 0, 9);
        BufferedImage img = FilterGrid.image(m.layer(0).filters());
        assertEquals(24, img.getWidth());
        int[] expected = {0, 128, 255, 64, 128, 191, 0, 128, 191};
        for (int k = 0; k < 9; k++) assertEquals(expected[k], img.getRaster().getSample((k % 3) * 8 + 4, (k / 3) * 8 + 4, 0), "weight " + k);
    }

    @Test
    void featureMapsForEveryLayerOfOneImage(@TempDir Path dir) throws IOException {
        Graph m = ReceptiveFieldTest.model(SPEC);
        Tensor image = EdgeFiltersTest.step(24, 24, 12, false); // resized to the model's 12x12
        List<FeatureMaps.Activation> acts = FeatureMaps.write(FeatureMaps.run(m, FeatureMaps.prepare(m, image)), dir);
        assertEquals(6, acts.size());
        assertArrayEquals(new int[] {6, 12, 12}, acts.get(0).shape());
        assertArrayEquals(new int[] {4, 4, 4}, acts.get(2).shape());
        // relu outputs are never negative; flatten of 64 values and dense 3 are drawn as strips
        assertTrue(acts.get(1).min() >= 0);
        assertTrue(acts.get(1).zeroFraction() > 0);
        // 6 maps of 12x12 in a 3x3 grid, zoom 56/12 = 4: 3·48 + 2·2 = 148 px
        BufferedImage first = ImageIO.read(acts.get(0).png().toFile());
        BufferedImage firstMaps = first.getSubimage(Framed.LEFT, Framed.TOP, 148, 2 * 48 + 2);
        assertEquals(255, firstMaps.getRaster().getSample(48, 10, 0), "the gap between maps is white");
        assertTrue(first.getWidth() >= 148 + 2 * Framed.LEFT && first.getHeight() > 2 * 48 + 2 + Framed.TOP);
        // 4 maps of 4x4 in a 2x2 grid, zoom 14: 2·56 + 2 = 114; the dense layer's 3 values as a strip of 24-pixel cells
        BufferedImage third = ImageIO.read(acts.get(2).png().toFile());
        assertTrue(third.getWidth() >= 114 + 2 * Framed.LEFT);
        BufferedImage dense = ImageIO.read(acts.get(5).png().toFile());
        float[] y3 = acts.get(5).values();
        int top = y3[0] >= y3[1] && y3[0] >= y3[2] ? 0 : y3[1] >= y3[2] ? 1 : 2;
        assertEquals(255, dense.getRaster().getSample(Framed.LEFT + top * 24 + 12, Framed.TOP + 12, 0), "the largest value is white");
        // the last activation equals a plain forward pass of the whole model
        float[] y = m.forward(FeatureMaps.prepare(m, image), false).data;
        for (int i = 0; i < 3; i++) assertEquals(y[i], acts.get(5).values()[i], 0f);
        String json = FeatureMaps.json(acts);
        assertTrue(json.contains("\"layer\": \"dense_1\", \"type\": \"Dense\", \"shape\": [3]"), json);
    }

    @Test
    void largeFlatOutputsAreNotDrawn(@TempDir Path dir) {
        Graph m = ReceptiveFieldTest.model("input 1x28x28\nconv 1 1x1\nflatten");
        List<FeatureMaps.Activation> acts = FeatureMaps.write(FeatureMaps.run(m, new Tensor(1, 1, 28, 28)), dir);
        assertNotNull(acts.get(0).png());
        assertNull(acts.get(1).png());
    }

    @Test
    void imageWithTheWrongChannelCountIsRejected() {
        Graph m = ReceptiveFieldTest.model(SPEC);
        StriateException e = assertThrows(StriateException.class, () -> FeatureMaps.prepare(m, new Tensor(1, 3, 12, 12)));
        assertTrue(e.getMessage().startsWith("The model expects input (1, 12, 12) but the image has 3 channel(s)."), e.getMessage());
    }
}
