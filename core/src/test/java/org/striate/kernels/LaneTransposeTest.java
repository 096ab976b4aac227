package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The in-register 16 × 16 (or, on 8-lane vectors, 8 × 8) transpose against a loop over the elements, bit for bit. */
class LaneTransposeTest {

    @Test
    void blocksMatchTheLoop() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null && LaneTranspose.applies(), "needs 16- or 8-lane vectors");
        Random r = new Random(12);
        int n = LaneTranspose.N, checked = 0;
        for (int t = 0; t < 1000; t++) {
            // strides of a block's width and up, odd ones included; offsets anywhere
            int srcStride = n + r.nextInt(t % 5 == 0 ? 200 : 20), dstStride = n + r.nextInt(t % 7 == 0 ? 300 : 30);
            int srcOff = r.nextInt(37), dstOff = r.nextInt(41), bOff = r.nextInt(5);
            float[] src = new float[srcOff + (n - 1) * srcStride + n + r.nextInt(3)];
            for (int i = 0; i < src.length; i++) src[i] = r.nextFloat() * 4 - 2;
            // values that must move untouched in a plain transpose
            src[srcOff + r.nextInt(n)] = -0.0f;
            src[srcOff + srcStride * r.nextInt(n) + r.nextInt(n)] = Float.NaN;
            float[] bias = t % 3 == 0 ? null : new float[bOff + n];
            if (bias != null) for (int j = 0; j < bias.length; j++) bias[j] = r.nextFloat() - 0.5f;
            float floor = t % 2 == 0 ? Float.NEGATIVE_INFINITY : 0f;
            float[] dst = new float[dstOff + (n - 1) * dstStride + n + 5], expected = new float[dst.length];
            for (int i = 0; i < dst.length; i++) dst[i] = expected[i] = -7f - i;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    float v = src[srcOff + i * srcStride + j];
                    if (bias != null) v += bias[bOff + j];
                    if (floor != Float.NEGATIVE_INFINITY) v = Math.max(v, floor);
                    expected[dstOff + j * dstStride + i] = v;
                }
            }
            LaneTranspose.block(src, srcOff, srcStride, dst, dstOff, dstStride, bias, bOff, floor);
            for (int i = 0; i < dst.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(dst[i]),
                        "element " + i + " (strides " + srcStride + ", " + dstStride + ", bias " + (bias != null) + ", floor " + floor + ")");
            }
            checked++;
        }
        assertTrue(checked >= 1000);
    }
}
