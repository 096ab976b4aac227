package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The 16-register dot-product blocks against plain loops, whatever blocks this machine's kernels use. */
class SimdDotSmallBlockTest {

    @BeforeAll
    static void needsVectors() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
    }

    @Test
    void blocksEqualLoops() {
        Random r = new Random(21);
        for (int t = 0; t < 1200; t++) {
            int k = 1 + r.nextInt(t % 9 == 0 ? 300 : 41), lda = k + r.nextInt(5), ldc = 2 + r.nextInt(6);
            int a0 = r.nextInt(3), b0 = r.nextInt(4), b1 = b0 + k + r.nextInt(9), c0 = r.nextInt(3);
            float[] a = random(r, a0 + 4 * lda), b = random(r, b1 + k), c = random(r, c0 + 3 * ldc + 2 + 3);
            float[] expected = c.clone();
            for (int i = 0; i < 4; i++) {
                for (int q = 0; q < 2; q++) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) sum += (double) a[a0 + i * lda + p] * b[(q == 0 ? b0 : b1) + p];
                    expected[c0 + i * ldc + q] += (float) sum;
                }
            }
            SimdDotSmallBlock.block4x2(k, a, a0, lda, b, b0, b1, c, c0, ldc, new float[8 * SimdGemm.L]);
            for (int i = 0; i < c.length; i++) assertEquals(expected[i], c[i], 1e-5f * (k + 1), "k " + k + " at " + i);
        }
    }

    @Test
    void laneBlocksEqualLoops() {
        Random r = new Random(22);
        int lanes = SimdGemm.L;
        for (int t = 0; t < 1000; t++) {
            int k = lanes * (1 + r.nextInt(t % 9 == 0 ? 40 : 6)), lda = k + lanes * r.nextInt(2), ld = 2 * lanes + lanes * r.nextInt(3);
            int b0 = r.nextInt(5), b1 = b0 + k + r.nextInt(7), at = lanes * r.nextInt(3);
            float[] a = random(r, 4 * lda), b = random(r, b1 + k), acc = random(r, at + 3 * ld + 2 * lanes + lanes);
            float[] expected = acc.clone();
            for (int i = 0; i < 4; i++) {
                for (int q = 0; q < 2; q++) {
                    for (int l = 0; l < lanes; l++) {
                        double sum = 0;
                        for (int p = l; p < k; p += lanes) sum += (double) a[i * lda + p] * b[(q == 0 ? b0 : b1) + p];
                        expected[at + i * ld + q * lanes + l] += (float) sum;
                    }
                }
            }
            SimdDotSmallBlock.lanes4x2(k, a, 0, lda, b, b0, b1, acc, at, ld);
            for (int i = 0; i < acc.length; i++) assertEquals(expected[i], acc[i], 1e-5f * (k + 1), "k " + k + " at " + i);
        }
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }
}
