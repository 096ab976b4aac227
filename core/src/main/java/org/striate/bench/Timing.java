package org.striate.bench;

import java.util.Arrays;

/** Wall-clock rates: warm up, then run until the time is spent and count. */
final class Timing {
    private Timing() {}

    /** Windows a figure is measured in. */
    static final int WINDOWS = 5;

    /**
     * Calls per second of {@code body} over about {@code seconds}, in {@link #WINDOWS} equal windows
     * (the mean over all of them, and the slowest, median and fastest window), after a warm-up: at least as long,
     * then on until two half-length windows agree within {@value #STEADY}. The JIT compiles the
     * Vector API kernels for many seconds on the same cores the timed threads use; a fixed warm-up
     * measured a half-compiled LeNet at a tenth of its speed on a busy machine. A window lasts long
     * enough for {@value #MIN_CALLS} calls at the warm-up's rate (resnet18's training step takes seconds).
     */
    static BenchResult.Spread perSecond(Runnable body, double seconds) {
        double window = window(seconds / WINDOWS, warmUp(body, seconds));
        double[] rates = new double[WINDOWS];
        long calls = 0, nanos = 0;
        for (int w = 0; w < WINDOWS; w++) {
            long[] done = runFor(body, window);
            rates[w] = rate(done);
            calls += done[0];
            nanos += done[1];
        }
        Arrays.sort(rates);
        return new BenchResult.Spread(calls / (nanos / 1e9), rates[0], rates[WINDOWS / 2], rates[WINDOWS - 1]);
    }

    /** Calls a timed window holds at least: the rate of one call is that call's luck, not the code's speed. */
    static final int MIN_CALLS = 3;

    /** {@code seconds}, or longer when {@value #MIN_CALLS} calls at {@code rate} per second take longer. */
    static double window(double seconds, double rate) { return Math.max(seconds, MIN_CALLS / rate); }

    /**
     * Windows of which a kernel's best rate is taken: what the code reaches when nothing else takes
     * the cores, measured the way the FP32 peak is, so that its share of the peak compares like with like.
     */
    static final int BEST_OF = 5;

    /** Runs {@code body} until its rate is steady (see {@link #perSecond}); returns the last rate, calls per second. */
    static double warmUp(Runnable body, double seconds) {
        runFor(body, seconds);
        double previous = rate(runFor(body, seconds / 2)), now = previous;
        for (int window = 0; window < MAX_WINDOWS; window++) {
            now = rate(runFor(body, seconds / 2));
            if (Math.abs(now - previous) <= STEADY * Math.max(now, previous)) break;
            previous = now;
        }
        return now;
    }

    /** Relative difference of two warm-up windows taken as steady. */
    static final double STEADY = 0.05;
    /** Warm-up windows after which the rate is measured anyway (a machine shared with other work never settles). */
    static final int MAX_WINDOWS = 20;

    static double rate(long[] done) { return done[0] / (done[1] / 1e9); }

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
