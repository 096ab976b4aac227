package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;

class FashionScenesTest {
    private static final Dataset GARMENTS = SyntheticGarments.make(30, 3, 7);

    @Test
    void sameSeedGivesTheSameScenesAndAnotherSeedOthers() {
        FashionScenes.Scenes a = FashionScenes.generate(GARMENTS, 40, 5), b = FashionScenes.generate(GARMENTS, 40, 5);
        assertArrayEquals(a.images().data, b.images().data);
        assertArrayEquals(a.masks().data, b.masks().data);
        assertEquals(a.boxes(), b.boxes());
        FashionScenes.Scenes c = FashionScenes.generate(GARMENTS, 40, 6);
        assertFalse(Arrays.equals(a.images().data, c.images().data));
    }

    @Test
    void theFirstScenesOfALargerSetAreTheScenesOfASmallerOne() {
        FashionScenes.Scenes small = FashionScenes.generate(GARMENTS, 5, 3), large = FashionScenes.generate(GARMENTS, 12, 3);
        assertArrayEquals(small.masks().data, Arrays.copyOf(large.masks().data, small.masks().size()));
        assertEquals(small.boxes(), large.boxes().subList(0, 5));
    }

    @Test
    void masksAgreeWithBoxes() {
        FashionScenes.Scenes s = FashionScenes.generate(GARMENTS, 60, 11);
        int side = FashionScenes.SIDE, plane = side * side;
        assertEquals(List.of("background", "shape0", "shape1", "shape2"), List.of(s.classNames()));
        for (int i = 0; i < s.size(); i++) {
            List<Box> boxes = s.boxes().get(i);
            assertTrue(boxes.size() >= 1 && boxes.size() <= FashionScenes.MAX_GARMENTS, "garments in scene " + i + ": " + boxes.size());
            for (int p = 0; p < plane; p++) {
                int label = (int) s.masks().data[i * plane + p];
                float pixel = s.images().data[i * plane + p];
                if (label == 0) { assertEquals(0f, pixel, "background pixel " + p + " of scene " + i); continue; }
                assertTrue(pixel > FashionScenes.THRESHOLD);
                int x = p % side, y = p / side;
                assertTrue(boxes.stream().anyMatch(b -> b.cls() == label - 1 && b.contains(x, y)),
                        "pixel (" + x + ", " + y + ") of class " + label + " in scene " + i + " lies in no box of its class: " + boxes);
            }
            // the garment drawn last is not covered: its class's pixels inside its box reach every edge of the box
            Box top = boxes.get(boxes.size() - 1);
            int x0 = side, y0 = side, x1 = 0, y1 = 0;
            for (int p = 0; p < plane; p++) {
                int x = p % side, y = p / side;
                if ((int) s.masks().data[i * plane + p] == top.cls() + 1 && top.contains(x, y)) {
                    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x + 1); y1 = Math.max(y1, y + 1);
                }
            }
            assertEquals(Box.truth(top.cls(), x0, y0, x1, y1), top, "top garment of scene " + i);
            float size = Math.max(top.width(), top.height());
            assertTrue(size <= FashionScenes.MAX_SIZE, "box larger than the largest garment: " + top);
        }
    }

    @Test
    void superResolutionPairsAreAreaAverages() {
        Dataset pairs = SuperResolutionPairs.of(GARMENTS.head(2), 2);
        assertArrayEquals(new int[] {1, 14, 14}, pairs.sampleShape());
        float[] big = GARMENTS.images().data, small = pairs.images().data;
        float mean = (big[28 * 12 + 12] + big[28 * 12 + 13] + big[28 * 13 + 12] + big[28 * 13 + 13]) / 4;
        assertEquals(mean, small[14 * 6 + 6], 1e-6);
        assertThrows(StriateException.class, () -> SuperResolutionPairs.of(GARMENTS, 3));
    }

    @Test
    void refusesBadInput() {
        assertThrows(StriateException.class, () -> FashionScenes.generate(GARMENTS, -1, 1));
        Dataset colour = new Dataset(new org.striate.tensor.Tensor(2, 3, 28, 28), new int[] {0, 1}, new String[] {"a", "b"});
        assertThrows(StriateException.class, () -> FashionScenes.generate(colour, 3, 1));
    }
}
