package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.data.Augmentation;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Tensor;

class BatchLoaderTest {

    /** Sample s, channel c, pixel i holds s + c/10 + i/100. */
    private static Tensor images(int n) {
        Tensor t = new Tensor(n, 2, 2, 2);
        for (int s = 0; s < n; s++) for (int c = 0; c < 2; c++) for (int i = 0; i < 4; i++) t.data[(s * 2 + c) * 4 + i] = s + c / 10f + i / 100f;
        return t;
    }

    private static int[] labels(int n) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) l[i] = 100 + i;
        return l;
    }

    @Test
    void normalisesEachChannelWhileCopying() {
        float[] mean = {0.5f, 0.25f}, std = {0.5f, 4f};
        Tensor x = images(3);
        BatchLoader loader = new BatchLoader(x, labels(3), 2, mean, std);
        assertEquals(2, loader.steps());
        Tensor first = loader.load(0);
        assertArrayEquals(new int[] {2, 2, 2, 2}, first.shape());
        for (int i = 0; i < 16; i++) {
            int c = (i / 4) % 2;
            assertEquals((x.data[i] - mean[c]) / std[c], first.data[i], 0f, "element " + i);
        }
        assertArrayEquals(new int[] {100, 101}, Arrays.copyOf(loader.labels(), 2));
        Tensor last = loader.load(1);
        assertArrayEquals(new int[] {1, 2, 2, 2}, last.shape(), "the last batch holds the remainder");
        assertEquals((x.data[16] - 0.5f) / 0.5f, last.data[0], 0f);
        assertEquals(102, loader.labels()[0]);
        // one value for all channels
        Tensor all = new BatchLoader(x, null, 3, new float[] {1f}, new float[] {2f}).load(0);
        for (int i = 0; i < x.size(); i++) assertEquals((x.data[i] - 1f) / 2f, all.data[i], 0f);
    }

    @Test
    void shuffleFollowsTheSeedAndKeepsImagesWithTheirLabels() {
        int n = 50;
        Tensor x = images(n);
        BatchLoader a = new BatchLoader(x, labels(n), n, new float[] {0}, new float[] {1});
        BatchLoader b = new BatchLoader(x, labels(n), n, new float[] {0}, new float[] {1});
        BatchLoader c = new BatchLoader(x, labels(n), n, new float[] {0}, new float[] {1});
        a.shuffle(new Random(5));
        b.shuffle(new Random(5));
        c.shuffle(new Random(6));
        float[] ba = a.load(0).data.clone(), bb = b.load(0).data.clone(), bc = c.load(0).data.clone();
        assertArrayEquals(ba, bb);
        assertFalse(Arrays.equals(ba, bc));
        int[] la = a.labels();
        boolean[] seen = new boolean[n];
        for (int i = 0; i < n; i++) {
            int s = la[i] - 100;
            assertFalse(seen[s], "sample " + s + " twice");
            seen[s] = true;
            assertEquals(s, ba[i * 8], 0f, "image of sample " + s + " moved with its label");
        }
    }

    @Test
    void loadingAllocatesNothing() {
        Tensor x = images(100);
        BatchLoader loader = new BatchLoader(x, labels(100), 32, new float[] {0.5f, 0.5f}, new float[] {0.25f, 0.25f});
        Random rng = new Random(1);
        for (int i = 0; i < 200; i++) { loader.shuffle(rng); loader.load(i % loader.steps()); }
        long bytes = Allocations.measure(() -> {
            for (int i = 0; i < 1000; i++) { if (i % 4 == 0) loader.shuffle(rng); loader.load(i % loader.steps()); }
        });
        assertTrue(bytes < 1_000, "1000 loads allocated " + bytes + " bytes");
    }

    @Test
    void augmentationShiftsAndFlipsTheRawImageThenNormalises() {
        float[] mean = {0.5f, 0.25f}, std = {0.5f, 4f};
        Tensor x = images(5);
        Augmentation aug = new Augmentation(1, true);
        BatchLoader loader = new BatchLoader(x, labels(5), 5, mean, std);
        Tensor got = loader.load(0, aug, new Random(9)).copy();
        // the same draws applied by hand to the raw images, then the normalisation
        Tensor expected = x.copy();
        aug.applyInPlace(expected, new Random(9));
        for (int i = 0; i < expected.size(); i++) {
            int c = (i / 4) % 2;
            expected.data[i] = (expected.data[i] - mean[c]) / std[c];
        }
        assertArrayEquals(expected.data, got.data);
        assertFalse(Arrays.equals(loader.load(0).data, got.data), "five 2x2 images shifted and flipped at random: some changed");
        // an uncovered border is black before normalisation: (0 − mean) / std
        Tensor one = Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
        BatchLoader single = new BatchLoader(one, null, 1, new float[] {0.5f}, new float[] {0.5f});
        Random r = new Random(1);
        boolean sawBorder = false;
        for (int t = 0; t < 20; t++) {
            for (float v : single.load(0, new Augmentation(1, false), r).data) {
                assertTrue(v == 1f || v == -1f, "value " + v);
                sawBorder |= v == -1f;
            }
        }
        assertTrue(sawBorder, "twenty random shifts of up to one pixel uncovered no border");
    }

    @Test
    void augmentingAllocatesNothingAndNeedsImages() {
        Tensor x = images(100);
        BatchLoader loader = new BatchLoader(x, labels(100), 32, new float[] {0.5f, 0.5f}, new float[] {0.25f, 0.25f});
        Augmentation aug = Augmentation.parse("shift=1,flip");
        Random rng = new Random(1);
        for (int i = 0; i < 200; i++) loader.load(i % loader.steps(), aug, rng);
        long bytes = Allocations.measure(() -> { for (int i = 0; i < 1000; i++) loader.load(i % loader.steps(), aug, rng); });
        assertTrue(bytes < 1_000, "1000 augmented loads allocated " + bytes + " bytes");
        BatchLoader flat = new BatchLoader(new Tensor(4, 6), null, 2, new float[] {0}, new float[] {1});
        StriateException e = assertThrows(StriateException.class, () -> flat.load(0, aug, rng));
        assertTrue(e.getMessage().contains("(C, H, W)") && e.getMessage().contains("(6,)"), e.getMessage());
    }

    @Test
    void mismatchedNormalisationAndShapesAreRejected() {
        StriateException e = assertThrows(StriateException.class,
                () -> new BatchLoader(images(2), null, 1, new float[] {0, 0, 0}, new float[] {1, 1, 1}));
        assertTrue(e.getMessage().contains("3 mean(s)") && e.getMessage().contains("2 channel(s)"), e.getMessage());
        assertThrows(StriateException.class, () -> new BatchLoader(images(2), null, 0, new float[] {0}, new float[] {1}));
        ShapeException s = assertThrows(ShapeException.class, () -> BatchLoader.checkShape(new int[] {1, 28, 28}, images(2)));
        assertTrue(s.getMessage().contains("(1, 28, 28)") && s.getMessage().contains("(2, 2, 2)"), s.getMessage());
    }
}
