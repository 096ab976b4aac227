package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
            float[] p1 = random(r, size), p2 = p1.clone(), v1 = random(r, size);
            int[] idle = plantTiny(r, v1);
            float[] v2 = v1.clone();
            for (int step = 0; step < 3; step++) {
                float[] g = random(r, size);
                for (int i : idle) g[i] = 0f;
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
            float[] p1 = random(r, size), p2 = p1.clone(), m1 = random(r, size), v1 = new float[size];
            for (int i = 0; i < size; i++) v1[i] = r.nextFloat() * 0.01f;
            int[] idle = plantTiny(r, m1);
            for (int i : idle) v1[i] = m1[i] * m1[i] * 1e3f;
            float[] m2 = m1.clone(), v2 = v1.clone();
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
                for (int i : idle) g[i] = 0f;
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

    /**
     * Some values of a state buffer, near or below the smallest normal float (and their gradients kept at
     * zero by the caller), so that the flush to zero is compared too: a momentum there decays into the
     * subnormal range within a step or two. Returns their indices.
     */
    private static int[] plantTiny(Random r, float[] state) {
        int[] idle = new int[r.nextInt(Math.min(state.length, 8) + 1)];
        for (int k = 0; k < idle.length; k++) {
            idle[k] = r.nextInt(state.length);
            state[idle[k]] = TINY[r.nextInt(TINY.length)];
        }
        return idle;
    }

    private static final float[] TINY = {Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL * 1.5f, 3e-38f, 1e-36f, 2e-39f};

    /**
     * Momenta and moments that would become subnormal are stored as zero by both kernel sets, and a
     * parameter whose gradient is zero then stops moving: a subnormal multiplied in every step is slow
     * on some processors (see {@link UpdateKernels#flushed(float)}).
     */
    @Test
    void subnormalStateBecomesZero() {
        int size = SimdElementwise.PARALLEL_FROM + 33;
        for (Kernels k : new Kernels[] {REF, simd}) {
            float[] p = new float[size], g = new float[size], v = new float[size], m = new float[size], s = new float[size];
            java.util.Arrays.fill(p, 0.5f);
            java.util.Arrays.fill(v, 1.176e-38f);  // normal, but 0.9 or 0.999 times it is not
            java.util.Arrays.fill(m, 1.176e-38f);
            java.util.Arrays.fill(s, 1.176e-38f);
            v[3] = m[3] = s[3] = 1f;  // stays normal
            k.sgdStep(p, g, v, 0, size, 0.1f, 0.9f, 0f, false);
            AdamTerms t = new AdamTerms();
            t.beta1 = 0.9f; t.beta2 = 0.999f; t.oneMinusBeta1 = 0.1f; t.oneMinusBeta2 = 0.001f;
            t.epsilon = 1e-8f; t.stepSize = 1e-3f; t.sqrtCorrection2 = 1f; t.shrink = 1f; t.coupled = 0f;
            k.adamStep(p, g, m, s, 0, size, t);
            for (int i = 0; i < size; i++) {
                String where = k.getClass().getSimpleName() + " index " + i;
                if (i == 3) {  // normal state, updated as usual
                    assertEquals(0.9f, v[i], where);
                    assertEquals(0.9f, m[i], where);
                    assertEquals(0.999f, s[i], where);
                    continue;
                }
                assertEquals(0f, v[i], where + ": subnormal momentum kept");
                assertEquals(0f, m[i], where + ": subnormal first moment kept");
                assertEquals(0f, s[i], where + ": subnormal second moment kept");
                assertEquals(0.5f, p[i], where + ": parameter moved by a flushed momentum");
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
