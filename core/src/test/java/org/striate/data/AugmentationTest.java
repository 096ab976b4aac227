package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.tensor.Tensor;

class AugmentationTest {
    static Tensor batch(int n, int c, int h, int w, long seed) {
        Tensor t = new Tensor(n, c, h, w);
        Random r = new Random(seed);
        for (int i = 0; i < t.size(); i++) t.data[i] = 0.5f + r.nextFloat();
        return t;
    }

    @Test
    void shiftMovesPixelsAndFillsZeros() {
        int c = 2, h = 4, w = 5;
        for (int dy = -4; dy <= 4; dy++) {
            for (int dx = -5; dx <= 5; dx++) {
                Tensor orig = batch(1, c, h, w, 1), t = orig.copy();
                Augmentation.shift(t.data, 0, c, h, w, dy, dx);
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            int sy = y - dy, sx = x - dx;
                            float expected = sy >= 0 && sy < h && sx >= 0 && sx < w ? orig.get(0, ch, sy, sx) : 0f;
                            assertEquals(expected, t.get(0, ch, y, x), "dy=" + dy + " dx=" + dx + " at " + ch + "," + y + "," + x);
                        }
                    }
                }
            }
        }
    }

    @Test
    void shiftOfOneSampleLeavesItsNeighboursAlone() {
        Tensor orig = batch(3, 1, 3, 3, 2), t = orig.copy();
        Augmentation.shift(t.data, 9, 1, 3, 3, 1, 1);
        assertArrayEquals(Arrays.copyOfRange(orig.data, 0, 9), Arrays.copyOfRange(t.data, 0, 9));
        assertArrayEquals(Arrays.copyOfRange(orig.data, 18, 27), Arrays.copyOfRange(t.data, 18, 27));
        assertEquals(orig.get(1, 0, 0, 0), t.get(1, 0, 1, 1));
    }

    @Test
    void flipMirrorsAndTwiceIsIdentity() {
        Tensor orig = batch(2, 3, 4, 5, 3), t = orig.copy();
        for (int i = 0; i < 2; i++) Augmentation.flipHorizontal(t.data, i * 60, 3, 4, 5);
        assertEquals(orig.get(1, 2, 3, 0), t.get(1, 2, 3, 4));
        assertEquals(orig.get(0, 1, 2, 2), t.get(0, 1, 2, 2));
        assertFalse(Arrays.equals(orig.data, t.data));
        for (int i = 0; i < 2; i++) Augmentation.flipHorizontal(t.data, i * 60, 3, 4, 5);
        assertArrayEquals(orig.data, t.data);
    }

    @Test
    void sameSeedSameBatchDifferentSeedDifferentBatch() {
        Augmentation aug = new Augmentation(2, true);
        Tensor a = batch(16, 3, 8, 8, 4), b = a.copy(), c = a.copy();
        aug.applyInPlace(a, new Random(7));
        aug.applyInPlace(b, new Random(7));
        aug.applyInPlace(c, new Random(8));
        assertArrayEquals(a.data, b.data);
        assertFalse(Arrays.equals(a.data, c.data));
    }

    @Test
    void eachSampleIsAShiftOrFlipOfItselfWithinRange() {
        Augmentation aug = new Augmentation(1, true);
        Tensor orig = batch(40, 1, 5, 5, 5), t = orig.copy();
        aug.applyInPlace(t, new Random(3));
        int changed = 0;
        for (int i = 0; i < 40; i++) {
            float[] got = Arrays.copyOfRange(t.data, i * 25, i * 25 + 25);
            boolean found = false;
            for (int dy = -1; dy <= 1 && !found; dy++) {
                for (int dx = -1; dx <= 1 && !found; dx++) {
                    for (int f = 0; f < 2 && !found; f++) {
                        float[] cand = Arrays.copyOfRange(orig.data, i * 25, i * 25 + 25);
                        Augmentation.shift(cand, 0, 1, 5, 5, dy, dx);
                        if (f == 1) Augmentation.flipHorizontal(cand, 0, 1, 5, 5);
                        found = Arrays.equals(cand, got);
                    }
                }
            }
            assertTrue(found, "sample " + i + " is not a shift by at most 1 and optional flip of itself");
            if (!Arrays.equals(got, Arrays.copyOfRange(orig.data, i * 25, i * 25 + 25))) changed++;
        }
        assertTrue(changed > 20, "only " + changed + " of 40 samples changed");
    }

    @Test
    void parseAndToStringAgree() {
        for (String s : new String[] {"none", "flip", "shift=3", "shift=2,flip"}) assertEquals(s, Augmentation.parse(s).toString());
        assertEquals("shift=2,flip", Augmentation.parse(" FLIP , shift=2 ").toString());
        assertThrows(StriateException.class, () -> Augmentation.parse("shift=-1"));
        assertThrows(StriateException.class, () -> Augmentation.parse("rotate"));
        assertThrows(StriateException.class, () -> new Augmentation(-2, false));
        Tensor t = batch(2, 1, 3, 3, 6), copy = t.copy();
        Augmentation.none().applyInPlace(t, new Random(1));
        assertArrayEquals(copy.data, t.data);
    }
}
