package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SavableRandomTest {

    /** Every draw the project makes, in a mixed order, against java.util.Random with the same seed. */
    @Test
    void drawsExactlyWhatJavaUtilRandomDraws() {
        for (long seed : new long[] {0, 42, -7, Long.MAX_VALUE}) {
            Random a = new Random(seed), b = new SavableRandom(seed);
            for (int i = 0; i < 2000; i++) {
                switch (i % 7) {
                    case 0 -> assertEquals(a.nextInt(i + 1), b.nextInt(i + 1));
                    case 1 -> assertEquals(a.nextFloat(), b.nextFloat());
                    case 2 -> assertEquals(a.nextBoolean(), b.nextBoolean());
                    case 3 -> assertEquals(a.nextLong(), b.nextLong());
                    case 4 -> assertEquals(a.nextDouble(), b.nextDouble());
                    case 5 -> assertEquals(a.nextGaussian(), b.nextGaussian());
                    default -> assertEquals(a.nextInt(), b.nextInt());
                }
            }
        }
    }

    @Test
    void aRestoredStateGoesOnWithTheSameDraws() {
        SavableRandom r = new SavableRandom(3);
        r.nextGaussian();                          // leaves the second Gaussian cached
        long[] state = r.state();
        double[] expected = {r.nextGaussian(), r.nextDouble(), r.nextInt(10)};
        SavableRandom other = new SavableRandom(99);
        other.restore(state);
        assertEquals(expected[0], other.nextGaussian());
        assertEquals(expected[1], other.nextDouble());
        assertEquals(expected[2], other.nextInt(10));
        assertThrows(DataFormatException.class, () -> other.restore(new long[] {1L << 50, 0, 0}));
    }
}
