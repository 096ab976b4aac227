package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import org.striate.tensor.Tensor;

class EdgeFiltersTest {

    /** 8 rows × 10 columns: dark (0) left of column {@code at}, bright (1) from it on; transposed when asked. */
    static Tensor step(int h, int w, int at, boolean horizontal) {
        Tensor t = new Tensor(1, 1, h, w);
        for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) t.set((horizontal ? r : c) >= at ? 1f : 0f, 0, 0, r, c);
        return t;
    }

    /*
     * A vertical step at column 5, valid 3x3 windows: output column j reads input columns j..j+2, so
     * vertical = Σ over 3 rows of (x[j+2] − x[j]) = 3 for j in {3, 4} (the window straddles the step)
     * and 0 elsewhere; Sobel x weighs the rows 1, 2, 1 → 4; the horizontal filters see no change → 0.
     */
    @Test
    void verticalStepLightsUpOnlyTheVerticalFilters() {
        List<EdgeFilters.FeatureMap> maps = EdgeFilters.apply(step(8, 10, 5, false), EdgeFilters.all(), false);
        assertEquals(4, maps.size());
        for (EdgeFilters.FeatureMap m : maps) {
            assertEquals(6, m.h());
            assertEquals(8, m.w());
        }
        for (int r = 0; r < 6; r++) {
            for (int c = 0; c < 8; c++) {
                boolean onEdge = c == 3 || c == 4;
                assertEquals(onEdge ? 3f : 0f, maps.get(0).get(r, c), "vertical at " + r + "," + c);
                assertEquals(0f, maps.get(1).get(r, c), "horizontal at " + r + "," + c);
                assertEquals(onEdge ? 4f : 0f, maps.get(2).get(r, c), "sobel-x at " + r + "," + c);
                assertEquals(0f, maps.get(3).get(r, c), "sobel-y at " + r + "," + c);
            }
        }
    }

    @Test
    void horizontalStepLightsUpOnlyTheHorizontalFilters() {
        List<EdgeFilters.FeatureMap> maps = EdgeFilters.apply(step(10, 8, 5, true), EdgeFilters.all(), false);
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 6; c++) {
                boolean onEdge = r == 3 || r == 4;
                assertEquals(0f, maps.get(0).get(r, c));
                assertEquals(onEdge ? 3f : 0f, maps.get(1).get(r, c));
                assertEquals(0f, maps.get(2).get(r, c));
                assertEquals(onEdge ? 4f : 0f, maps.get(3).get(r, c));
            }
        }
    }

    /** 'same' zero padding keeps the size but invents an edge where the bright side meets the padding. */
    @Test
    void samePaddingAddsAFalseEdgeAtTheBorder() {
        EdgeFilters.FeatureMap v = EdgeFilters.apply(step(8, 10, 5, false), List.of(EdgeFilters.VERTICAL), true).get(0);
        assertEquals(8, v.h());
        assertEquals(10, v.w());
        assertEquals(3f, v.get(4, 4));      // the real edge: columns 3..5 straddle it
        assertEquals(3f, v.get(4, 5));
        assertEquals(-3f, v.get(4, 9));     // bright column 8 minus padding 0
        assertEquals(2f, v.get(0, 4));      // top row: one of the three kernel rows lies in the padding
        assertEquals(0f, v.get(4, 0));      // dark side next to padding: no response
    }

    @Test
    void pngFilesOpenWithImageIoAndHaveTheMapSize(@TempDir Path dir) throws IOException {
        List<EdgeFilters.FeatureMap> maps = EdgeFilters.apply(step(8, 10, 5, false), EdgeFilters.all(), false);
        List<Path> files = EdgeFilters.writePngs(maps, dir, 3);
        assertEquals(4, files.size());
        assertEquals(dir.resolve("edges-vertical.png"), files.get(0));
        for (Path f : files) {
            BufferedImage img = ImageIO.read(f.toFile());
            assertNotNull(img, f.toString());
            assertTrue(img.getWidth() >= 8 * 3 + 2 * Framed.LEFT && img.getHeight() > 6 * 3 + Framed.TOP, f.toString());
        }
        BufferedImage v = ImageIO.read(files.get(0).toFile());
        FramedTest.assertHolds(v, MapImages.image(maps.get(0).plane(), MapImages.Scale.MIN_MAX, 3));
        assertEquals(255, v.getRaster().getSample(Framed.LEFT + 3 * 3, Framed.TOP, 0), "the edge (max) is white");
        assertEquals(0, v.getRaster().getSample(Framed.LEFT, Framed.TOP, 0), "flat regions (min) are black");
        String json = EdgeFilters.json(maps, files, true);
        assertTrue(json.startsWith("[{\"filter\": \"vertical\", \"kernel\": [-1.0,0.0,1.0,-1.0,0.0,1.0,-1.0,0.0,1.0], \"height\": 6, \"width\": 8, \"min\": 0.0, \"max\": 3.0"), json);
        assertTrue(json.contains("\"values\": [0.0,0.0,0.0,3.0,3.0,0.0"), json);
    }

    @Test
    void readsAnImageBackAsGreyValues(@TempDir Path dir) {
        Tensor t = step(6, 7, 3, false);
        Path f = dir.resolve("step.png");
        MapImages.writePng(MapImages.image(new MapImages.Plane(t.data, 0, 6, 7), MapImages.Scale.MIN_MAX, 1), f);
        Tensor back = MapImages.read(f, 1);
        assertEquals(List.of(1, 1, 6, 7), java.util.Arrays.stream(back.shape()).boxed().toList());
        for (int i = 0; i < 42; i++) assertEquals(t.data[i], back.data[i], 1e-6, "pixel " + i);
        Tensor rgb = MapImages.read(f, 3);
        assertEquals(3, rgb.dim(1));
        assertEquals(1f, rgb.get(0, 2, 5, 6), 1e-6);
    }

    @Test
    void unknownFilterNameIsRejected() {
        StriateException e = assertThrows(StriateException.class, () -> EdgeFilters.byNames("vertical,diagonal"));
        assertEquals("Unknown filter 'diagonal'. Expected one of vertical, horizontal, sobel-x, sobel-y.", e.getMessage());
        assertEquals(2, EdgeFilters.byNames("sobel-x, sobel-y").size());
    }
}
