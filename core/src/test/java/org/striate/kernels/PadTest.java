package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The zero-bordered copy the shifted views, Winograd's patches and the channel-lane tiles read
 * (SimdConv.pad), float for float against a plain loop over the padded map: every border and the
 * slack zero, the copied rows equal to the input, the rows a band leaves out as they were, on one
 * thread's buffer taken by layouts and bands in turn, as a layer's samples and other layers take it.
 */
class PadTest {
    @BeforeAll
    static void vectors() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
    }

    @Test
    void paddedCopyMatchesPlainLoop() {
        Random r = new Random(31);
        Scratch s = Scratch.get();
        s.paddedOverwritten(1); // whatever this thread's buffer held before, its layout is now unknown
        int[] last = null;
        for (int t = 0; t < 3000; t++) {
            // mostly short rows (fashion-cnn's 14, resnet's 7 and 28), odd and prime widths among them
            int w = t % 5 == 0 ? 1 + r.nextInt(3 * SimdGemm.L) : 1 + r.nextInt(2 * SimdGemm.L), h = 1 + r.nextInt(t % 7 == 0 ? 30 : 9);
            int channels = 1 + r.nextInt(t % 9 == 0 ? 40 : 5), padH = r.nextInt(3), padW = r.nextInt(3), slack = r.nextInt(2 * SimdGemm.L + 3);
            int samples = 1 + r.nextInt(3), n = r.nextInt(samples), srcOff = n * channels * h * w;
            // a sample among others, so an offset that is off by a row or a channel reads another's values
            float[] src = new float[samples * channels * h * w];
            for (int i = 0; i < src.length; i++) src[i] = r.nextFloat() - 0.5f;
            boolean band = r.nextInt(3) == 0;
            int r0 = band ? r.nextInt(h) : 0, r1 = band ? r0 + 1 + r.nextInt(h - r0) : h;
            int wp = w + 2 * padW, hp = h + 2 * padH, plane = hp * wp;
            String what = channels + " x " + h + " x " + w + " pad " + padH + "," + padW + " rows " + r0 + ".." + r1 + " slack " + slack;
            // what the buffer holds before (a band leaves its other rows as they are)
            int[] layout = {channels, h, w, padH, padW, channels * plane + slack + SimdGemm.NR};
            boolean sameLayout = java.util.Arrays.equals(layout, last);
            last = layout;
            float[] before = s.padded(layout[5]).clone();
            float[] out = SimdConv.pad(s, src, srcOff, channels, h, w, padH, padW, slack, r0, r1);
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < hp; i++) {
                    for (int j = 0; j < wp; j++) {
                        int at = c * plane + i * wp + j, row = i - padH, col = j - padW;
                        boolean interior = row >= 0 && row < h && col >= 0 && col < w;
                        float expected = !interior ? 0f
                                : row >= r0 && row < r1 ? src[srcOff + (c * h + row) * w + col]
                                : sameLayout ? before[at] : 0f;
                        assertEquals(expected, out[at], what + ": channel " + c + " padded row " + i + " column " + j);
                    }
                }
            }
            for (int i = channels * plane; i < channels * plane + slack; i++) assertEquals(0f, out[i], what + ": slack at " + i);
        }
    }
}
