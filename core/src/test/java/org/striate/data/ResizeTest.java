package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ResizeTest {
    static float[] random(int n) {
        float[] a = new float[n];
        Random r = new Random(9);
        for (int i = 0; i < n; i++) a[i] = r.nextFloat();
        return a;
    }

    @ParameterizedTest
    @EnumSource(Resize.class)
    void sameSizeIsIdentity(Resize mode) {
        float[] src = random(5 * 7), dst = new float[35];
        mode.apply(src, 0, 5, 7, dst, 0, 5, 7);
        assertArrayEquals(src, dst);
    }

    @ParameterizedTest
    @EnumSource(Resize.class)
    void constantStaysConstant(Resize mode) {
        float[] src = new float[6 * 9];
        java.util.Arrays.fill(src, 0.25f);
        float[] dst = new float[4 * 13];
        mode.apply(src, 0, 6, 9, dst, 0, 4, 13);
        for (float v : dst) assertEquals(0.25f, v, 1e-6f);
    }

    @Test
    void areaHalvingAveragesTwoByTwoBlocks() {
        float[] src = random(4 * 6), dst = new float[2 * 3];
        Resize.AREA.apply(src, 0, 4, 6, dst, 0, 2, 3);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                float mean = (src[2 * y * 6 + 2 * x] + src[2 * y * 6 + 2 * x + 1] + src[(2 * y + 1) * 6 + 2 * x] + src[(2 * y + 1) * 6 + 2 * x + 1]) / 4;
                assertEquals(mean, dst[y * 3 + x], 1e-6f);
            }
        }
    }

    @Test
    void areaToThirdsWeighsFractionalOverlap() {
        // 1x2 → 1x3: outputs cover [0, 2/3), [2/3, 4/3), [4/3, 2) of the source
        float[] dst = new float[3];
        Resize.AREA.apply(new float[] {0f, 3f}, 0, 1, 2, dst, 0, 1, 3);
        assertArrayEquals(new float[] {0f, 1.5f, 3f}, dst, 1e-6f);
    }

    @Test
    void bilinearDoublingInterpolatesWithHalfPixelCentres() {
        // 1x2 → 1x4: centres at source x = -0.25 (clamped 0), 0.25, 0.75, 1.25 (clamped 1)
        float[] dst = new float[4];
        Resize.BILINEAR.apply(new float[] {0f, 4f}, 0, 1, 2, dst, 0, 1, 4);
        assertArrayEquals(new float[] {0f, 1f, 3f, 4f}, dst, 1e-6f);
    }
}
