package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.striate.train.EpochStats;

/** The progress line and the epoch line fit 80 columns; speed and time left follow the real clock. */
class EpochProgressTest {

    static final long S = 1_000_000_000L;

    @Test
    void theBarFitsEightyColumnsWhateverTheFigures() {
        AtomicLong now = new AtomicLong();
        EpochProgress p = new EpochProgress(new PrintWriter(new StringWriter()), true, 100, now::get);
        p.startEpoch(100, 1_000_000);
        for (long done : new long[] {0, 1, 30_000, 999_999, 1_000_000}) {
            for (double seconds : new double[] {0, 0.5, 3, 5000}) {
                String line = p.line(done, seconds, 12.3456, 0.99);
                assertTrue(line.length() <= EpochProgress.WIDTH, line.length() + ": " + line);
                assertTrue(line.startsWith("epoch 100/100 ["), line);
            }
        }
        String epoch = EpochProgress.epochLine(new EpochStats(100, 12.3456, 0.9999, 10.1234, 0.9876, 1e-3, 3600), 100, "test", "1h02m03s");
        assertTrue(epoch.length() < 80, epoch.length() + ": " + epoch);
    }

    @Test
    void speedIsImagesOverRealTimeAndTimeLeftWaitsForEnoughOfTheEpoch() {
        AtomicLong now = new AtomicLong();
        EpochProgress p = new EpochProgress(new PrintWriter(new StringWriter()), true, 2, now::get);
        p.startEpoch(1, 60_000);
        // one second in, a fast first batch: no time left yet
        assertTrue(p.line(6_000, 1.0, 1, 0.5).contains("--:-- left"), p.line(6_000, 1.0, 1, 0.5));
        // six seconds for a fifth: 24 s left, 2000 img/s
        String line = p.line(12_000, 6.0, 1, 0.5);
        assertTrue(line.contains(" 2000 img/s") && line.contains("0:24 left") && line.contains(" 20%"), line);
        assertTrue(p.line(60_000, 30.0, 1, 0.5).contains("0:30 took"));
        assertEquals("1:02:03", EpochProgress.clock(3723));
    }

    @Test
    void redrawsInPlaceAtMostFourTimesASecondAndWipesTheLineAtTheEnd() {
        AtomicLong now = new AtomicLong();
        StringWriter out = new StringWriter();
        EpochProgress p = new EpochProgress(new PrintWriter(out), true, 1, now::get);
        p.startEpoch(1, 1000);
        for (int i = 1; i <= 100; i++) {
            now.addAndGet(S / 100);            // 10 ms per step, one second in all
            p.progress(i * 10L, 1, 0.5);
        }
        long draws = out.toString().chars().filter(c -> c == '\r').count();
        assertTrue(draws >= 4 && draws <= 6, "draws " + draws);
        p.endEpochBar();
        String all = out.toString();
        assertTrue(all.endsWith("\r"), "the line is wiped");
        assertTrue(all.contains("100%"), "the last step is always drawn");
    }
}
