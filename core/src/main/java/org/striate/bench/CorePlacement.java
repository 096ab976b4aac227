package org.striate.bench;

import java.util.concurrent.atomic.AtomicLong;
import org.striate.kernels.Parallel;

/**
 * How far apart the cores of the kernels' calling thread and first worker are: the time a cache line
 * takes to go from one to the other and back. On a virtual machine the two can share a cache, or sit
 * on parts of the chip that share none, and the host may move them while a program runs. Data that one
 * thread writes and the other reads then costs more, and a batch-1 forward hands its data over at
 * every layer: on a 2-core Zen 4 virtual machine, round trips of 50–85 ns and 325–425 ns came in turns,
 * and resnet8's batch-1 forward on two threads took 440–450 µs in the first placement and 650–720 µs
 * in the second, while on one thread it took 736–744 µs in both.
 */
final class CorePlacement {
    /** Round trips above which the two cores are taken to share no cache (between the two groups measured). */
    static final double FAR_NS = 200;
    private static final int TRIPS = 20_000;
    /** A part waiting longer than this for the other gives up: the pool ran the parts one after the other. */
    private static final long PATIENCE_NANOS = 200_000_000L;

    private CorePlacement() {}

    /** Mean nanoseconds of a round trip between the calling thread and the pool's first worker; NaN without one. */
    static double roundTripNs(Parallel pool) {
        if (pool == null || pool.threads() < 2) return Double.NaN;
        PingPong job = new PingPong();
        pool.run(pool.threads(), job);
        return job.nanos;
    }

    /** Part 0 (the calling thread) serves, part 1 returns; the others do nothing. */
    private static final class PingPong implements Parallel.RangeTask {
        private final AtomicLong ball = new AtomicLong();
        private volatile double nanos = Double.NaN;

        @Override
        public void run(int part, int from, int to) {
            if (part == 0) serve();
            else if (part == 1) answer();
        }

        private void serve() {
            if (!await(1)) return; // the worker has started
            long t0 = System.nanoTime();
            for (long i = 0; i < TRIPS; i++) {
                ball.set(2 * i + 2);
                if (!await(2 * i + 3)) return;
            }
            nanos = (System.nanoTime() - t0) / (double) TRIPS;
        }

        private void answer() {
            ball.set(1);
            for (long i = 0; i < TRIPS; i++) {
                if (!await(2 * i + 2)) return;
                ball.set(2 * i + 3);
            }
        }

        private boolean await(long value) {
            long deadline = System.nanoTime() + PATIENCE_NANOS;
            for (int spin = 0; ball.get() != value; spin++) {
                Thread.onSpinWait();
                if ((spin & 1023) == 0 && System.nanoTime() > deadline) return false;
            }
            return true;
        }
    }
}
