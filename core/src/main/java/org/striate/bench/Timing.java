package org.striate.bench;

/** Wall-clock rates: warm up, then run until the time is spent and count. */
final class Timing {
    private Timing() {}

    /**
     * Calls per second of {@code body} over about {@code seconds}, after a warm-up: at least as long,
     * then on until two half-length windows agree within {@value #STEADY}. The JIT compiles the
     * Vector API kernels for many seconds on the same cores the timed threads use; a fixed warm-up
     * measured a half-compiled LeNet at a tenth of its speed on a busy machine.
     */
    static double perSecond(Runnable body, double seconds) {
        warmUp(body, seconds);
        return rate(runFor(body, seconds));
    }

    /**
     * The best rate of {@value #BEST_OF} windows over {@code seconds} in all, after the same warm-up:
     * what the code reaches when nothing else takes the cores, measured the way the FP32 peak is, so
     * that a kernel's share of the peak compares like with like on a machine shared with other work.
     */
    static double bestPerSecond(Runnable body, double seconds) {
        warmUp(body, seconds);
        double best = 0;
        for (int window = 0; window < BEST_OF; window++) best = Math.max(best, rate(runFor(body, seconds / BEST_OF)));
        return best;
    }

    static final int BEST_OF = 5;

    private static void warmUp(Runnable body, double seconds) {
        runFor(body, seconds);
        double previous = rate(runFor(body, seconds / 2));
        for (int window = 0; window < MAX_WINDOWS; window++) {
            double now = rate(runFor(body, seconds / 2));
            if (Math.abs(now - previous) <= STEADY * Math.max(now, previous)) break;
            previous = now;
        }
    }

    /** Relative difference of two warm-up windows taken as steady. */
    static final double STEADY = 0.05;
    /** Warm-up windows after which the rate is measured anyway (a machine shared with other work never settles). */
    static final int MAX_WINDOWS = 20;

    private static double rate(long[] done) { return done[0] / (done[1] / 1e9); }

    /** Runs {@code body} at least once and until {@code seconds} have passed; returns {calls, nanos}. */
    static long[] runFor(Runnable body, double seconds) {
        long budget = (long) (seconds * 1e9), t0 = System.nanoTime(), calls = 0, elapsed;
        do {
            body.run();
            calls++;
            elapsed = System.nanoTime() - t0;
        } while (elapsed < budget);
        return new long[] {calls, elapsed};
    }
}
