package org.striate.bench;

/** Wall-clock rates: warm up, then run until the time is spent and count. */
final class Timing {
    private Timing() {}

    /**
     * Calls per second of {@code body} over about {@code seconds}, after a warm-up as long: the JIT
     * compiles the kernels in the first seconds, on the same two cores the timed threads use.
     */
    static double perSecond(Runnable body, double seconds) {
        runFor(body, seconds);
        long[] done = runFor(body, seconds);
        return done[0] / (done[1] / 1e9);
    }

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
