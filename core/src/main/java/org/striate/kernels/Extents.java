package org.striate.kernels;

import org.striate.tensor.ShapeException;

/**
 * The bound every geometry checks when it is made: padded inputs, kernel extents, outputs and weights
 * must each fit in one Java array, computed in {@code long} so that huge paddings, dilations or
 * kernels are refused instead of wrapping around to small or negative sizes.
 */
final class Extents {
    /** The largest array the JVM allocates. */
    static final long LIMIT = Integer.MAX_VALUE - 8;

    private Extents() {}

    /** ⌊(in + 2p − d·(k−1) − 1) / s⌋ + 1 in long arithmetic. */
    static long out(long in, long k, long stride, long pad, long dil) {
        return Math.floorDiv(in + 2 * pad - dil * (k - 1) - 1, stride) + 1;
    }

    /** Clamps an axis length to int: too large becomes {@link Integer#MAX_VALUE}, refused by {@link #check}. */
    static int clamp(long v) { return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v)); }

    /**
     * Throws when the product of {@code factors} exceeds {@link #LIMIT}: {@code what} names the array
     * ("padded input"), {@code layer} the settings that made it ("convolution 3x3, padding 2147483647").
     */
    static void check(String layer, String what, long... factors) {
        double product = 1;
        for (long f : factors) product *= Math.max(f, 0);
        if (product > LIMIT) {
            throw new ShapeException("Invalid " + layer + ": its " + what + " would hold about " + String.format(java.util.Locale.ROOT, "%.3g", product)
                    + " values, more than one array can (2^31). Expected smaller padding, kernels or filters.");
        }
    }
}
