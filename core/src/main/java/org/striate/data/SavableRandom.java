package org.striate.data;

import java.util.Random;

/**
 * A {@link Random} whose state can be read and set, so a training run can stop and go on with the
 * same draws (checkpoints). It computes exactly what {@code new Random(seed)} does — the same
 * 48-bit linear congruential generator, and the same cached second Gaussian — so a run gives the
 * same results as before it was used.
 */
public final class SavableRandom extends Random {
    private static final long MULTIPLIER = 0x5DEECE66DL, ADDEND = 0xBL, MASK = (1L << 48) - 1;
    private static final long serialVersionUID = 1L;

    private long state;
    private boolean haveNextNextGaussian;
    private double nextNextGaussian;

    public SavableRandom(long seed) { super(seed); }

    @Override
    public synchronized void setSeed(long seed) {
        state = (seed ^ MULTIPLIER) & MASK;
        haveNextNextGaussian = false;
    }

    @Override
    protected synchronized int next(int bits) {
        state = (state * MULTIPLIER + ADDEND) & MASK;
        return (int) (state >>> (48 - bits));
    }

    @Override
    public synchronized double nextGaussian() {
        if (haveNextNextGaussian) {
            haveNextNextGaussian = false;
            return nextNextGaussian;
        }
        double v1, v2, s;
        do {
            v1 = 2 * nextDouble() - 1;
            v2 = 2 * nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        double multiplier = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        nextNextGaussian = v2 * multiplier;
        haveNextNextGaussian = true;
        return v1 * multiplier;
    }

    /** The whole state: the generator's 48 bits, whether a Gaussian is cached, and its bits. */
    public synchronized long[] state() {
        return new long[] {state, haveNextNextGaussian ? 1 : 0, Double.doubleToRawLongBits(nextNextGaussian)};
    }

    /** Sets the state {@link #state()} returned; the draws then continue from where they were. */
    public synchronized void restore(long[] s) {
        if (s.length != 3 || (s[0] & ~MASK) != 0 || (s[1] != 0 && s[1] != 1)) {
            throw new DataFormatException("Invalid random generator state. Expected 3 values: 48 state bits, 0 or 1, a double's bits.");
        }
        state = s[0];
        haveNextNextGaussian = s[1] == 1;
        nextNextGaussian = Double.longBitsToDouble(s[2]);
    }
}
