package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The warning for a run whose steps still allocate after the warm-up: once, in the second epoch, only past the threshold. */
class FallbackWatchTest {

    /** The text a run of {@code epochs} epochs of 938 steps prints when each step allocates {@code perStep} bytes. */
    private static String run(int epochs, long perStep, boolean countable) {
        StringWriter out = new StringWriter();
        long[] allocated = {0};
        FallbackWatch watch = new FallbackWatch(new PrintWriter(out), () -> countable ? allocated[0] : -1);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            for (int step = 1; step <= 938; step++) {
                allocated[0] += perStep;
                watch.onBatch(epoch, step, 938, 0.5, 0.5, 1000);
            }
        }
        return out.toString();
    }

    @Test
    void warnsOnceWhenStepsStillAllocate() {
        String text = run(3, 3 << 20, true);
        assertTrue(text.startsWith("warning: each training step still allocates 3.1 MB after the warm-up"), text);
        assertEquals(1, text.lines().count(), text);
    }

    @Test
    void saysNothingForARunThatAllocatesLittleOrCannotBeMeasured() {
        assertEquals("", run(3, 0, true));
        assertEquals("", run(3, FallbackWatch.BYTES_A_STEP - 1, true));
        assertEquals("", run(1, 3 << 20, true));  // the first epoch is the JIT's warm-up
        assertEquals("", run(3, 3 << 20, false));
    }
}
