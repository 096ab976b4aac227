package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SIMD optimizer updates against their scalar twins, bit for bit, on 1,000+ random ranges each
 * (primes, one under and over a vector, ranges that start at an odd offset, and every 20th long
 * enough to be split over the 3 threads), with random settings, over several steps so that the
 * momentum and moments carried between steps are compared too.
 */
class SimdUpdatesTest {
    private static final ScalarKernels REF = new ScalarKernels();
    private static final int[] LENGTHS = {1, 2, 3, 7, 13, 15, 16, 17, 31, 32, 33, 47, 97, 101, 257, 1009};
    private static Kernels simd;

    @BeforeAll
    static void load() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        simd = KernelProvider.simd(3);
    }

    @AfterAll
    static void release() throws Exception { if (simd instanceof AutoCloseable c) c.close(); }

    /** [from, to) within an array of {@code range[2]} values. */
    private static int[] randomRange(Random r, int t) {
        int n = t % 20 == 0 ? SimdElementwise.PARALLEL_FROM + pick(r, new int[] {0, 1, 17, 4099, 40_009})
                : r.nextBoolean() ? pick(r, LENGTHS) : 1 + r.nextInt(400);
        int before = r.nextInt(3) == 0 ? r.nextInt(20) : 0, after = r.nextInt(3) == 0 ? r.nextInt(20) : 0;
        return new int[] {before, before + n, before + n + after};
    }

    @Test
    void sgdMatchesScalarExactly() {
        Random r = new Random(31);
        for (int t = 0; t < 1000; t++) {
            int[] range = randomRange(r, t);
            int size = range[2];
            float lr = r.nextFloat() * 0.5f, mu = r.nextInt(3) == 0 ? 0f : r.nextFloat(), wd = r.nextBoolean() ? 0f : r.nextFloat() * 0.01f;
            boolean nesterov = mu > 0 && r.nextBoolean();
            float[] p1 = random(r, size), p2 = p1.clone(), v1 = random(r, size), v2 = v1.clone();
            for (int step = 0; step < 3; step++) {
                float[] g = random(r, size);
                if (step == 1 && size > 2) g[r.nextInt(size)] = Float.NaN;
                REF.sgdStep(p1, g, mu == 0 ? null : v1, range[0], range[1], lr, mu, wd, nesterov);
                simd.sgdStep(p2, g, mu == 0 ? null : v2, range[0], range[1], lr, mu, wd, nesterov);
                String what = "sgd range " + range[0] + ".." + range[1] + " of " + size + " lr=" + lr + " mu=" + mu + " wd=" + wd
                        + " nesterov=" + nesterov + " step " + step;
                assertArrayEquals(p1, p2, what + ": parameters");
                assertArrayEquals(v1, v2, what + ": velocity");
            }
        }
    }

    @Test
    void adamMatchesScalarExactly() {
        Random r = new Random(32);
        for (int t = 0; t < 1000; t++) {
            int[] range = randomRange(r, t);
            int size = range[2];
            float[] p1 = random(r, size), p2 = p1.clone(), m1 = random(r, size), m2 = m1.clone(), v1 = new float[size];
            for (int i = 0; i < size; i++) v1[i] = r.nextFloat() * 0.01f;
            float[] v2 = v1.clone();
            AdamTerms terms = new AdamTerms();
            terms.beta1 = 0.8f + 0.19f * r.nextFloat();
            terms.beta2 = 0.99f + 0.0099f * r.nextFloat();
            terms.oneMinusBeta1 = 1 - terms.beta1;
            terms.oneMinusBeta2 = 1 - terms.beta2;
            terms.epsilon = r.nextBoolean() ? 1e-8f : 1e-3f;
            terms.stepSize = r.nextFloat() * 0.01f;
            terms.sqrtCorrection2 = 0.01f + r.nextFloat();
            boolean decoupled = r.nextBoolean();
            float wd = r.nextBoolean() ? 0f : r.nextFloat() * 0.1f;
            terms.shrink = decoupled ? 1 - terms.stepSize * wd : 1f;
            terms.coupled = decoupled ? 0f : wd;
            for (int step = 0; step < 3; step++) {
                float[] g = random(r, size);
                if (step == 2 && size > 2) g[r.nextInt(size)] = 0f;
                REF.adamStep(p1, g, m1, v1, range[0], range[1], terms);
                simd.adamStep(p2, g, m2, v2, range[0], range[1], terms);
                String what = "adam range " + range[0] + ".." + range[1] + " of " + size + " decoupled=" + decoupled + " wd=" + wd + " step " + step;
                assertArrayEquals(p1, p2, what + ": parameters");
                assertArrayEquals(m1, m2, what + ": first moment");
                assertArrayEquals(v1, v2, what + ": second moment");
            }
        }
    }

    /** Values outside [from, to) are never touched, whichever path runs. */
    @Test
    void updatesOnlyTheRange() {
        Random r = new Random(33);
        int size = SimdElementwise.PARALLEL_FROM + 4099, from = 7, to = size - 5;
        float[] p = random(r, size), before = p.clone(), g = random(r, size), v = new float[size];
        simd.sgdStep(p, g, v, from, to, 0.1f, 0.9f, 0f, false);
        for (int i = 0; i < size; i++) {
            boolean inside = i >= from && i < to;
            if (inside == (p[i] == before[i]) && g[i] != 0) throw new AssertionError("index " + i + (inside ? " not updated" : " updated"));
        }
    }
}
