package org.striate.kernels;

import java.lang.reflect.Method;

/**
 * Measured FP32 peak: the Vector API FMA loop of {@link SimdPeak} when the module is readable,
 * otherwise a scalar {@link Math#fma} loop (which shows what the scalar kernels could reach).
 */
public final class PeakFlops {
    private PeakFlops() {}

    /** GFLOP/s over {@code threads} threads, measured for about {@code millis} ms. */
    public static double measureGflops(int threads, long millis) {
        if (KernelProvider.simdUnavailableReason() == null) {
            try {
                Method m = Class.forName("org.striate.kernels.SimdPeak").getDeclaredMethod("gflops", int.class, long.class);
                m.setAccessible(true);
                return (double) m.invoke(null, threads, millis * 1_000_000L);
            } catch (ReflectiveOperationException | LinkageError e) {
                // fall through to the scalar loop
            }
        }
        return scalarGflops(threads, millis * 1_000_000L);
    }

    private static double scalarGflops(int threads, long nanos) {
        long[] fmas = new long[threads];
        float[] sink = new float[threads];
        try (Parallel pool = new Parallel(threads)) {
            long t0 = System.nanoTime();
            pool.run(threads, (part, from, to) -> {
                long end = System.nanoTime() + nanos, done = 0;
                float a0 = 1, a1 = 2, a2 = 3, a3 = 4, a4 = 5, a5 = 6, a6 = 7, a7 = 8;
                float x = 0.999999f, y = 1e-7f;
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 4096; i++) {
                        a0 = Math.fma(a0, x, y); a1 = Math.fma(a1, x, y); a2 = Math.fma(a2, x, y); a3 = Math.fma(a3, x, y);
                        a4 = Math.fma(a4, x, y); a5 = Math.fma(a5, x, y); a6 = Math.fma(a6, x, y); a7 = Math.fma(a7, x, y);
                    }
                    done += 4096 * 8;
                }
                sink[part] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
                fmas[part] = done;
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            long total = 0;
            for (long f : fmas) total += f;
            return total * 2.0 / seconds / 1e9;
        }
    }
}
