package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;

/** Comparison with a tolerance scaled by the reduction length, and random data helpers. */
final class KernelAssert {
    private KernelAssert() {}

    /** Awkward sizes: ones, primes, vector widths and their neighbours. */
    static final int[] SIZES = {1, 2, 3, 5, 7, 8, 13, 15, 16, 17, 31, 32, 33, 47, 48, 49, 64, 65};

    static int pick(Random r, int[] from) { return from[r.nextInt(from.length)]; }

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }

    /**
     * Fails unless |expected − actual| ≤ (1e-5 + 2e-6·reduction)·max(1, |expected|) at every index
     * below n: summing {@code reduction} products in another order moves the result by about that much.
     */
    static void close(float[] expected, float[] actual, int n, int reduction, String what) {
        double tol = 1e-5 + 2e-6 * reduction;
        for (int i = 0; i < n; i++) {
            double e = expected[i], a = actual[i];
            if (!(Math.abs(e - a) <= tol * Math.max(1, Math.abs(e)))) {
                fail(what + ": index " + i + " of " + n + " expected " + e + " but was " + a + " (tolerance " + tol + ")");
            }
        }
    }
}
