package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SIMD activations and dropout's mask product against their scalar twins on 1,000+ random
 * lengths each (primes, one under and over a vector, and every 50th long enough to be split over the
 * 3 threads). All but sigmoid and tanh forward must match bit for bit: they are the same float
 * operations in the same order.
 */
class SimdElementwiseTest {
    private static final ScalarKernels REF = new ScalarKernels();
    private static final int[] LENGTHS = {1, 2, 3, 7, 13, 15, 16, 17, 31, 32, 33, 47, 97, 101, 257, 784, 1009};
    private static Kernels simd;

    @BeforeAll
    static void load() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        simd = KernelProvider.simd(3);
    }

    @AfterAll
    static void release() throws Exception { if (simd instanceof AutoCloseable c) c.close(); }

    /** Every 50th length is split over the pool (uneven parts: a prime number of values). */
    private static int randomLength(Random r, int t) {
        if (t % 50 == 0) return SimdElementwise.PARALLEL_FROM + pick(r, new int[] {0, 1, 17, 4099, 40_009});
        return r.nextBoolean() ? pick(r, LENGTHS) : 1 + r.nextInt(400);
    }

    /** Values over [−scale, scale], with zeros, signed zeros and a few extremes mixed in. */
    private static float[] values(Random r, int n, float scale) {
        float[] a = random(r, n);
        for (int i = 0; i < n; i++) {
            a[i] *= scale;
            int k = r.nextInt(64);
            if (k == 0) a[i] = 0f;
            else if (k == 1) a[i] = -0f;
            else if (k == 2) a[i] = (r.nextBoolean() ? 1 : -1) * (50 + r.nextInt(100));
        }
        return a;
    }

    @Test
    void leakyReluMatchesScalarExactly() {
        Random r = new Random(21);
        for (int t = 0; t < 1000; t++) {
            int n = randomLength(r, t);
            float alpha = r.nextInt(5) == 0 ? 0f : r.nextFloat();
            float[] x = values(r, n, 4), dy = random(r, n);
            float[] y1 = new float[n], y2 = new float[n], dx1 = new float[n], dx2 = new float[n];
            REF.leakyReluForward(n, alpha, x, y1);
            simd.leakyReluForward(n, alpha, x, y2);
            assertArrayEquals(y1, y2, "leaky forward n=" + n + " alpha=" + alpha);
            REF.leakyReluBackward(n, alpha, x, dy, dx1);
            simd.leakyReluBackward(n, alpha, x, dy, dx2);
            assertArrayEquals(dx1, dx2, "leaky backward n=" + n + " alpha=" + alpha);
        }
    }

    @Test
    void reluMatchesScalarExactly() {
        Random r = new Random(22);
        for (int t = 0; t < 1000; t++) {
            int n = randomLength(r, t);
            float[] x = values(r, n, 4), dy = random(r, n);
            float[] y1 = new float[n], y2 = new float[n], dx1 = new float[n], dx2 = new float[n];
            REF.reluForward(n, x, y1);
            simd.reluForward(n, x, y2);
            assertArrayEquals(y1, y2, "relu forward n=" + n);
            REF.reluBackward(n, x, dy, dx1);
            simd.reluBackward(n, x, dy, dx2);
            assertArrayEquals(dx1, dx2, "relu backward n=" + n);
        }
    }

    /**
     * Sigmoid and tanh forward: the vector versions take float exp and tanh (SVML on x86, a few units
     * in the last place) where the twin rounds double ones to float, and sigmoid then divides in
     * float. So each value may differ by a few float ulps: 8 ulps of the expected value (1e-6 relative
     * is 8.4 ulps at worst) plus 1e-37 absolute for the subnormal results of far negative inputs.
     * Their backward passes read the forward output and must match exactly.
     */
    @Test
    void sigmoidAndTanhMatchScalarWithinFloatRounding() {
        Random r = new Random(23);
        for (int t = 0; t < 1000; t++) {
            int n = randomLength(r, t);
            float[] x = values(r, n, 1 + r.nextInt(30)), dy = random(r, n);
            float[] y1 = new float[n], y2 = new float[n];
            REF.sigmoidForward(n, x, y1);
            simd.sigmoidForward(n, x, y2);
            ulps(y1, y2, x, "sigmoid n=" + n);
            float[] dx1 = new float[n], dx2 = new float[n];
            REF.sigmoidBackward(n, y1, dy, dx1);
            simd.sigmoidBackward(n, y1, dy, dx2);
            assertArrayEquals(dx1, dx2, "sigmoid backward n=" + n);

            REF.tanhForward(n, x, y1);
            simd.tanhForward(n, x, y2);
            ulps(y1, y2, x, "tanh n=" + n);
            REF.tanhBackward(n, y1, dy, dx1);
            simd.tanhBackward(n, y1, dy, dx2);
            assertArrayEquals(dx1, dx2, "tanh backward n=" + n);
        }
    }

    @Test
    void dropoutProductMatchesScalarExactly() {
        Random r = new Random(24);
        for (int t = 0; t < 1000; t++) {
            int n = randomLength(r, t);
            float p = r.nextFloat() * 0.9f;
            float[] mask = new float[n], x = values(r, n, 3), y1 = new float[n], y2 = new float[n];
            ActivationKernels.dropoutMask(n, p, new Random(t), mask);
            REF.multiply(n, x, mask, y1);
            simd.multiply(n, x, mask, y2);
            assertArrayEquals(y1, y2, "dropout n=" + n + " p=" + p);
        }
    }

    private static void ulps(float[] expected, float[] actual, float[] x, String what) {
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (!(Math.abs(e - a) <= 1e-6 * Math.abs(e) + 1e-37)) {
                fail(what + ": x[" + i + "]=" + x[i] + " expected " + e + " but was " + a);
            }
        }
    }
}
