package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ResizePropertiesTest {
    /** Area averaging redistributes each source pixel's value exactly, so the image mean is kept at any size. */
    @Property(tries = 200)
    void areaKeepsTheMean(@ForAll @IntRange(min = 1, max = 13) int sh, @ForAll @IntRange(min = 1, max = 13) int sw,
                          @ForAll @IntRange(min = 1, max = 13) int dh, @ForAll @IntRange(min = 1, max = 13) int dw,
                          @ForAll long seed) {
        float[] src = new float[sh * sw], dst = new float[dh * dw];
        Random r = new Random(seed);
        double in = 0, out = 0;
        for (int i = 0; i < src.length; i++) { src[i] = r.nextFloat(); in += src[i]; }
        Resize.AREA.apply(src, 0, sh, sw, dst, 0, dh, dw);
        for (float v : dst) out += v;
        assertEquals(in / src.length, out / dst.length, 1e-5);
    }

    /** Both methods average their sources, so no output leaves the source's range. */
    @Property(tries = 200)
    void outputsStayWithinTheSourceRange(@ForAll @IntRange(min = 1, max = 11) int sh, @ForAll @IntRange(min = 1, max = 11) int sw,
                                         @ForAll @IntRange(min = 1, max = 11) int dh, @ForAll @IntRange(min = 1, max = 11) int dw,
                                         @ForAll boolean area, @ForAll long seed) {
        float[] src = new float[sh * sw], dst = new float[dh * dw];
        Random r = new Random(seed);
        float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
        for (int i = 0; i < src.length; i++) { src[i] = r.nextFloat() * 2 - 1; lo = Math.min(lo, src[i]); hi = Math.max(hi, src[i]); }
        (area ? Resize.AREA : Resize.BILINEAR).apply(src, 0, sh, sw, dst, 0, dh, dw);
        for (float v : dst) assertTrue(v >= lo - 1e-6f && v <= hi + 1e-6f, v + " outside [" + lo + ", " + hi + "]");
    }
}
