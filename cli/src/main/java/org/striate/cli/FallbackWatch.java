package org.striate.cli;

import java.io.PrintWriter;
import java.util.function.LongSupplier;
import org.striate.bench.AllocationMeter;
import org.striate.train.TrainingListener;

/**
 * Says so when a training run's steps still allocate after the JIT's warm-up: the JVM then left some
 * vector operations in their Java fallbacks, which box every vector, and the whole run goes several
 * times slower than usual (with the same results). What the JIT compiles differs from one JVM to the
 * next, so a new run is the remedy. Measured once, over {@value #STEPS} steps of the second epoch,
 * when the warm-up is long over; a warmed-up step allocates nothing.
 */
final class FallbackWatch implements TrainingListener {
    /** Steps the allocation is measured over, from step {@value #FROM} of the second epoch. */
    static final int STEPS = 50, FROM = 100;
    /** Bytes a step from which the run is said to be in that state: far above any bookkeeping of the loop's. */
    static final long BYTES_A_STEP = 1 << 20;

    private final PrintWriter err;
    private final LongSupplier allocated;
    private long start = -1;
    private boolean done;

    FallbackWatch(PrintWriter err) { this(err, AllocationMeter::soFar); }

    /** With {@code allocated}, the bytes allocated so far (−1 when not known). */
    FallbackWatch(PrintWriter err, LongSupplier allocated) {
        this.err = err;
        this.allocated = allocated;
    }

    @Override
    public void onBatch(int epoch, int step, int steps, double loss, double accuracy, double imagesPerSecond) {
        if (done || epoch != 2) return;
        int from = Math.min(FROM, steps / 4);
        if (step == from) {
            start = allocated.getAsLong();
        } else if (step == from + STEPS && start >= 0) {
            done = true;
            long end = allocated.getAsLong(), perStep = (end - start) / STEPS;
            if (end < 0 || perStep < BYTES_A_STEP) return;
            err.printf("warning: each training step still allocates %.1f MB after the warm-up: this JVM left some vector operations"
                    + " in their slow Java fallbacks, so this run goes several times slower than usual (its results are the same);"
                    + " a new run compiles afresh%n", perStep / 1e6);
            err.flush();
        }
    }
}
