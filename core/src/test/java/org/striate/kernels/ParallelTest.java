package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {

    private static int[] covered(Parallel pool, int count) {
        AtomicIntegerArray hits = new AtomicIntegerArray(count);
        pool.run(count, (part, from, to) -> { for (int i = from; i < to; i++) hits.incrementAndGet(i); });
        int[] out = new int[count];
        for (int i = 0; i < count; i++) out[i] = hits.get(i);
        return out;
    }

    @Test
    void everyItemRunsOnceAlsoAfterTheWorkersAreGone() {
        int[] once = new int[37];
        java.util.Arrays.fill(once, 1);
        try (Parallel pool = new Parallel(3)) {
            assertArrayEquals(once, covered(pool, 37));
            pool.close();
            // a pool closed while someone still holds it must answer, not wait for workers that left
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertArrayEquals(once, covered(pool, 37)));
        }
    }

    @Test
    void aFailureInTheCallersShareStillWaitsForTheWorkers() {
        try (Parallel pool = new Parallel(2)) {
            AtomicIntegerArray done = new AtomicIntegerArray(1);
            assertThrows(IllegalStateException.class, () -> pool.run(2, (part, from, to) -> {
                if (part == 0) throw new IllegalStateException("caller part fails");
                try { Thread.sleep(200); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                done.set(0, 1);
            }));
            // run returned only after the worker finished its part
            assertArrayEquals(new int[] {1}, new int[] {done.get(0)});
            int[] once = new int[11];
            java.util.Arrays.fill(once, 1);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertArrayEquals(once, covered(pool, 11)));
        }
    }

    @Test
    void aCallNestedInAPartRunsInThatThreadAndCoversEveryItemOnce() {
        try (Parallel pool = new Parallel(3)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(3 * 29);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> pool.run(3, (part, from, to) -> {
                for (int outer = from; outer < to; outer++) {
                    int base = outer * 29;
                    Thread mine = Thread.currentThread();
                    pool.run(29, (p, f, t) -> {
                        if (Thread.currentThread() != mine) throw new AssertionError("nested part ran on another thread");
                        for (int i = f; i < t; i++) hits.incrementAndGet(base + i);
                    });
                }
            }));
            for (int i = 0; i < hits.length(); i++) assertArrayEquals(new int[] {1}, new int[] {hits.get(i)}, "item " + i);
        }
    }
}
