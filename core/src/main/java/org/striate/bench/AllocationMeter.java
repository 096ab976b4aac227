package org.striate.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.striate.kernels.Kernels;
import org.striate.kernels.Parallel;

/**
 * Bytes the JVM counts as allocated by the calling thread and the kernels' workers while a call runs.
 * A warmed-up training step or forward pass allocates nothing; when it does, C2 has left some Vector
 * API operations in their Java fallbacks, which box every vector and run many times slower. What C2
 * compiles depends on what the JVM ran before, so one run of a program can be in that state and the
 * next not: a run's figures are only worth comparing when this is zero.
 */
public final class AllocationMeter {
    private AllocationMeter() {}

    /** Bytes allocated per call, over {@code calls} calls of {@code body}; −1 when this JVM cannot count them. */
    public static long perCall(Runnable body, int calls) {
        // what reading the counters allocates (their result arrays, and the first reading's set-up)
        // is measured on an empty call and taken off
        total(() -> { }, 1);
        long reading = total(() -> { }, 1), total = total(body, calls);
        return total < 0 ? -1 : Math.max(0, total - reading) / calls;
    }

    /** Bytes allocated over {@code calls} calls of {@code body}; −1 when this JVM cannot count them. */
    public static long total(Runnable body, int calls) {
        com.sun.management.ThreadMXBean mx = counters();
        if (mx == null) return -1;
        long[] ids = threadIds();
        long[] start = mx.getThreadAllocatedBytes(ids);
        for (int i = 0; i < calls; i++) body.run();
        long[] end = mx.getThreadAllocatedBytes(ids);
        long sum = 0;
        for (int i = 0; i < ids.length; i++) {
            if (start[i] >= 0 && end[i] >= 0) sum += end[i] - start[i];
        }
        return sum;
    }

    /**
     * Bytes the calling thread and the kernels' workers have allocated so far (a reading to take the
     * difference of, between two points of a running loop); −1 when this JVM cannot count them.
     */
    public static long soFar() {
        com.sun.management.ThreadMXBean mx = counters();
        if (mx == null) return -1;
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(threadIds())) sum += Math.max(0, b);
        return sum;
    }

    /** The JVM's per-thread allocation counters, or null when it has none or they are switched off. */
    private static com.sun.management.ThreadMXBean counters() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        return bean instanceof com.sun.management.ThreadMXBean mx && mx.isThreadAllocatedMemorySupported()
                && mx.isThreadAllocatedMemoryEnabled() ? mx : null;
    }

    /** The calling thread and the kernels' pool workers. */
    private static long[] threadIds() {
        Parallel pool = Kernels.get().pool();
        long[] workers = pool == null ? new long[0] : pool.workerIds();
        long[] ids = new long[workers.length + 1];
        ids[0] = Thread.currentThread().getId();
        System.arraycopy(workers, 0, ids, 1, workers.length);
        return ids;
    }
}
