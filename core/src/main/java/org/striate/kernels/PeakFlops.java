package org.striate.kernels;

import java.lang.reflect.Method;

/**
 * Measured FP32 peak: the Vector API FMA loop of {@link SimdPeak} when the module is readable,
 * otherwise a scalar {@link Math#fma} loop (which shows what the scalar kernels could reach).
 *
 * <p>A {@link Meter} times one window at a time on a pool it keeps, so a benchmark can interleave
 * peak windows with its own: on a shared machine whose speed drifts by tens of percent within
 * seconds, a layer and the peak it is compared with are then measured over the same span.
 */
public final class PeakFlops {
    private PeakFlops() {}

    /** GFLOP/s over {@code threads} threads: the best window of about {@code millis} ms once the rate stops rising. */
    public static double measureGflops(int threads, long millis) {
        try (Meter meter = meter(threads)) {
            return meter.best(millis);
        }
    }

    /** Windows after which the best rate so far is returned even if it still rises. */
    private static final int MAX_WINDOWS = 30;

    /** A meter with its own pool of {@code threads} threads; close it to stop them. */
    public static Meter meter(int threads) { return new Meter(threads); }

    /** FMA-loop windows on every thread of one pool. */
    public static final class Meter implements AutoCloseable {
        private final Parallel pool;
        private final Method simdWindow;

        private Meter(int threads) {
            pool = new Parallel(threads);
            simdWindow = simdWindow();
        }

        /**
         * GFLOP/s summed over the threads, each running FMAs for about {@code millis} ms. Until C2 has
         * compiled the loop the Vector API runs boxed, hundreds of times slower: take the best of
         * several windows.
         */
        public double window(long millis) {
            long nanos = millis * 1_000_000L;
            if (simdWindow != null) {
                try {
                    return (double) simdWindow.invoke(null, pool, nanos);
                } catch (ReflectiveOperationException e) {
                    // fall through to the scalar loop
                }
            }
            return scalarWindow(pool, nanos);
        }

        /** The best of windows of about {@code millis} ms, taken until the rate stops rising. */
        public double best(long millis) {
            double best = 0;
            for (int window = 0, flat = 0; window < MAX_WINDOWS && flat < 2; window++) {
                double rate = window(millis);
                flat = rate > best * 1.02 ? 0 : flat + 1;
                best = Math.max(best, rate);
            }
            return best;
        }

        @Override
        public void close() { pool.close(); }
    }

    private static Method simdWindow() {
        if (KernelProvider.simdUnavailableReason() != null) return null;
        try {
            Method m = Class.forName("org.striate.kernels.SimdPeak").getDeclaredMethod("window", Parallel.class, long.class);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    private static double scalarWindow(Parallel pool, long nanos) {
        int threads = pool.threads();
        long[] fmas = new long[threads];
        float[] sink = new float[threads];
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
