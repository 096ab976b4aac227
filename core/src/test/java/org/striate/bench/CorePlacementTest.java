package org.striate.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.striate.kernels.Parallel;

/** The round trip between the calling thread and the pool's first worker. */
class CorePlacementTest {

    @Test
    void measuresARoundTripBetweenTwoThreads() {
        try (Parallel pool = new Parallel(2)) {
            double ns = CorePlacement.roundTripNs(pool);
            // at least a few instructions each way, and well under the patience of 200 ms
            assertTrue(ns > 1 && ns < 10_000_000, "round trip " + ns + " ns");
        }
    }

    @Test
    void hasNoneWithoutAWorker() {
        try (Parallel pool = new Parallel(1)) {
            assertTrue(Double.isNaN(CorePlacement.roundTripNs(pool)));
        }
        assertTrue(Double.isNaN(CorePlacement.roundTripNs(null)));
    }

    @Test
    void givesUpWhenThePoolRunsThePartsInTurn() {
        // a call from inside a running job runs every part serially in the caller: no one answers
        try (Parallel pool = new Parallel(2)) {
            double[] nested = new double[1];
            pool.run(2, (part, from, to) -> { if (part == 0) nested[0] = CorePlacement.roundTripNs(pool); });
            assertTrue(Double.isNaN(nested[0]));
        }
    }
}
